// Issue 12, from outside: the comment routes of the real production process, driven with
// forged requests, and the live frame they send on the collaboration socket. The author is the
// session's user whatever the body says; bad input gets a French error and stores nothing;
// threads survive a restart of the process.
import { beforeAll, describe, expect, it } from 'vitest';
import * as decoding from 'lib0/decoding';
import type { Db } from '../../src/lib/server/db';
import { SESSION_COOKIE } from '../../src/lib/server/auth/cookie';
import { MessageType } from '../../src/lib/collab/protocol';
import { freshDb } from '../helpers/db';
import { buildDocument, buildRoleCast, buildTerritory, type TestUser } from '../helpers/factories';
import { freePort, spawnServer, useBuiltServer } from '../helpers/process';
import { rawConnect, waitFor } from '../helpers/collab';
import { storedAnchor } from '../helpers/anchors';

useBuiltServer();

let db: Db;
let url: string;
let base: string;
let port: number;
let cast: Awaited<ReturnType<typeof buildRoleCast>>;
let documentId: string;
let otherId: string;

beforeAll(async () => {
	({ db, url } = await freshDb());
	const territory = await buildTerritory(db);
	cast = await buildRoleCast(db, territory);
	documentId = await buildDocument(
		db,
		cast.coLead,
		[
			[cast.annotator, 'annotator'],
			[cast.reader, 'reader']
		],
		'Le RIFSEEP est revu chaque année en comité.',
		cast.partner
	);
	otherId = await buildDocument(
		db,
		cast.coLead,
		[[cast.annotator, 'annotator']],
		'Autre texte ici.'
	);
	port = await freePort();
	base = `http://127.0.0.1:${port}`;
	await spawnServer(port, url, { ORIGIN: base });
}, 120_000);

async function api(
	path: string,
	user: TestUser | null,
	method = 'GET',
	body?: unknown,
	type = 'application/json'
) {
	const headers: Record<string, string> = { accept: 'application/json', origin: base };
	if (user) headers.cookie = `${SESSION_COOKIE}=${user.token}`;
	if (body !== undefined) headers['content-type'] = type;
	const response = await fetch(base + path, {
		method,
		headers,
		body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body)
	});
	const text = await response.text();
	let json: Record<string, unknown> = {};
	try {
		json = JSON.parse(text);
	} catch {
		// not JSON
	}
	return { status: response.status, json };
}

const threadsPath = (id = documentId) => `/documents/${id}/commentaires`;
const rowCounts = async () => ({
	threads: (await db.selectFrom('comment_thread').select('id').execute()).length,
	comments: (await db.selectFrom('comment').select('id').execute()).length
});

