// Request bodies above a route's limit get a French 413 from the shell (server/http-limits.ts),
// whether the size is declared (Content-Length) or streamed (chunked), with the security headers;
// a normal sign-in still works, streamed or not (issue 10, defect 9).
import http from 'node:http';
import { beforeAll, describe, expect, it } from 'vitest';
import { freshDb } from '../helpers/db';
import { buildTerritory, buildUser, TEST_PASSWORD, type TestUser } from '../helpers/factories';
import { freePort, spawnServer, useBuiltServer } from '../helpers/process';

useBuiltServer();

let base: string;
let port: number;
let user: TestUser;

beforeAll(async () => {
	const { db, url } = await freshDb();
	const territory = await buildTerritory(db);
	user = await buildUser(db, territory, territory.epciId);
	port = await freePort();
	base = `http://127.0.0.1:${port}`;
	await spawnServer(port, url, { ORIGIN: base });
}, 60_000);

const FORM = 'application/x-www-form-urlencoded';

/** A sign-in form whose password field is padded to `bytes` in all. */
function paddedLogin(bytes: number): string {
	const head = new URLSearchParams({ email: user.email, password: '' }).toString();
	return head + 'x'.repeat(Math.max(0, bytes - head.length));
}

async function post(path: string, body: string, headers: Record<string, string> = {}) {
	const response = await fetch(`${base}${path}`, {
		method: 'POST',
		redirect: 'manual',
		headers: { 'content-type': FORM, origin: base, ...headers },
		body
	});
	return { status: response.status, headers: response.headers, text: await response.text() };
}

/** A POST whose body goes out in chunks (Transfer-Encoding: chunked, no Content-Length). */
function postChunked(
	path: string,
	chunks: string[],
	headers: Record<string, string> = {}
): Promise<{ status: number; headers: http.IncomingHttpHeaders; text: string }> {
	return new Promise((resolve, reject) => {
		const req = http.request(
			{
				host: '127.0.0.1',
				port,
				path,
				method: 'POST',
				headers: { 'content-type': FORM, origin: base, ...headers }
			},
			(res) => {
				let text = '';
				res.setEncoding('utf8');
				res.on('data', (d) => (text += d));
				res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text }));
			}
		);
		req.on('error', reject);
		let i = 0;
		const next = () => {
			if (i === chunks.length) return void req.end();
			req.write(chunks[i++], next);
		};
		next();
	});
}

function expectSecurityHeaders(get: (name: string) => string | null | undefined) {
	expect(get('x-frame-options')).toBe('DENY');
	expect(get('x-content-type-options')).toBe('nosniff');
	expect(get('referrer-policy')).toBe('same-origin');
}

describe('bodies above the route limit', () => {
	it('an oversized sign-in form (declared length) gets a French HTML 413 with the security headers', async () => {
		const { status, headers, text } = await post('/connexion', paddedLogin(100 * 1024), {
			accept: 'text/html'
		});
		expect(status).toBe(413);
		expect(headers.get('content-type')).toMatch(/^text\/html/);
		expect(text).toContain('lang="fr"');
		expect(text).toContain('Le contenu envoyé est trop volumineux : 64 Ko au plus');
		expectSecurityHeaders((n) => headers.get(n));
	});

	it('above 16 MB, as the audit sent it: French, not adapter-node’s English text', async () => {
		const { status, headers, text } = await post('/connexion', paddedLogin(17 * 1024 * 1024));
		expect(status).toBe(413);
		expect(headers.get('content-type')).toMatch(/^text\/plain; charset=utf-8/);
		expect(text).toContain('trop volumineux');
		expect(text).not.toMatch(/exceeds|limit/i);
		expectSecurityHeaders((n) => headers.get(n));
	});

	it('answers in the form the client asked for: JSON, or a SvelteKit form-action result', async () => {
		const json = await post('/connexion', paddedLogin(100 * 1024), {
			accept: 'application/json'
		});
		expect(json.status).toBe(413);
		expect(JSON.parse(json.text)).toEqual({ message: expect.stringContaining('64 Ko') });
		const enhanced = await post('/connexion', paddedLogin(100 * 1024), {
			accept: 'application/json',
			'x-sveltekit-action': 'true'
		});
		expect(enhanced.status).toBe(413);
		expect(JSON.parse(enhanced.text)).toEqual({
			type: 'error',
			error: { message: expect.stringContaining('trop volumineux') }
		});
	});

	it('a streamed (chunked) body is counted as it arrives and refused past the limit', async () => {
		const head = new URLSearchParams({ email: user.email, password: '' }).toString();
		const chunks = [head, ...Array.from({ length: 20 }, () => 'x'.repeat(8 * 1024))];
		const { status, headers, text } = await postChunked('/connexion', chunks, {
			accept: 'text/html'
		});
		expect(headers['transfer-encoding']).toBeUndefined(); // our answer, not SvelteKit's
		expect(status).toBe(413);
		expect(text).toContain('64 Ko au plus');
		expectSecurityHeaders((n) => headers[n] as string | undefined);
	});

	it('a client that waits for « 100 Continue » is refused before it sends the body', async () => {
		const outcome = await new Promise<{ status: number; continued: boolean }>((resolve, reject) => {
			let continued = false;
			const req = http.request({
				host: '127.0.0.1',
				port,
				path: '/connexion',
				method: 'POST',
				headers: {
					'content-type': FORM,
					'content-length': String(50 * 1024 * 1024),
					expect: '100-continue',
					origin: base
				}
			});
			req.on('continue', () => (continued = true));
			req.on('response', (res) => {
				res.resume();
				resolve({ status: res.statusCode ?? 0, continued });
				req.destroy();
			});
			req.on('error', reject);
			req.flushHeaders();
		});
		expect(outcome).toEqual({ status: 413, continued: false });
	});

	it('other forms get the default limit (1 MB); the template editor takes more', async () => {
		const big = 'title=' + 'x'.repeat(1536 * 1024);
		const creation = await post('/documents/nouveau', big, { accept: 'application/json' });
		expect(creation.status).toBe(413);
		expect(JSON.parse(creation.text).message).toContain('1 Mo au plus');
		// Within 2 MB the template editor's body reaches the app (here: not signed in, 401).
		const template = await post('/admin/modeles/x', big, { accept: 'application/json' });
		expect(template.status).toBe(401);
	});
});

describe('bodies within the limit', () => {
	it('a normal sign-in still works', async () => {
		const { status, headers } = await post(
			'/connexion',
			new URLSearchParams({ email: user.email, password: TEST_PASSWORD }).toString(),
			{ accept: 'text/html' }
		);
		expect([status, headers.get('location')]).toEqual([303, '/']);
	});

	it('a streamed sign-in within the limit reaches the app whole', async () => {
		const body = new URLSearchParams({ email: user.email, password: TEST_PASSWORD }).toString();
		const { status, headers } = await postChunked(
			'/connexion',
			[body.slice(0, 10), body.slice(10, 30), body.slice(30)],
			{ accept: 'text/html' }
		);
		expect([status, headers.location]).toEqual([303, '/']);
	});
});
