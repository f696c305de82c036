// Issue 10, defect 1: one unreadable stored update took the whole server down. On the real
// production process: the document alone fails (a distinct close code), the process, /healthz
// and other documents carry on, nothing is written over the stored bytes, the next open tries
// again, and the administrator's repair sets the unreadable row aside so the document opens.
import { randomBytes } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import type { Db } from '../../src/lib/server/db';
import { CloseCode } from '../../src/lib/collab/protocol';
import { appendUpdates } from '../../src/lib/server/documents/journal';
import { setAsideUnreadable } from '../../src/lib/server/documents/storage-damage';
import { freshDb } from '../helpers/db';
import { buildDocument, buildTerritory, buildUser, type TestUser } from '../helpers/factories';
import { connectProvider, httpGet, nextClose, synced, waitFor } from '../helpers/collab';
import { bodyText, paragraph } from '../helpers/content';
import { freePort, spawnServer, useBuiltServer, type ServerProcess } from '../helpers/process';

useBuiltServer();

let db: Db;
let file: string;
let writer: TestUser;
let admin: TestUser;
let server: ServerProcess;
let port: number;

beforeAll(async () => {
	({ db, url: file } = await freshDb());
	const territory = await buildTerritory(db);
	writer = await buildUser(db, territory, territory.epciId);
	admin = await buildUser(db, territory, territory.epciId, { role: 'admin' });
	port = await freePort();
	server = await spawnServer(port, file);
});

/** A document whose journal holds `rows` readable updates, then `corrupt` rows of random bytes. */
async function documentWithCorruptRow(texts: string[], corruptRows = 1): Promise<string> {
	const documentId = await buildDocument(db, writer, [], undefined);
	let seq = 0;
	const doc = new Y.Doc();
	for (const [i, text] of texts.entries()) {
		const before = Y.encodeStateVector(doc);
		paragraph(doc, i).insert(0, text);
		seq = await appendUpdates(db, documentId, seq, [
			{ userId: writer.id, data: Y.encodeStateAsUpdate(doc, before) }
		]);
	}
	for (let i = 0; i < corruptRows; i++)
		seq = await appendUpdates(db, documentId, seq, [{ userId: writer.id, data: randomBytes(200) }]);
	return documentId;
}

async function storedRows(documentId: string) {
	return db
		.selectFrom('document_update')
		.select(['seq', 'data'])
		.where('document_id', '=', documentId)
		.orderBy('seq')
		.execute();
}

const alive = () => server.child.exitCode === null && server.child.signalCode === null;

describe('a document whose stored state cannot be read', () => {
	it('fails alone: distinct close code, process and other documents carry on, next open retries', async () => {
		// The audit's case: the document's only row is unreadable (handed out as stored before).
		const onlyRow = await documentWithCorruptRow([], 1);
		// A readable row followed by an unreadable one (merged at load).
		const laterRow = await documentWithCorruptRow(['Texte lisible.'], 1);
		const healthy = await buildDocument(db, writer);
		const rowsBefore = await storedRows(laterRow);

		for (const documentId of [onlyRow, laterRow]) {
			const { provider } = connectProvider(port, documentId, writer.token);
			expect(await nextClose(provider)).toBe(CloseCode.documentUnreadable);
			provider.destroy();
		}
		// The audit saw the process die about 50 ms after the close: wait well beyond.
		await new Promise((r) => setTimeout(r, 500));
		expect(alive()).toBe(true);
		expect(await httpGet(port, '/healthz')).toBe(200);

		// Another document is still edited and shared.
		const a = connectProvider(port, healthy, writer.token);
		const b = connectProvider(port, healthy, writer.token);
		await Promise.all([synced(a.provider), synced(b.provider)]);
		paragraph(a.doc).insert(0, 'Toujours en service.');
		await waitFor(() => bodyText(b.doc) === 'Toujours en service.', 5_000, 'the edit to arrive');

		// The next open tries again (and fails again, still alone).
		const again = connectProvider(port, laterRow, writer.token);
		expect(await nextClose(again.provider)).toBe(CloseCode.documentUnreadable);
		again.provider.destroy();
		expect(alive()).toBe(true);

		// Nothing was written over the stored bytes (no compaction, no snapshot of a partial state).
		expect(await storedRows(laterRow)).toEqual(rowsBefore);
		const snapshot = await db
			.selectFrom('document_snapshot')
			.select('document_id')
			.where('document_id', '=', laterRow)
			.executeTakeFirst();
		expect(snapshot).toBeUndefined();

		// Logged with the row at fault, and recorded for the administrator.
		await waitFor(
			() => /document \w+ unreadable; rows at fault: update 2/.test(server.output()),
			5_000,
			'the log naming the row'
		);
		const damage = await db
			.selectFrom('document_damage')
			.select(['detail', 'repaired_at'])
			.where('document_id', '=', laterRow)
			.executeTakeFirstOrThrow();
		expect(damage.repaired_at).toBeNull();
		expect(damage.detail).toContain('ligne 2');
	});

	it('opens again with what remains once the administrator has set the unreadable row aside', async () => {
		const documentId = await documentWithCorruptRow(['Premier paragraphe.', 'Second.'], 1);
		const corrupt = (await storedRows(documentId)).at(-1)!;
		const failing = connectProvider(port, documentId, writer.token);
		expect(await nextClose(failing.provider)).toBe(CloseCode.documentUnreadable);
		failing.provider.destroy();

		// The administrator repairs once told (the damage is recorded after the close).
		await waitFor(
			async () =>
				(await db
					.selectFrom('document_damage')
					.select('document_id')
					.where('document_id', '=', documentId)
					.executeTakeFirst()) !== undefined,
			5_000,
			'the damage to be recorded'
		);
		expect(await setAsideUnreadable(db, documentId, admin.id)).toBe(1);

		const reader = connectProvider(port, documentId, writer.token);
		await synced(reader.provider);
		expect(bodyText(reader.doc)).toBe('Premier paragraphe.\nSecond.');
		// Kept, byte for byte, not deleted.
		const aside = await db
			.selectFrom('document_set_aside')
			.select(['seq', 'data', 'source', 'set_aside_by'])
			.where('document_id', '=', documentId)
			.execute();
		expect(aside).toHaveLength(1);
		expect(aside[0]).toMatchObject({ seq: corrupt.seq, source: 'update', set_aside_by: admin.id });
		expect(Buffer.from(aside[0].data)).toEqual(Buffer.from(corrupt.data));
		const damage = await db
			.selectFrom('document_damage')
			.select('repaired_by')
			.where('document_id', '=', documentId)
			.executeTakeFirstOrThrow();
		expect(damage.repaired_by).toBe(admin.id);
	});
});
