// Malformed requests against the built process (audit defects D15, D13): a body that cannot be
// read as a form gets a French 400 on every form action, not a 500 with a stack in the log; a
// SvelteKit 4xx (415…) is one log line; a missing static asset is a French 404; and behind a
// proxy (ADDRESS_HEADER), a sign-in without a readable client address is a French 400.
import { beforeAll, describe, expect, it } from 'vitest';
import { SESSION_COOKIE } from '../../src/lib/server/auth/cookie';
import { freshDb } from '../helpers/db';
import {
	buildRoleCast,
	buildTerritory,
	buildUser,
	TEST_PASSWORD,
	type TestUser
} from '../helpers/factories';
import { freePort, spawnServer, useBuiltServer, type ServerProcess } from '../helpers/process';

useBuiltServer();

const UNREADABLE = 'Formulaire illisible : renvoyez-le depuis la page.';
const UNKNOWN_ADDRESS =
	'Adresse du client inconnue : la connexion doit passer par le serveur mandataire.';
const GARBAGE_MULTIPART = {
	type: 'multipart/form-data; boundary=zzz',
	body: 'garbage'
};

interface Answer {
	status: number;
	headers: Headers;
	text: string;
}

async function post(
	base: string,
	path: string,
	{ type, body }: { type: string; body: string },
	headers: Record<string, string> = {}
): Promise<Answer> {
	const response = await fetch(base + path, {
		method: 'POST',
		redirect: 'manual',
		headers: { 'content-type': type, origin: base, accept: 'text/html', ...headers },
		body
	});
	return { status: response.status, headers: response.headers, text: await response.text() };
}

/** What the server writes while `action` runs (and shortly after: the pipe lags the answer). */
async function logDuring<T>(
	server: ServerProcess,
	action: () => Promise<T>,
	until: RegExp
): Promise<{ result: T; log: string }> {
	const before = server.output().length;
	const result = await action();
	const deadline = Date.now() + 2_000;
	while (!until.test(server.output().slice(before)) && Date.now() < deadline)
		await new Promise((r) => setTimeout(r, 20));
	await new Promise((r) => setTimeout(r, 150));
	return { result, log: server.output().slice(before) };
}

const STACK_LINE = /^\s+at /m;
const lines = (log: string) => log.split('\n').filter((l) => l.trim() !== '');