describe('comment routes', () => {
	it('a thread claiming another author is stored with the session’s user, and reaches open pages live', async () => {
		const socket = await rawConnect(port, documentId, cast.partner.token);
		expect(socket.status).toBe(101);
		const anchor = await storedAnchor(db, documentId, 'RIFSEEP');
		const created = await api(threadsPath(), cast.annotator, 'POST', {
			anchor,
			body: 'Quel calendrier ?',
			authorId: cast.coLead.id,
			author: { id: cast.coLead.id, name: cast.coLead.displayName },
			userId: cast.coLead.id
		});
		expect(created.status).toBe(201);
		const thread = created.json.thread as { id: string; author: { id: string }; quote: string };
		expect(thread.author.id).toBe(cast.annotator.id);
		expect(thread.quote).toBe('RIFSEEP');
		const stored = await db
			.selectFrom('comment_thread')
			.select('author_id')
			.where('id', '=', thread.id)
			.executeTakeFirstOrThrow();
		expect(stored.author_id).toBe(cast.annotator.id);
		await waitFor(
			() =>
				socket.frames.some((frame) => {
					const decoder = decoding.createDecoder(frame);
					if (decoding.readVarUint(decoder) !== MessageType.comments) return false;
					const event = JSON.parse(decoding.readVarString(decoder));
					return event.type === 'thread' && event.thread.id === thread.id;
				}),
			5000,
			'the thread frame'
		);
		socket.ws!.close();
		// Everyone who reads the document lists it; the reply is stored with its own sender too.
		const listed = await api(threadsPath(), cast.reader);
		expect(listed.status).toBe(200);
		expect((listed.json.threads as { id: string }[]).map((t) => t.id)).toContain(thread.id);
		const answered = await api(`${threadsPath()}/${thread.id}`, cast.partner, 'POST', {
			body: 'En mars.',
			authorId: cast.annotator.id
		});
		expect(answered.status).toBe(201);
		const comments = (answered.json.thread as { comments: { author: { id: string } }[] }).comments;
		expect(comments.map((c) => c.author.id)).toEqual([cast.annotator.id, cast.partner.id]);
	});

	it('bad input: French errors with their status, nothing stored', async () => {
		const anchor = await storedAnchor(db, documentId, 'comité');
		const before = await rowCounts();
		const refused = async (
			call: Promise<{ status: number; json: Record<string, unknown> }>,
			status: number,
			message?: RegExp
		) => {
			const answer = await call;
			expect(answer.status).toBe(status);
			expect(answer.json.message).toEqual(expect.any(String));
			if (message) expect(answer.json.message).toMatch(message);
		};
		await refused(api(threadsPath(), cast.annotator, 'POST', { anchor, body: '' }), 400, /vide/);
		await refused(
			api(threadsPath(), cast.annotator, 'POST', { anchor, body: 'x'.repeat(100_000) }),
			400,
			/10\u00a0000 caractères/
		);
		await refused(
			api(threadsPath(), cast.annotator, 'POST', {
				anchor: await storedAnchor(db, otherId, 'texte'),
				body: 'Ici ?'
			}),
			400,
			/introuvable/
		);
		await refused(api(threadsPath(), cast.reader, 'POST', { anchor, body: 'Lecteur' }), 403);
		await refused(api(threadsPath(), cast.outsider, 'POST', { anchor, body: 'Dehors' }), 403);
		await refused(
			api(threadsPath('aaaaaaaaaaaaaaaa'), cast.annotator, 'POST', { anchor, body: 'x' }),
			404
		);
		await refused(
			api(threadsPath(), cast.annotator, 'POST', 'body=x', 'application/x-www-form-urlencoded'),
			415
		);
		await refused(
			api(threadsPath(), cast.annotator, 'POST', '{pas du json', 'application/json'),
			400,
			/illisible/
		);
		const there = await api(threadsPath(otherId), cast.annotator, 'POST', {
			anchor: await storedAnchor(db, otherId, 'texte'),
			body: 'Ailleurs'
		});
		expect(there.status).toBe(201);
		const afterThere = await rowCounts();
		const otherThread = (there.json.thread as { id: string }).id;
		await refused(
			api(`${threadsPath()}/${otherThread}`, cast.annotator, 'POST', { body: 'Ici ?' }),
			404,
			/introuvable/
		);
		await refused(
			api(`${threadsPath()}/inconnu`, cast.annotator, 'PATCH', { status: 'resolved' }),
			404
		);
		await refused(
			api(`${threadsPath()}/${otherThread}/messages/aaaaaaaaaaaaaaaa`, cast.annotator, 'DELETE'),
			404
		);
		expect((await api(threadsPath(), null)).status).toBe(401);
		expect(await rowCounts()).toEqual(afterThere);
		expect(afterThere.threads).toBe(before.threads + 1);
	});

	it('threads survive a restart of the process', async () => {
		const before = await api(threadsPath(), cast.partner);
		const secondPort = await freePort();
		await spawnServer(secondPort, url, { ORIGIN: `http://127.0.0.1:${secondPort}` });
		const response = await fetch(`http://127.0.0.1:${secondPort}${threadsPath()}`, {
			headers: { accept: 'application/json', cookie: `${SESSION_COOKIE}=${cast.partner.token}` }
		});
		expect(response.status).toBe(200);
		expect((await response.json()).threads).toEqual(before.json.threads);
	});
});
