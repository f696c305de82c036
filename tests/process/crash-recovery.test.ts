// Durability on the real production process: what the server has broadcast survives SIGKILL,
// and SIGTERM flushes, compacts and tells clients to reconnect.
import { beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import type { Db } from '../../src/lib/server/db';
import { CloseCode } from '../../src/lib/collab/protocol';
import { freshDb } from '../helpers/db';
import { buildDocument, buildTerritory, buildUser, type TestUser } from '../helpers/factories';
import { connectProvider, synced, waitFor } from '../helpers/collab';
import { freePort, spawnServer, useBuiltServer } from '../helpers/process';
import { applyTxn, loadTrace } from '../helpers/traces';
import { paragraph } from '../helpers/content';
import { DOCUMENT_FRAGMENT } from '../../src/lib/documents/schema';

useBuiltServer();

let db: Db;
let file: string;
let writerA: TestUser;
let writerB: TestUser;
let observer: TestUser;

beforeAll(async () => {
	({ db, url: file } = await freshDb());
	const territory = await buildTerritory(db);
	writerA = await buildUser(db, territory, territory.epciId);
	writerB = await buildUser(db, territory, territory.communeId);
	observer = await buildUser(db, territory, territory.communeId);
});

/**
 * The text of the body's paragraph number `index`, '' until it has arrived. Never creates it
 * (unlike paragraph()): observers and fresh clients only read.
 */
function sectionText(doc: Y.Doc, index: number): string {
	const block = doc.getXmlFragment(DOCUMENT_FRAGMENT).get(index) as Y.XmlElement | undefined;
	return (block?.get(0) as Y.XmlText | undefined)?.toString() ?? '';
}

/** Texts of `doc`'s first paragraphs after merging `extra` into a copy: equal to the doc's own iff `extra` brings nothing new. */
function textsAfterMerging(doc: Y.Doc, extra: Uint8Array, count: number): string[] {
	const copy = new Y.Doc();
	Y.applyUpdate(copy, Y.encodeStateAsUpdate(doc));
	Y.applyUpdate(copy, extra);
	return Array.from({ length: count }, (_, i) => sectionText(copy, i));
}

const blocks = (doc: Y.Doc) => doc.getXmlFragment(DOCUMENT_FRAGMENT).length;

describe('server process killed while two clients type', () => {
	it('after SIGKILL and restart, a fresh client receives every update that had been broadcast', async () => {
		const documentId = await buildDocument(db, writerA, [
			[writerB, 'editor'],
			[observer, 'reader']
		]);
		const port = await freePort();
		const first = await spawnServer(port, file);

		const a = connectProvider(port, documentId, writerA.token);
		const b = connectProvider(port, documentId, writerB.token);
		const watch = connectProvider(port, documentId, observer.token);
		await Promise.all([synced(a.provider), synced(b.provider), synced(watch.provider)]);

		// Both replay real typing (a blog post written keystroke by keystroke), each in its own
		// section: paragraphs 0 and 1, created once by A and received by everyone before typing.
		paragraph(a.doc, 1);
		await waitFor(() => blocks(b.doc) === 2 && blocks(watch.doc) === 2, 5_000, 'the sections');
		const trace = loadTrace('seph-blog1');
		let typing = true;
		const type = async (doc: Y.Doc, section: number) => {
			const text = paragraph(doc, section);
			for (let i = 0; typing && i < trace.txns.length; i++) {
				applyTxn(text, trace.txns[i]);
				if (i % 20 === 0) await new Promise((r) => setTimeout(r, 1));
			}
		};
		const typingDone = Promise.all([type(a.doc, 0), type(b.doc, 1)]);
		await waitFor(
			() => sectionText(watch.doc, 0).length > 3000 && sectionText(watch.doc, 1).length > 3000,
			20_000,
			'observer to receive typing'
		);

		first.child.kill('SIGKILL');
		// Typing goes on a moment against the dead server (those changes can never arrive), then
		// the writers leave: they must not re-send after the restart, only what the dead server
		// stored may come back.
		await new Promise((r) => setTimeout(r, 30));
		a.provider.destroy();
		b.provider.destroy();
		typing = false;
		await typingDone;
		expect(await first.exited).toMatchObject({ signal: 'SIGKILL' });
		watch.provider.destroy();
		const broadcast = Y.encodeStateAsUpdate(watch.doc);
		const seen = [0, 1].map((i) => sectionText(watch.doc, i));
		// The kill interrupted the typing: the writer made changes the observer never received
		// (clocks, not text lengths: the trace deletes as well as inserts).
		const clock = (doc: Y.Doc, client: number) =>
			Y.decodeStateVector(Y.encodeStateVector(doc)).get(client) ?? 0;
		expect(clock(a.doc, a.doc.clientID)).toBeGreaterThan(clock(watch.doc, a.doc.clientID));

		await spawnServer(port, file);
		const fresh = connectProvider(port, documentId, writerA.token);
		await synced(fresh.provider);
		expect(blocks(fresh.doc)).toBe(2);
		const recovered = [0, 1].map((i) => sectionText(fresh.doc, i));
		expect(recovered[0].length).toBeGreaterThanOrEqual(seen[0].length);
		expect(recovered[1].length).toBeGreaterThanOrEqual(seen[1].length);
		// Nothing the observer had received is missing from the restarted server.
		expect(textsAfterMerging(fresh.doc, broadcast, 2)).toEqual(recovered);
	}, 60_000);
});

describe('graceful shutdown', () => {
	it('SIGTERM stores pending writes, compacts, closes sockets with 1012 and exits 0', async () => {
		const documentId = await buildDocument(db, writerA, [[observer, 'reader']]);
		const port = await freePort();
		const server = await spawnServer(port, file);
		const a = connectProvider(port, documentId, writerA.token);
		const watch = connectProvider(port, documentId, observer.token);
		await Promise.all([synced(a.provider), synced(watch.provider)]);
		const closeCodes: number[] = [];
		a.provider.on(
			'connection-close',
			(event: { code: number } | null) => event && closeCodes.push(event.code)
		);

		const trace = loadTrace('seph-blog1');
		const text = paragraph(a.doc, 0);
		for (let i = 0; i < 2000; i++) applyTxn(text, trace.txns[i]);
		const expected = text.toString();
		await waitFor(() => sectionText(watch.doc, 0) === expected, 10_000, 'observer to catch up');

		server.child.kill('SIGTERM');
		expect(await server.exited).toEqual({ code: 0, signal: null });
		await waitFor(() => closeCodes.length > 0, 5_000, 'close event');
		expect(closeCodes[0]).toBe(CloseCode.serverRestarting);

		const snapshot = await db
			.selectFrom('document_snapshot')
			.select(['upto_seq'])
			.where('document_id', '=', documentId)
			.executeTakeFirst();
		const maxSeq = await db
			.selectFrom('document_update')
			.select((eb) => eb.fn.max('seq').as('m'))
			.where('document_id', '=', documentId)
			.executeTakeFirst();
		expect(Number(snapshot?.upto_seq)).toBe(Number(maxSeq?.m));

		// The writer reconnects by itself to the restarted server.
		await spawnServer(port, file);
		await waitFor(() => a.provider.wsconnected && a.provider.synced, 10_000, 'writer reconnection');
		const fresh = connectProvider(port, documentId, observer.token);
		await synced(fresh.provider);
		expect(blocks(fresh.doc)).toBe(1);
		expect(sectionText(fresh.doc, 0)).toBe(expected);
	}, 60_000);
});
