// Issue 11 (groundwork): the history's routes on the real process — every participant reads the
// history and opens a version; only the binôme and the direction name one; bad input is refused
// in French with nothing recorded; versions of another document are unknown (404).
import { beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../src/lib/server/db';
import { SESSION_COOKIE } from '../../src/lib/server/auth/cookie';
import { listVersions, recordVersion } from '../../src/lib/server/documents/versions';
import * as Y from 'yjs';
import { appendUpdates } from '../../src/lib/server/documents/journal';
import { freshDb, journalLength, storedDoc } from '../helpers/db';
import { paragraph } from '../helpers/content';
import { buildDocument, buildRoleCast, buildTerritory, type TestUser } from '../helpers/factories';
import { freePort, spawnServer, useBuiltServer } from '../helpers/process';

useBuiltServer();

let db: Db;
let base: string;
let cast: Awaited<ReturnType<typeof buildRoleCast>>;
let otherDocumentId: string;

beforeAll(async () => {
	const fresh = await freshDb();
	db = fresh.db;
	const territory = await buildTerritory(db);
	cast = await buildRoleCast(db, territory);
	otherDocumentId = await buildDocument(db, cast.coLead, [], 'Autre document.');
	const port = await freePort();
	base = `http://127.0.0.1:${port}`;
	await spawnServer(port, fresh.url, { ORIGIN: base });
}, 120_000);

async function call(path: string, user: TestUser, form?: Record<string, string>) {
	const headers: Record<string, string> = {
		accept: 'text/html',
		origin: base,
		cookie: `${SESSION_COOKIE}=${user.token}`
	};
	const init: RequestInit = { headers, redirect: 'manual' };
	if (form) {
		init.method = 'POST';
		init.body = new URLSearchParams(form);
		headers['content-type'] = 'application/x-www-form-urlencoded';
	}
	const response = await fetch(base + path, init);
	return { status: response.status, text: await response.text() };
}

describe('version history routes', () => {
	it('participants read the history and a version; outsiders 403; foreign or unknown versions 404', async () => {
		const { documentId } = cast;
		const version = await recordVersion(db, documentId, { kind: 'named', name: 'Départ' });
		const foreign = await recordVersion(db, otherDocumentId, { kind: 'named', name: 'Autre' });
		for (const user of [cast.coLead, cast.editor, cast.annotator, cast.reader, cast.direction]) {
			expect((await call(`/documents/${documentId}/versions`, user)).status).toBe(200);
			const opened = await call(`/documents/${documentId}/versions/${version!.id}`, user);
			expect(opened.status).toBe(200);
			expect(opened.text).toContain('lecture seule');
		}
		expect((await call(`/documents/${documentId}/versions`, cast.outsider)).status).toBe(403);
		// Paging positions too large for a bigint are ignored, not a 500 (PostgreSQL).
		for (const avant of ['99999999999999999999', '1e300', '-3', 'x'])
			expect(
				(await call(`/documents/${documentId}/versions?avant=${avant}`, cast.reader)).status
			).toBe(200);
		expect(
			(await call(`/documents/${documentId}/versions/${version!.id}`, cast.outsider)).status
		).toBe(403);
		const elsewhere = await call(`/documents/${documentId}/versions/${foreign!.id}`, cast.coLead);
		expect(elsewhere.status).toBe(404);
		expect(elsewhere.text).toContain('Version introuvable');
		expect(
			(await call(`/documents/${documentId}/versions/aaaaaaaaaaaaaaaa`, cast.coLead)).status
		).toBe(404);
	});

	it('only the binôme and the direction name a version; empty or oversized names are refused', async () => {
		const { documentId } = cast;
		const before = (await listVersions(db, documentId)).length;
		for (const user of [cast.editor, cast.annotator, cast.reader]) {
			const refused = await call(`/documents/${documentId}?/nameVersion`, user, { name: 'Essai' });
			expect(refused.status).toBe(403);
			expect(refused.text).toContain('nomment et restaurent des versions');
		}
		const empty = await call(`/documents/${documentId}?/nameVersion`, cast.coLead, { name: '  ' });
		expect(empty.status).toBe(400);
		expect(empty.text).toContain('Donnez un nom à la version.');
		for (const name of ['\u200b\u200b', 'a\u0000b', '\u202eevil\u202c v2', 'deux\nlignes']) {
			const odd = await call(`/documents/${documentId}?/nameVersion`, cast.coLead, { name });
			expect(odd.status).toBe(400);
			expect(odd.text).toMatch(/Donnez un nom|caractères invisibles ou de contrôle/);
		}
		const long = await call(`/documents/${documentId}?/nameVersion`, cast.coLead, {
			name: 'x'.repeat(10_000)
		});
		expect(long.status).toBe(400);
		expect(long.text).toContain('120 caractères');
		expect((await listVersions(db, documentId)).length).toBe(before);

		for (const user of [cast.coLead, cast.direction]) {
			const named = await call(`/documents/${documentId}?/nameVersion`, user, {
				name: 'Projet v2 pour le comité d’appui',
				comment: 'Envoyé au bureau'
			});
			expect(named.status).toBe(200);
		}
		const [latest] = await listVersions(db, documentId);
		expect(latest).toMatchObject({
			kind: 'named',
			name: 'Projet v2 pour le comité d’appui',
			comment: 'Envoyé au bureau',
			createdBy: cast.direction.id
		});
		const page = await call(`/documents/${documentId}/versions`, cast.reader);
		expect(page.text).toContain('Projet v2 pour le comité d’appui');
	});

	it('compare, restore and attribution: rights and bad input, in French, nothing changed', async () => {
		const { documentId } = cast;
		const version = await recordVersion(db, documentId, { kind: 'named', name: 'À comparer' });
		const foreign = await recordVersion(db, otherDocumentId, { kind: 'named', name: 'Ailleurs' });
		const compare = (query: string, user: TestUser) =>
			call(`/documents/${documentId}/versions/comparer?${query}`, user);

		// Every participant compares; an outsider cannot.
		for (const user of [cast.coLead, cast.reader, cast.annotator, cast.direction]) {
			const page = await compare(`de=${version!.id}&a=maintenant`, user);
			expect(page.status).toBe(200);
			expect(page.text).toContain('Résumé');
		}
		expect((await compare(`de=${version!.id}`, cast.outsider)).status).toBe(403);
		// Versions of two different documents, an unknown version, a position beyond the journal.
		const mixed = await compare(`de=${version!.id}&a=${foreign!.id}`, cast.coLead);
		expect(mixed.status).toBe(404);
		expect(mixed.text).toContain('Version introuvable pour ce document.');
		expect((await compare('de=zzzzzzzzzzzzzzzz', cast.coLead)).status).toBe(404);
		const beyond = await compare('depuis=99999999', cast.coLead);
		expect(beyond.status).toBe(400);
		expect(beyond.text).toContain('n’existe pas pour ce document');
		expect((await compare('depuis=-1', cast.coLead)).status).toBe(400);
		expect((await compare('', cast.coLead)).status).toBe(400);

		// Restore: only the binôme and the direction; a version of another document is unknown.
		const rows = () => journalLength(db, documentId);
		const before = await rows();
		const versions = (await listVersions(db, documentId)).length;
		for (const user of [cast.editor, cast.annotator, cast.reader]) {
			const refused = await call(
				`/documents/${documentId}/versions/${version!.id}?/restore`,
				user,
				{}
			);
			expect(refused.status).toBe(403);
			expect(refused.text).toContain('nomment et restaurent des versions');
		}
		const elsewhere = await call(
			`/documents/${documentId}/versions/${foreign!.id}?/restore`,
			cast.coLead,
			{}
		);
		expect(elsewhere.status).toBe(404);
		expect(elsewhere.text).toContain('Version introuvable pour ce document.');
		expect(await rows()).toBe(before);
		expect((await listVersions(db, documentId)).length).toBe(versions);
		// Something to undo: a paragraph written after the version.
		const doc = await storedDoc(db, documentId);
		const stateBefore = Y.encodeStateVector(doc);
		paragraph(doc, 1).insert(0, 'Ajout après la version.');
		await appendUpdates(db, documentId, await rows(), [
			{ userId: cast.editor.id, data: Y.encodeStateAsUpdate(doc, stateBefore) }
		]);
		const restored = await call(
			`/documents/${documentId}/versions/${version!.id}?/restore`,
			cast.direction,
			{}
		);
		expect(restored.status).toBe(200);
		expect(restored.text).toContain('Version restaurée');
		expect((await listVersions(db, documentId))[0]).toMatchObject({
			kind: 'restore',
			restoredFrom: version!.id,
			createdBy: cast.direction.id
		});

		// Attribution: participants only; a malformed or missing passage in French.
		const attribution = (query: string, user: TestUser) =>
			call(`/documents/${documentId}/attribution?${query}`, user);
		const written = await call(`/documents/${otherDocumentId}/attribution?chemin=0`, cast.coLead);
		expect(written.status).toBe(200);
		expect(JSON.parse(written.text)).toMatchObject({ text: 'Autre document.' });
		expect((await attribution('chemin=0', cast.outsider)).status).toBe(403);
		const malformed = await attribution('chemin=a.b', cast.reader);
		expect(malformed.status).toBe(400);
		expect(malformed.text).toContain('Passage invalide');
		const missing = await attribution('chemin=999', cast.reader);
		expect(missing.status).toBe(404);
		expect(missing.text).toContain('n’existe plus');
		expect(
			(await call(`/documents/zzzzzzzzzzzzzzzz/attribution?chemin=0`, cast.reader)).status
		).toBe(404);
	});
});
