import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll } from 'vitest';
import { migrateToLatest, openDatabase, type Db } from '../../src/lib/server/db';

/** A migrated SQLite database in a fresh temporary file, closed and deleted after the file's tests. */
export async function freshDb(): Promise<{ db: Db; file: string }> {
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'assemblier-test-'));
	const file = path.join(dir, 'test.sqlite');
	const db = openDatabase(file);
	await migrateToLatest(db);
	afterAll(async () => {
		await db.destroy();
		fs.rmSync(dir, { recursive: true, force: true });
	});
	return { db, file };
}
