import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { onCleanup } from './cleanup';
import * as Y from 'yjs';
import { migrateToLatest, openDatabase, type Db } from '../../src/lib/server/db';
import { loadStoredState } from '../../src/lib/server/documents/journal';

/** A migrated SQLite database in a fresh temporary file, closed and deleted after the file's tests. */
export async function freshDb(): Promise<{ db: Db; file: string }> {
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'assemblier-test-'));
	const file = path.join(dir, 'test.sqlite');
	const db = openDatabase(file);
	await migrateToLatest(db);
	onCleanup(async () => {
		await db.destroy();
		fs.rmSync(dir, { recursive: true, force: true });
	});
	return { db, file };
}

/** The document as stored (snapshot + journal), as a fresh Y.Doc. */
export async function storedDoc(db: Db, documentId: string): Promise<Y.Doc> {
	const doc = new Y.Doc();
	Y.applyUpdate(doc, (await loadStoredState(db, documentId)).state);
	return doc;
}

/** The stored text of the test documents' Y.Text('t'). */
export async function storedText(db: Db, documentId: string): Promise<string> {
	return (await storedDoc(db, documentId)).getText('t').toString();
}
