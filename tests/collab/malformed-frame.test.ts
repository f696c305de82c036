import { beforeAll, describe, expect, it } from 'vitest';
import type WebSocket from 'ws';
import type { Db } from '../../src/lib/server/db';
import { CloseCode } from '../../src/lib/collab/protocol';
import { freshDb, storedText } from '../helpers/db';
import { buildDocument, buildTerritory, buildUser, type TestUser } from '../helpers/factories';
import { connectProvider, rawConnect, startCollabServer, synced, waitFor } from '../helpers/collab';

let db: Db;
let port: number;
let editor: TestUser;
let documentId: string;

beforeAll(async () => {
	({ db } = await freshDb());
	const territory = await buildTerritory(db);
	editor = await buildUser(db, territory, territory.epciId);
	documentId = await buildDocument(db, editor, [], 'Texte sain.');
	({ port } = await startCollabServer(db, { maxPayload: 64 * 1024 }));
});

function closeOf(ws: WebSocket): Promise<number> {
	return new Promise((resolve) => ws.on('close', (code) => resolve(code)));
}

describe('bad frames close only their own connection', () => {
	for (const [name, frame] of [
		['garbage bytes', new Uint8Array([0, 1, 0xff, 0xff, 0xff, 0xff, 0xff, 0x07, 0x01])],
		['an unknown message type', new Uint8Array([42, 0, 0])],
		['a truncated sync update', new Uint8Array([0, 2, 50, 1, 2])]
	] as const) {
		it(`${name} → 4400, while another client keeps working and the stored text stays intact`, async () => {
			const healthy = connectProvider(port, documentId, editor.token);
			await synced(healthy.provider);
			const { ws } = await rawConnect(port, documentId, editor.token);
			const closed = closeOf(ws!);
			ws!.send(frame);
			expect(await closed).toBe(CloseCode.malformedMessage);

			const before = healthy.doc.getText('t').toString();
			healthy.doc.getText('t').insert(0, '+');
			await waitFor(
				async () => {
					return (await storedText(db, documentId)) === `+${before}`;
				},
				5000,
				'healthy update stored'
			);
			expect(healthy.doc.getText('t').toString()).toBe(`+${before}`);
		});
	}

	it('a text frame → 4400', async () => {
		const { ws } = await rawConnect(port, documentId, editor.token);
		const closed = closeOf(ws!);
		ws!.send('bonjour');
		expect(await closed).toBe(CloseCode.malformedMessage);
	});

	it('a frame above the maximum payload → 1009 (message too big), nothing stored', async () => {
		const rowsBefore = (
			await db
				.selectFrom('document_update')
				.select('seq')
				.where('document_id', '=', documentId)
				.execute()
		).length;
		const { ws } = await rawConnect(port, documentId, editor.token);
		const closed = closeOf(ws!);
		ws!.send(new Uint8Array(128 * 1024));
		expect(await closed).toBe(CloseCode.messageTooBig);
		const rowsAfter = (
			await db
				.selectFrom('document_update')
				.select('seq')
				.where('document_id', '=', documentId)
				.execute()
		).length;
		expect(rowsAfter).toBe(rowsBefore);
	});
});
