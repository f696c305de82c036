// Issue 11: a restore made on the server reaches connected editors live as an ordinary change,
// is stored with the restorer as author, leaves every older version intact, and is undone by
// restoring the version recorded just before it. Refusals change nothing.
import { beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../src/lib/server/db';
import { commands } from '../../src/lib/server/documents';
import { appendUpdates } from '../../src/lib/server/documents/journal';
import { listVersions, stateAt } from '../../src/lib/server/documents/versions';
import { attributePassage } from '../../src/lib/server/documents/attribution';
import type { CollabServer } from '../../server/collab';
import { freshDb, journalLength, storedText } from '../helpers/db';
import {
	buildDocument,
	buildTwoOrganisations,
	buildUser,
	type TestUser
} from '../helpers/factories';
import { connectProvider, startCollabServer, synced, waitFor } from '../helpers/collab';
import { bodyText, paragraph } from '../helpers/content';

let db: Db;
let port: number;
let collab: CollabServer;
let epci: TestUser;
let commune: TestUser;

beforeAll(async () => {
	({ db } = await freshDb());
	({ epci, commune } = await buildTwoOrganisations(db));
	({ port, collab } = await startCollabServer(db, { unloadDelayMs: 50 }));
});

describe('restoring a version', () => {
	it('reaches a connected editor live, as the restorer’s change, and keeps the history', async () => {
		const documentId = await buildDocument(db, epci, [[commune, 'editor']], '');
		const a = connectProvider(port, documentId, epci.token);
		const b = connectProvider(port, documentId, commune.token);
		await Promise.all([synced(a.provider), synced(b.provider)]);
		paragraph(a.doc).insert(0, 'Position commune RIFSEEP.');
		await waitFor(async () => (await storedText(db, documentId)) === 'Position commune RIFSEEP.');
		const named = await commands.nameVersion(db, epci, documentId, {
			name: 'Projet v1 pour le bureau',
			comment: ''
		});
		expect(named.ok).toBe(true);
		const namedId = (named as { versionId: string }).versionId;

		// B types once A's text has reached it (the store may be ahead of B's copy).
		await waitFor(() => bodyText(b.doc) === 'Position commune RIFSEEP.');
		paragraph(b.doc).insert(25, ' Ajout de la commune.');
		await waitFor(async () => (await storedText(db, documentId)).endsWith('commune.'));

		const restored = await commands.restoreVersion(db, collab, epci, documentId, namedId);
		expect(restored).toMatchObject({ ok: true });
		// The other editor sees it live; so does the restorer's own editor.
		await waitFor(() => paragraph(b.doc).toString() === 'Position commune RIFSEEP.');
		await waitFor(() => paragraph(a.doc).toString() === 'Position commune RIFSEEP.');
		expect(await storedText(db, documentId)).toBe('Position commune RIFSEEP.');

		// Stored with the restorer as author.
		const last = await db
			.selectFrom('document_update')
			.select('user_id')
			.where('document_id', '=', documentId)
			.orderBy('seq', 'desc')
			.executeTakeFirstOrThrow();
		expect(last.user_id).toBe(epci.id);

		// Versions: the named one, the state just before the restore, the restore.
		const versions = await listVersions(db, documentId);
		expect(versions.map((v) => v.kind)).toEqual(['restore', 'auto', 'named']);
		const [restore, before, namedVersion] = versions;
		expect(restore.restoredFrom).toBe(namedId);
		expect(restore.restored?.name).toBe('Projet v1 pour le bureau');
		expect(restore.authors.map((x) => x.userId)).toEqual([epci.id]);
		// Older versions open as they were.
		const atNamed = await stateAt(db, documentId, namedVersion.seq);
		expect(bodyText(atNamed)).toBe('Position commune RIFSEEP.');
		const atBefore = await stateAt(db, documentId, before.seq);
		expect(bodyText(atBefore)).toBe('Position commune RIFSEEP. Ajout de la commune.');

		// Undone by restoring the version recorded just before.
		expect(await commands.restoreVersion(db, collab, epci, documentId, before.id)).toMatchObject({
			ok: true
		});
		await waitFor(
			() => paragraph(b.doc).toString() === 'Position commune RIFSEEP. Ajout de la commune.'
		);
		a.provider.destroy();
		b.provider.destroy();
	});

	it('refuses an editor, a version of another document and an unknown id, changing nothing', async () => {
		const documentId = await buildDocument(db, epci, [[commune, 'editor']], 'Texte.');
		const other = await buildDocument(db, epci, [], 'Autre.');
		const version = await commands.nameVersion(db, epci, documentId, { name: 'v1', comment: '' });
		const foreign = await commands.nameVersion(db, epci, other, { name: 'autre', comment: '' });
		const id = (version as { versionId: string }).versionId;
		const foreignId = (foreign as { versionId: string }).versionId;
		const rows = await journalLength(db, documentId);

		expect(await commands.restoreVersion(db, collab, commune, documentId, id)).toMatchObject({
			ok: false,
			status: 403,
			message: commands.VERSION_STEERS_ONLY
		});
		for (const bad of [foreignId, 'inconnue00000000', '', '../../x'])
			expect(await commands.restoreVersion(db, collab, epci, documentId, bad)).toMatchObject({
				ok: false,
				status: 404,
				message: 'Version introuvable pour ce document.'
			});
		expect(await journalLength(db, documentId)).toBe(rows);
		expect(await storedText(db, documentId)).toBe('Texte.');
		expect((await listVersions(db, documentId)).map((v) => v.kind)).toEqual(['named']);
	});

	it('says so and records nothing when the document already is that version', async () => {
		const documentId = await buildDocument(db, epci, [], 'Inchangé.');
		const named = await commands.nameVersion(db, epci, documentId, { name: 'v1', comment: '' });
		const rows = await journalLength(db, documentId);
		expect(
			await commands.restoreVersion(
				db,
				collab,
				epci,
				documentId,
				(named as { versionId: string }).versionId
			)
		).toMatchObject({ ok: true, message: expect.stringContaining('déjà identique') });
		expect(await journalLength(db, documentId)).toBe(rows);
		expect((await listVersions(db, documentId)).map((v) => v.kind)).toEqual(['named']);
	});

	it('fails with a French 503 and changes nothing when the document cannot be read', async () => {
		const documentId = await buildDocument(db, epci, [], 'Texte sain.');
		const named = await commands.nameVersion(db, epci, documentId, { name: 'v1', comment: '' });
		const id = (named as { versionId: string }).versionId;
		// A stored row that does not decode (disk damage): the room cannot load the document.
		await appendUpdates(db, documentId, await journalLength(db, documentId), [
			{ userId: epci.id, data: new Uint8Array([255, 255, 255, 1, 2]) }
		]);
		const rows = await journalLength(db, documentId);
		expect(await commands.restoreVersion(db, collab, epci, documentId, id)).toMatchObject({
			ok: false,
			status: 503,
			message: commands.RESTORE_FAILED
		});
		expect(await journalLength(db, documentId)).toBe(rows);
		expect((await listVersions(db, documentId)).map((v) => v.kind)).toEqual(['named']);
	});

	it('credits each restore’s text to its own restorer, though the room writes them all', async () => {
		const director = await buildUser(db, epci.territory, epci.territory.epciId, {
			role: 'direction'
		});
		const documentId = await buildDocument(db, epci, [], '');
		const a = connectProvider(port, documentId, epci.token);
		await synced(a.provider);
		paragraph(a.doc).insert(0, 'Alpha.');
		await waitFor(async () => (await storedText(db, documentId)) === 'Alpha.');
		const v1 = await commands.nameVersion(db, epci, documentId, { name: 'v1', comment: '' });
		a.doc.transact(() => {
			paragraph(a.doc).delete(0, 6);
			paragraph(a.doc).insert(0, 'Omega.');
		});
		await waitFor(async () => (await storedText(db, documentId)) === 'Omega.');
		const v2 = await commands.nameVersion(db, epci, documentId, { name: 'v2', comment: '' });
		// The room stays loaded (a is connected): both restores are written by the same Y.Doc.
		const id = (v: unknown) => (v as { versionId: string }).versionId;
		await commands.restoreVersion(db, collab, epci, documentId, id(v1));
		await waitFor(() => paragraph(a.doc).toString() === 'Alpha.');
		await commands.restoreVersion(db, collab, director, documentId, id(v2));
		await waitFor(() => paragraph(a.doc).toString() === 'Omega.');
		const attribution = await attributePassage(db, documentId, [0]);
		expect(attribution?.text).toBe('Omega.');
		// A restore diffs character by character: « a. » is what epci typed first, kept through
		// both restores; « Omeg » was written back by the director's restore.
		expect(attribution?.authors.map((x) => [x.userId, x.charsWritten])).toEqual([
			[director.id, 4],
			[epci.id, 2]
		]);
		a.provider.destroy();
	});
});