describe('unreadable bodies and 4xx errors', () => {
	let base: string;
	let server: ServerProcess;
	let coLead: TestUser;
	let admin: TestUser;
	let documentId: string;

	beforeAll(async () => {
		const { db, url } = await freshDb();
		const territory = await buildTerritory(db);
		({ coLead, documentId } = await buildRoleCast(db, territory));
		admin = await buildUser(db, territory, territory.epciId, { role: 'admin' });
		const port = await freePort();
		base = `http://127.0.0.1:${port}`;
		server = await spawnServer(port, url, { ORIGIN: base });
	}, 120_000);

	it('an anonymous garbage multipart sign-in: French 400, one log line, no stack', async () => {
		const { result, log } = await logDuring(
			server,
			() => post(base, '/connexion', GARBAGE_MULTIPART),
			/formulaire illisible/i
		);
		expect(result.status).toBe(400);
		expect(result.text).toContain('lang="fr"');
		expect(result.text).toContain(UNREADABLE);
		expect(log).not.toMatch(STACK_LINE);
		expect(log).not.toContain('500');
		expect(lines(log)).toHaveLength(1);
		expect(log).toMatch(/^400 POST \/connexion : formulaire illisible/m);
	});

	it('the same through the enhanced form (JSON), and as text/plain or a multipart without boundary', async () => {
		const enhanced = await post(base, '/connexion', GARBAGE_MULTIPART, {
			accept: 'application/json',
			'x-sveltekit-action': 'true'
		});
		expect(enhanced.status).toBe(400);
		expect(JSON.parse(enhanced.text)).toEqual({ type: 'error', error: { message: UNREADABLE } });
		for (const type of ['text/plain', 'multipart/form-data']) {
			const answer = await post(base, '/connexion', { type, body: 'email=a@b.c&password=x' });
			expect([type, answer.status]).toEqual([type, 400]);
			expect(answer.text).toContain(UNREADABLE);
		}
	});

	it('every signed-in form action answers a garbage body with the same 400', async () => {
		const cookie = (user: TestUser) => ({ cookie: `${SESSION_COOKIE}=${user.token}` });
		const targets: [string, TestUser][] = [
			['/documents/nouveau', coLead],
			[`/documents/${documentId}?/setMember`, coLead],
			[`/documents/${documentId}?/removeMember`, coLead],
			[`/documents/${documentId}?/setOrganisation`, coLead],
			[`/documents/${documentId}?/removeOrganisation`, coLead],
			[`/documents/${documentId}?/answerAccessRequest`, coLead],
			[`/documents/${documentId}?/setBinome`, coLead],
			[`/documents/${documentId}?/updateSettings`, coLead],
			[`/documents/${documentId}/demande-acces`, admin],
			['/admin/documents-illisibles?/repair', admin],
			['/admin/modeles/x', admin]
		];
		const { result, log } = await logDuring(
			server,
			async () => {
				const answers: [string, number, boolean][] = [];
				for (const [path, user] of targets) {
					const answer = await post(base, path, GARBAGE_MULTIPART, cookie(user));
					answers.push([path, answer.status, answer.text.includes(UNREADABLE)]);
				}
				return answers;
			},
			/admin\/modeles/
		);
		// /admin/modeles/x: the unknown template is refused (404) before its body is read.
		expect(result).toEqual(
			targets.map(([path]) => [
				path,
				path === '/admin/modeles/x' ? 404 : 400,
				path !== '/admin/modeles/x'
			])
		);
		expect(log).not.toMatch(STACK_LINE);
	});

	it('a 415 (a JSON body posted to a form action) is one log line, not a stack', async () => {
		const { result, log } = await logDuring(
			server,
			() => post(base, '/connexion', { type: 'application/json', body: '{}' }),
			/415/
		);
		expect(result.status).toBe(415);
		expect(result.text).toContain(UNREADABLE);
		expect(log).not.toMatch(STACK_LINE);
		expect(lines(log)).toEqual([
			'415 POST /connexion : Form actions expect form-encoded data — received application/json'
		]);
	});

	it('a missing static asset: a French 404 with the security headers; an existing one is served', async () => {
		const missing = await fetch(`${base}/_app/immutable/chunks/absent.js`);
		expect(missing.status).toBe(404);
		expect(missing.headers.get('content-type')).toBe('text/plain; charset=utf-8');
		expect(missing.headers.get('x-content-type-options')).toBe('nosniff');
		expect(missing.headers.get('cache-control')).toMatch(/max-age=0/);
		expect(await missing.text()).toBe('Fichier introuvable.');
		const page = await (await fetch(`${base}/connexion`)).text();
		const asset = /\/_app\/immutable\/[^"]+\.js/.exec(page)?.[0];
		expect(asset).toBeTruthy();
		const found = await fetch(base + asset);
		expect(found.status).toBe(200);
		await found.arrayBuffer();
		expect((await fetch(`${base}/_app/version.json`)).status).toBe(200);
	});

	it('a normal sign-in is untouched', async () => {
		const answer = await post(base, '/connexion', {
			type: 'application/x-www-form-urlencoded',
			body: new URLSearchParams({ email: coLead.email, password: TEST_PASSWORD }).toString()
		});
		expect([answer.status, answer.headers.get('location')]).toEqual([303, '/']);
	});
});

describe('the client address behind the proxy (ADDRESS_HEADER=x-forwarded-for)', () => {
	let base: string;
	let server: ServerProcess;
	let user: TestUser;

	beforeAll(async () => {
		const { db, url } = await freshDb();
		const territory = await buildTerritory(db);
		user = await buildUser(db, territory, territory.epciId);
		const port = await freePort();
		base = `http://127.0.0.1:${port}`;
		server = await spawnServer(port, url, { ADDRESS_HEADER: 'x-forwarded-for', XFF_DEPTH: '1' });
	}, 60_000);

	function signIn(password: string, forwardedFor: string | null) {
		return post(
			base,
			'/connexion',
			{
				type: 'application/x-www-form-urlencoded',
				body: new URLSearchParams({ email: user.email, password }).toString()
			},
			forwardedFor === null ? {} : { 'x-forwarded-for': forwardedFor }
		);
	}
	const alert = (html: string) => /role="alert"[^>]*>([^<]*)</.exec(html)?.[1] ?? null;

	it('without the header: a French 400 on the sign-in page, one log line, no stack', async () => {
		const { result, log } = await logDuring(
			server,
			() => signIn(TEST_PASSWORD, null),
			/adresse du client/i
		);
		expect(result.status).toBe(400);
		expect(alert(result.text)).toBe(UNKNOWN_ADDRESS);
		expect(log).not.toMatch(STACK_LINE);
		expect(lines(log)).toHaveLength(1);
		expect(log).toMatch(/^400 POST \/connexion : adresse du client inconnue/m);
	});

	it('a header that names no address (“garbage”, empty, too few entries for XFF_DEPTH) is refused the same way', async () => {
		for (const value of ['garbage', '', '203.0.113.5 garbage', '999.1.1.1', 'unknown']) {
			const answer = await signIn(TEST_PASSWORD, value);
			expect([value, answer.status, alert(answer.text)]).toEqual([value, 400, UNKNOWN_ADDRESS]);
		}
	});

	it('an address with the port a proxy may append counts as that address', async () => {
		for (let i = 0; i < 5; i++)
			expect((await signIn(`faux-${i}`, `203.0.113.50:${40_000 + i}`)).status).toBe(400);
		const same = await signIn(TEST_PASSWORD, '203.0.113.50');
		expect(same.status).toBe(429);
		// An IPv6 address in brackets with a port, and plain: signed in.
		expect((await signIn(TEST_PASSWORD, '[2001:db8::7]:443')).status).toBe(303);
		expect((await signIn(TEST_PASSWORD, '2001:db8::8')).status).toBe(303);
	});
});
