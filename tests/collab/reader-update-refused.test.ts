import { beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import * as encoding from 'lib0/encoding';
import * as decoding from 'lib0/decoding';
import * as syncProtocol from 'y-protocols/sync';
import type { Db } from '../../src/lib/server/db';
import type { CollabServer } from '../../server/collab';
import { MessageType } from '../../src/lib/collab/protocol';
import { freshDb, storedText } from '../helpers/db';
import {
	buildClub,
	buildDocument,
	buildTerritory,
	buildUser,
	type TestUser
} from '../helpers/factories';
import {
	connectProvider,
	nextPermissionDenied,
	permissionDenials,
	rawConnect,
	startCollabServer,
	synced,
	waitFor
} from '../helpers/collab';
import { bodyText, paragraph } from '../helpers/content';

let db: Db;
let port: number;
let collab: CollabServer;
let editor: TestUser;
let reader: TestUser;
let annotator: TestUser;

beforeAll(async () => {
	({ db } = await freshDb());
	const territory = await buildTerritory(db);
	editor = await buildUser(db, territory, territory.epciId);
	reader = await buildUser(db, territory, territory.communeId);
	annotator = await buildUser(db, territory, territory.communeId);
	({ port, collab } = await startCollabServer(db));
});

/** A document of its own per test, so that one test's edits never explain another's text. */
function validatedDocument(): Promise<string> {
	return buildDocument(
		db,
		editor,
		[
			[reader, 'reader'],
			[annotator, 'annotator']
		],
		'Version validée.'
	);
}

async function journal(documentId: string) {
	const rows = await db
		.selectFrom('document_update')
		.select(['seq', 'user_id', 'data'])
		.where('document_id', '=', documentId)
		.orderBy('seq')
		.execute();
	return rows.map((r) => ({
		seq: Number(r.seq),
		userId: r.user_id,
		data: Buffer.from(r.data).toString('hex')
	}));
}

/** The text the server holds in memory for a loaded document. */
function liveText(documentId: string): string | undefined {
	const room = collab.rooms.get(documentId);
	return room && bodyText(room.doc);
}

function syncMessage(write: (encoder: encoding.Encoder) => void): Uint8Array {
	const encoder = encoding.createEncoder();
	encoding.writeVarUint(encoder, MessageType.sync);
	write(encoder);
	return encoding.toUint8Array(encoder);
}

/** The text a raw socket was sent: its sync step 2 and the updates after it, in order. */
function textFromFrames(frames: Uint8Array[]): string {
	const doc = new Y.Doc();
	for (const frame of frames) {
		const decoder = decoding.createDecoder(frame);
		if (decoding.readVarUint(decoder) !== MessageType.sync) continue;
		const syncType = decoding.readVarUint(decoder);
		if (syncType === syncProtocol.messageYjsSyncStep2 || syncType === syncProtocol.messageYjsUpdate)
			Y.applyUpdate(doc, decoding.readVarUint8Array(decoder));
	}
	return bodyText(doc);
}

/**
 * Someone without the right to edit types through the genuine client: the server answers
 * `permission denied`, keeps its text and journal, and broadcasts nothing. "Nothing" is proven
 * by ordering, not by waiting: frames of one room reach an observer in the order the server
 * handled them, and a rédacteur's edit is sent only once the refusal came back, so a
 * broadcast refused edit would reach the observer before the rédacteur's.
 */
async function expectTypingRefused(
	user: TestUser,
	typed: string,
	prepare: (documentId: string) => Promise<unknown> = async () => {}
) {
	const documentId = await validatedDocument();
	await prepare(documentId);
	const observer = connectProvider(port, documentId, editor.token);
	const writer = connectProvider(port, documentId, editor.token);
	const refused = connectProvider(port, documentId, user.token);
	await Promise.all([synced(observer.provider), synced(writer.provider), synced(refused.provider)]);
	const journalBefore = await journal(documentId);

	const denied = nextPermissionDenied(refused.provider);
	paragraph(refused.doc, 0).insert(0, typed);
	expect(await denied).toBe('read-only');
	expect(liveText(documentId)).toBe('Version validée.');
	expect(await journal(documentId)).toEqual(journalBefore);

	paragraph(writer.doc, 0).insert('Version validée.'.length, ' Fin.');
	await waitFor(
		() => bodyText(observer.doc).endsWith(' Fin.') && bodyText(refused.doc).endsWith(' Fin.'),
		5000,
		'the rédacteur’s edit reaches everyone'
	);
	expect(bodyText(observer.doc)).toBe('Version validée. Fin.');
	expect(await storedText(db, documentId)).toBe('Version validée. Fin.');
	expect((await journal(documentId)).slice(journalBefore.length).map((r) => r.userId)).toEqual([
		editor.id
	]);
}

describe('a reader', () => {
	it('receives the document and live changes, but every update it sends is refused on the wire and never stored or broadcast', async () => {
		const documentId = await validatedDocument();
		const observer = connectProvider(port, documentId, editor.token);
		const writer = connectProvider(port, documentId, editor.token);
		await Promise.all([synced(observer.provider), synced(writer.provider)]);
		const journalBefore = await journal(documentId);

		const { ws, frames } = await rawConnect(port, documentId, reader.token);
		ws!.send(syncMessage((e) => syncProtocol.writeSyncStep1(e, new Y.Doc())));
		await waitFor(
			() => textFromFrames(frames) === 'Version validée.',
			5000,
			'the reader receives the document'
		);

		const rogue = new Y.Doc();
		paragraph(rogue, 0).insert(0, 'PIRATAGE ');
		ws!.send(syncMessage((e) => syncProtocol.writeUpdate(e, Y.encodeStateAsUpdate(rogue))));
		await waitFor(() => permissionDenials(frames).length > 0, 5000, 'permission denied');
		expect(permissionDenials(frames)).toEqual(['read-only']);
		expect(liveText(documentId)).toBe('Version validée.');
		expect(await journal(documentId)).toEqual(journalBefore);

		// Sent after the refusal came back: a broadcast rogue update would reach the observer first.
		paragraph(writer.doc, 0).insert(0, 'OK ');
		await waitFor(
			() => bodyText(observer.doc).includes('OK ') && textFromFrames(frames).includes('OK '),
			5000,
			'the editor’s edit reaches everyone'
		);
		expect(bodyText(observer.doc)).toBe('OK Version validée.');
		expect(textFromFrames(frames)).toBe('OK Version validée.');
		expect(permissionDenials(frames)).toEqual(['read-only']);
		expect(await storedText(db, documentId)).toBe('OK Version validée.');
		expect((await journal(documentId)).slice(journalBefore.length).map((r) => r.userId)).toEqual([
			editor.id
		]);
		ws!.close();
	});

	it('with the real y-websocket client: local typing never reaches the server or other participants', async () => {
		await expectTypingRefused(reader, 'Modification interdite ');
	});
});

describe('an annotator (club métier)', () => {
	it('comments but cannot change the text: content updates are refused and never stored', async () => {
		await expectTypingRefused(annotator, 'Réécriture par le club ');
	});

	it('through a club invited to the document: the same refusal', async () => {
		const member = await buildUser(db, editor.territory, editor.territory.communeId);
		await expectTypingRefused(member, 'Réécriture par un membre du club ', (documentId) =>
			buildClub(db, editor, [member], [documentId])
		);
	});
});
