import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { onCleanup } from './cleanup';
import * as Y from 'yjs';
import { migrateToLatest, openDatabase, type Db } from '../../src/lib/server/db';
import { loadStoredState } from '../../src/lib/server/documents/journal';
import { bodyText } from './content';
import { createPostgresDatabase, dropPostgresDatabase, TEST_DIALECT } from './dialect';

/**
 * A migrated database of its own, closed and deleted after the file's tests: a temporary SQLite
 * file, or a new PostgreSQL database when the project runs on PostgreSQL. `url` is what a
 * spawned server takes as DATABASE_URL.
 */
export async function freshDb(): Promise<{ db: Db; url: string }> {
	if (TEST_DIALECT === 'postgres') {
		const { url, name } = await createPostgresDatabase();
		const db = openDatabase(url);
		onCleanup(async () => {
			await db.destroy();
			await dropPostgresDatabase(name);
		});
		await migrateToLatest(db);
		return { db, url };
	}
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'assemblier-test-'));
	const url = path.join(dir, 'test.sqlite');
	const db = openDatabase(url);
	await migrateToLatest(db);
	onCleanup(async () => {
		await db.destroy();
		fs.rmSync(dir, { recursive: true, force: true });
	});
	return { db, url };
}

/** The document as stored (snapshot + journal), as a fresh Y.Doc. */
export async function storedDoc(db: Db, documentId: string): Promise<Y.Doc> {
	const doc = new Y.Doc();
	Y.applyUpdate(doc, (await loadStoredState(db, documentId)).state);
	return doc;
}

/** The stored body as plain text, one line per block (bodyText of tests/helpers/content.ts). */
export async function storedText(db: Db, documentId: string): Promise<string> {
	return bodyText(await storedDoc(db, documentId));
}

/** How many journal rows a document has (so that a refusal can be shown to have written none). */
export async function journalLength(db: Db, documentId: string): Promise<number> {
	const rows = await db
		.selectFrom('document_update')
		.select('seq')
		.where('document_id', '=', documentId)
		.execute();
	return rows.length;
}
