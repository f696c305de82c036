// Role checks on the HTTP routes of the real production process (SvelteKit actions included).
import { beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import type { Db } from '../../src/lib/server/db';
import { listMembers } from '../../src/lib/server/documents';
import { SESSION_COOKIE } from '../../src/lib/server/auth/cookie';
import { freshDb } from '../helpers/db';
import { buildRoleCast, buildTerritory, buildUser, type TestUser } from '../helpers/factories';
import { freePort, spawnServer, useBuiltServer } from '../helpers/process';
import { connectProvider, nextClose, nextPermissionDenied, synced } from '../helpers/collab';
import { setMember } from '../../src/lib/server/documents/queries';

useBuiltServer();

let db: Db;
let base: string;
let port: number;
let coLead: TestUser;
let partner: TestUser;
let editor: TestUser;
let annotator: TestUser;
let reader: TestUser;
let direction: TestUser;
let outsider: TestUser;
let newcomer: TestUser;
let otherCommuneUser: TestUser;
let admin: TestUser;
let documentId: string;

beforeAll(async () => {
	const fresh = await freshDb();
	db = fresh.db;
	const territory = await buildTerritory(db);
	({ coLead, partner, editor, annotator, reader, direction, outsider, documentId } =
		await buildRoleCast(db, territory));
	newcomer = await buildUser(db, territory, territory.communeId);
	otherCommuneUser = await buildUser(db, territory, territory.communeId);
	admin = await buildUser(db, territory, territory.epciId, { role: 'admin' });
	port = await freePort();
	base = `http://127.0.0.1:${port}`;
	await spawnServer(port, fresh.url, { ORIGIN: base });
}, 120_000);

async function call(path: string, user: TestUser | null, form?: Record<string, string>) {
	const headers: Record<string, string> = { accept: 'text/html', origin: base };
	if (user) headers.cookie = `${SESSION_COOKIE}=${user.token}`;
	const init: RequestInit = { headers, redirect: 'manual' };
	if (form) {
		init.method = 'POST';
		init.body = new URLSearchParams(form);
		headers['content-type'] = 'application/x-www-form-urlencoded';
	}
	const response = await fetch(base + path, init);
	return {
		status: response.status,
		location: response.headers.get('location'),
		text: await response.text()
	};
}

const roleOf = async (user: TestUser) =>
	(await listMembers(db, documentId)).find((m) => m.userId === user.id)?.role ?? null;

describe('document page', () => {
	it('opens for every participant and for the direction; 403 for others; 404 for unknown ids; login for anonymous', async () => {
		for (const user of [coLead, partner, editor, annotator, reader, direction])
			expect((await call(`/documents/${documentId}`, user)).status).toBe(200);
		const refused = await call(`/documents/${documentId}`, outsider);
		expect(refused.status).toBe(403);
		expect(refused.text).toContain('Accès refusé');
		expect((await call('/documents/aaaaaaaaaaaaaaaa', coLead)).status).toBe(404);
		expect((await call('/documents/pas-un-id', coLead)).status).toBe(404);
		const anonymous = await call(`/documents/${documentId}`, null);
		expect(anonymous.status).toBe(303);
		expect(anonymous.location).toMatch(/^\/connexion\?redirectTo=/);
	});
});

describe('access requests: the 403 names the binôme, a request is stored, the binôme answers', () => {
	it('the 403 page names the two co-pilotes and offers a request form; nothing of the text', async () => {
		const refused = await call(`/documents/${documentId}`, outsider);
		expect(refused.status).toBe(403);
		for (const colead of [coLead, partner]) expect(refused.text).toContain(colead.displayName);
		expect(refused.text).toContain(`action="/documents/${documentId}/demande-acces"`);
		expect(refused.text).toContain('Demander l’accès');
		expect(refused.text).not.toContain('personne qui l’a créé');
	});

	it('a request is stored once; the binôme sees it and grants a role; others cannot answer', async () => {
		const asker = await buildUser(db, coLead.territory, coLead.territory.communeId, {
			name: 'Anne Demandeuse'
		});
		const sent = await call(`/documents/${documentId}/demande-acces`, asker, {
			message: 'Pour la commission.'
		});
		expect(sent.status).toBe(200);
		expect(sent.text).toContain('Votre demande a été envoyée');
		expect((await call(`/documents/${documentId}`, asker)).text).toContain(
			'Votre demande est en attente'
		);
		const tooLong = await call(`/documents/${documentId}/demande-acces`, outsider, {
			message: 'x'.repeat(501)
		});
		expect(tooLong.status).toBe(400);
		expect(tooLong.text).toContain('500 caractères');
		expect((await call(`/documents/${documentId}/demande-acces`, editor)).status).toBe(303);

		const page = await call(`/documents/${documentId}`, coLead);
		expect(page.text).toContain('Demandes d’accès');
		expect(page.text).toContain('Anne Demandeuse');
		expect(page.text).toContain('Pour la commission.');
		const [request] = await db
			.selectFrom('document_access_request')
			.select('id')
			.where('user_id', '=', asker.id)
			.execute();
		const byEditor = await call(`/documents/${documentId}?/answerAccessRequest`, editor, {
			requestId: request.id,
			decision: 'accept',
			role: 'editor'
		});
		expect(byEditor.status).toBe(403);
		expect(await roleOf(asker)).toBeNull();
		const accepted = await call(`/documents/${documentId}?/answerAccessRequest`, partner, {
			requestId: request.id,
			decision: 'accept',
			role: 'reader'
		});
		expect(accepted.status).toBe(200);
		expect(await roleOf(asker)).toBe('reader');
		expect((await call(`/documents/${documentId}`, asker)).status).toBe(200);
	});
});

describe('what each role allows is said on the page', () => {
	it('an annotator reads what the role allows (commenting), not just « Lecture seule »', async () => {
		const page = await call(`/documents/${documentId}`, annotator);
		expect(page.text).toContain(
			'Annotateur : vous commentez le texte (sélectionnez un passage, puis « Commenter la sélection ») ; vous ne le modifiez pas.'
		);
	});
});

describe('participants and settings: the binôme only', () => {
	for (const [name, user] of [
		['editor', () => editor],
		['annotator', () => annotator],
		['reader', () => reader],
		['direction', () => direction],
		['outsider', () => outsider]
	] as const) {
		it(`${name}: adding someone, changing settings → refused, nothing saved`, async () => {
			const added = await call(`/documents/${documentId}?/setMember`, user(), {
				userId: newcomer.id,
				role: 'editor'
			});
			expect(added.status).toBe(403);
			expect(await roleOf(newcomer)).toBeNull();
			const settings = await call(`/documents/${documentId}?/updateSettings`, user(), {
				title: 'Titre détourné'
			});
			expect(settings.status).toBe(403);
			expect(
				(
					await db
						.selectFrom('document')
						.select('title')
						.where('id', '=', documentId)
						.executeTakeFirstOrThrow()
				).title
			).toBe('Document de test');
		});
	}

	it('a co-pilote adds a participant, changes settings; bad input is refused in French', async () => {
		expect(
			(
				await call(`/documents/${documentId}?/setMember`, partner, {
					userId: newcomer.id,
					role: 'annotator'
				})
			).status
		).toBe(200);
		expect(await roleOf(newcomer)).toBe('annotator');
		const badRole = await call(`/documents/${documentId}?/setMember`, partner, {
			userId: newcomer.id,
			role: 'colead'
		});
		expect(badRole.status).toBe(400);
		expect(badRole.text).toContain('Choisissez un rôle');
		const script = await call(`/documents/${documentId}?/updateSettings`, coLead, {
			title: '<img src=x onerror=alert(1)>'
		});
		expect(script.status).toBe(400);
		expect(script.text).toContain('ne peut pas contenir');
		expect(
			(
				await call(`/documents/${documentId}?/updateSettings`, coLead, {
					title: 'Position commune — RIFSEEP',
					theme: 'rh'
				})
			).status
		).toBe(200);
	});
});

describe('binôme changes: the binôme itself or the direction', () => {
	it('an editor cannot change the binôme', async () => {
		const response = await call(`/documents/${documentId}?/setBinome`, editor, {
			epci: coLead.id,
			commune: editor.id
		});
		expect(response.status).toBe(403);
		expect(await roleOf(editor)).toBe('editor');
	});

	it('two people of the same side are refused with a French message', async () => {
		const response = await call(`/documents/${documentId}?/setBinome`, coLead, {
			epci: coLead.id,
			commune: outsider.id
		});
		expect(response.status).toBe(400);
		expect(response.text).toContain('co-pilote communal');
		expect(await roleOf(partner)).toBe('colead');
	});

	it('the direction replaces the communal co-pilote; the former one stays as rédacteur', async () => {
		expect(
			(
				await call(`/documents/${documentId}?/setBinome`, direction, {
					epci: coLead.id,
					commune: otherCommuneUser.id
				})
			).status
		).toBe(200);
		expect(await roleOf(otherCommuneUser)).toBe('colead');
		expect(await roleOf(partner)).toBe('editor');
	});
});

describe('creating documents with bad input', () => {
	const good = () => ({
		title: 'Plan de formation 2028',
		kind: 'plan-de-formation',
		template: 'plan-de-formation',
		partner: partner.id
	});
	it('a 10 MB title is refused before the app reads it: French 413 (the form’s limit is 1 MB)', async () => {
		const before = (await db.selectFrom('document').select('id').execute()).length;
		const response = await call('/documents/nouveau', coLead, {
			...good(),
			title: 'x'.repeat(10 * 1024 * 1024)
		});
		expect(response.status).toBe(413);
		expect(response.text).toContain('trop volumineux : 1 Mo au plus');
		expect((await db.selectFrom('document').select('id').execute()).length).toBe(before);
	});
	for (const [name, override, message] of [
		['500 KB title', { title: 'x'.repeat(500 * 1024) }, '200 caractères'],
		['script in title', { title: '<script>alert(1)</script>' }, 'ne peut pas contenir'],
		['unknown kind', { kind: 'inconnu' }, 'Type de document inconnu'],
		['missing binôme half', { partner: '' }, 'second co-pilote']
	] as const) {
		it(`${name} → 400 with a French message, nothing saved, no 500`, async () => {
			const before = (await db.selectFrom('document').select('id').execute()).length;
			const response = await call('/documents/nouveau', coLead, { ...good(), ...override });
			expect(response.status).toBe(400);
			expect(response.text).toContain(message);
			expect((await db.selectFrom('document').select('id').execute()).length).toBe(before);
		});
	}

	it('a valid form creates the document with its binôme and redirects to it', async () => {
		const response = await call('/documents/nouveau', coLead, good());
		expect(response.status).toBe(303);
		const id = response.location!.split('/').pop()!;
		const coleads = (await listMembers(db, id))
			.filter((m) => m.role === 'colead')
			.map((m) => m.userId);
		expect(coleads.sort()).toEqual([coLead.id, partner.id].sort());
	});
});

describe('templates are data, edited by administrators', () => {
	const body = JSON.stringify({
		type: 'doc',
		content: [
			{ type: 'heading', attrs: { level: 2 }, content: [{ type: 'text', text: 'Ordre du jour' }] }
		]
	});

	it('refuses non-administrators', async () => {
		expect((await call('/admin/modeles', coLead)).status).toBe(403);
		expect((await call('/admin/modeles/note', direction, { name: 'Note', body })).status).toBe(403);
	});

	it('refuses an invalid body and keeps the stored template', async () => {
		const response = await call('/admin/modeles/note', admin, {
			name: 'Note',
			body: '{"type":"doc","content":[{"type":"marquee"}]}'
		});
		expect(response.status).toBe(400);
		expect(response.text).toContain('pas valide');
		expect((await call('/admin/modeles/inconnu', admin)).status).toBe(404);
	});

	it('a saved template is what the next document of that kind starts from', async () => {
		expect(
			(await call('/admin/modeles/note', admin, { name: 'Note de séance', body })).status
		).toBe(200);
		const created = await call('/documents/nouveau', coLead, {
			title: 'Note du 3 mars',
			kind: 'note',
			template: 'note',
			partner: partner.id
		});
		expect(created.status).toBe(303);
		const page = await call(created.location!, coLead);
		expect(page.status).toBe(200);
		const row = await db
			.selectFrom('document_search')
			.select('body')
			.where('document_id', '=', created.location!.split('/').pop()!)
			.executeTakeFirstOrThrow();
		expect(row.body).toBe('Ordre du jour');
	});
});

describe('rights changed through a route reach the open editors of the built process', () => {
	it('a rédacteur lowered to lecteur by the binôme is cut off (4509) and comes back read-only', async () => {
		const writer = await buildUser(db, coLead.territory, coLead.territory.communeId);
		await setMember(db, documentId, writer.id, 'editor', coLead.id);
		const open = connectProvider(port, documentId, writer.token);
		await synced(open.provider);
		const closed = nextClose(open.provider);
		const response = await call(`/documents/${documentId}?/setMember`, coLead, {
			userId: writer.id,
			role: 'reader'
		});
		expect(response.status).toBe(200);
		expect(await closed).toBe(4509);
		// Reconnected with the new rights: what it types now is refused.
		await synced(open.provider);
		const refused = nextPermissionDenied(open.provider);
		open.doc.getXmlFragment('default').insert(0, [new Y.XmlText('interdit')]);
		expect(await refused).toBe('read-only');
	});
});
