// Every answer of the built process carries the security headers — pages, static assets, the
// shell's 413 and refused collaboration upgrades — and pages carry a Content-Security-Policy
// with a nonce, no inline script and no foreign origin (issue 10, defect 8).
import http from 'node:http';
import { beforeAll, describe, expect, it } from 'vitest';
import { SESSION_COOKIE } from '../../src/lib/server/auth/cookie';
import { freshDb } from '../helpers/db';
import { buildDocument, buildTerritory, buildUser, type TestUser } from '../helpers/factories';
import { freePort, spawnServer, useBuiltServer } from '../helpers/process';

useBuiltServer();

let base: string;
let port: number;
let user: TestUser;
let documentId: string;
let httpsPort: number;

beforeAll(async () => {
	const { db, url } = await freshDb();
	const territory = await buildTerritory(db);
	user = await buildUser(db, territory, territory.epciId);
	documentId = await buildDocument(db, user);
	[port, httpsPort] = [await freePort(), await freePort()];
	base = `http://127.0.0.1:${port}`;
	// Behind the TLS reverse proxy (ORIGIN in https), on a database of its own.
	const second = await freshDb();
	await Promise.all([
		spawnServer(port, url, { ORIGIN: base }),
		spawnServer(httpsPort, second.url, { ORIGIN: 'https://assemblier.example' })
	]);
}, 60_000);

type Headers = Record<string, string | string[] | undefined>;

/** A raw request (fetch cannot send an Upgrade). */
function request(
	path: string,
	options: { port?: number; method?: string; headers?: Record<string, string>; body?: string } = {}
): Promise<{ status: number; headers: Headers; text: string }> {
	return new Promise((resolve, reject) => {
		const req = http.request(
			{
				host: '127.0.0.1',
				port: options.port ?? port,
				path,
				method: options.method ?? 'GET',
				headers: options.headers
			},
			(res) => {
				let text = '';
				res.setEncoding('utf8');
				res.on('data', (d) => (text += d));
				res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text }));
			}
		);
		req.on('error', reject);
		req.end(options.body);
	});
}

function expectSecurityHeaders(headers: Headers, what: string) {
	expect(
		{
			'x-frame-options': headers['x-frame-options'],
			'x-content-type-options': headers['x-content-type-options'],
			'referrer-policy': headers['referrer-policy'],
			'permissions-policy': headers['permissions-policy'],
			'cross-origin-opener-policy': headers['cross-origin-opener-policy']
		},
		what
	).toEqual({
		'x-frame-options': 'DENY',
		'x-content-type-options': 'nosniff',
		'referrer-policy': 'same-origin',
		'permissions-policy': expect.stringContaining('camera=()'),
		'cross-origin-opener-policy': 'same-origin'
	});
}

function directives(csp: string): Map<string, string[]> {
	return new Map(
		csp
			.split(';')
			.map((d) => d.trim().split(/\s+/))
			.filter((parts) => parts[0])
			.map(([name, ...values]) => [name, values])
	);
}

describe('pages', () => {
	it('carry the security headers and a CSP: nonce-only scripts, no framing, same-origin websocket', async () => {
		for (const [path, headers] of [
			['/connexion', { accept: 'text/html' }],
			['/documents', { accept: 'text/html', cookie: `${SESSION_COOKIE}=${user.token}` }],
			[
				`/documents/${documentId}`,
				{ accept: 'text/html', cookie: `${SESSION_COOKIE}=${user.token}` }
			]
		] as const) {
			const page = await request(path, { headers });
			expect(page.status, path).toBe(200);
			expectSecurityHeaders(page.headers, path);
			const csp = directives(String(page.headers['content-security-policy'] ?? ''));
			const scriptSrc = csp.get('script-src') ?? [];
			expect(scriptSrc, path).toContain("'self'");
			expect(scriptSrc.join(' '), path).not.toMatch(/unsafe-inline|unsafe-eval|\*|https?:/);
			const nonce = scriptSrc.find((s) => s.startsWith("'nonce-"))?.slice(7, -1);
			expect(nonce, path).toBeTruthy();
			// Every inline script of the page carries it; none without.
			const scripts = [...page.text.matchAll(/<script\b([^>]*)>/g)].map((m) => m[1]);
			expect(scripts.length, path).toBeGreaterThan(0);
			for (const attributes of scripts) expect(attributes, path).toContain(`nonce="${nonce}"`);
			expect(csp.get('default-src'), path).toEqual(["'self'"]);
			expect(csp.get('frame-ancestors'), path).toEqual(["'none'"]);
			expect(csp.get('object-src'), path).toEqual(["'none'"]);
			expect(csp.get('base-uri'), path).toEqual(["'self'"]);
			expect(csp.get('form-action'), path).toEqual(["'self'"]);
			expect(csp.get('connect-src'), path).toEqual(["'self'", `ws://127.0.0.1:${port}`]);
			expect(csp.get('style-src'), path).toEqual(["'self'", "'unsafe-inline'"]);
		}
	});

	it('behind HTTPS (ORIGIN in https): HSTS, and the websocket named in wss', async () => {
		const page = await request('/connexion', { port: httpsPort, headers: { accept: 'text/html' } });
		expect(page.headers['strict-transport-security']).toBe('max-age=31536000');
		expect(directives(String(page.headers['content-security-policy'])).get('connect-src')).toEqual([
			"'self'",
			'wss://assemblier.example'
		]);
		const plain = await request('/connexion', { headers: { accept: 'text/html' } });
		expect(plain.headers['strict-transport-security']).toBeUndefined();
	});
});

describe('everything else', () => {
	it('static assets: the immutable bundle and the favicon', async () => {
		const page = await request('/connexion', { headers: { accept: 'text/html' } });
		const asset = page.text.match(/\/_app\/immutable\/[^"']+\.js/)?.[0];
		expect(asset).toBeTruthy();
		for (const path of [asset!, '/favicon.svg', '/robots.txt']) {
			const response = await request(path);
			expect(response.status, path).toBe(200);
			expectSecurityHeaders(response.headers, path);
		}
		const https = await request('/favicon.svg', { port: httpsPort });
		expect(https.headers['strict-transport-security']).toBe('max-age=31536000');
	});

	it('the 413 of an oversized body', async () => {
		const response = await request('/connexion', {
			method: 'POST',
			headers: { 'content-type': 'application/x-www-form-urlencoded', origin: base },
			body: 'email=a&password=' + 'x'.repeat(200 * 1024)
		});
		expect(response.status).toBe(413);
		expectSecurityHeaders(response.headers, '413');
		expect(response.headers['content-security-policy']).toContain("default-src 'none'");
	});

	it('refused collaboration upgrades (no session, foreign origin)', async () => {
		const upgrade = {
			connection: 'Upgrade',
			upgrade: 'websocket',
			'sec-websocket-version': '13',
			'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ=='
		};
		const anonymous = await request(`/collab/${documentId}`, { headers: upgrade });
		expect(anonymous.status).toBe(401);
		expectSecurityHeaders(anonymous.headers, 'upgrade 401');
		expect(anonymous.headers['content-security-policy']).toContain("frame-ancestors 'none'");
		const foreign = await request(`/collab/${documentId}`, {
			headers: {
				...upgrade,
				origin: 'https://evil.example',
				cookie: `${SESSION_COOKIE}=${user.token}`
			}
		});
		expect(foreign.status).toBe(403);
		expectSecurityHeaders(foreign.headers, 'upgrade 403');
		const https = await request(`/collab/${documentId}`, { port: httpsPort, headers: upgrade });
		expect(https.status).toBe(401);
		expect(https.headers['strict-transport-security']).toBe('max-age=31536000');
		// A malformed upgrade (a version ws does not speak) gets our 400 with the headers too.
		const badVersion = await request(`/collab/${documentId}`, {
			headers: { ...upgrade, 'sec-websocket-version': '8' }
		});
		expect(badVersion.status).toBe(400);
		expectSecurityHeaders(badVersion.headers, 'upgrade 400');
		// An upgrade to any other path is nobody's: a 404 with the headers, not a cut socket.
		const elsewhere = await request('/autre-chose', { headers: upgrade });
		expect(elsewhere.status).toBe(404);
		expectSecurityHeaders(elsewhere.headers, 'upgrade elsewhere 404');
	});

	it('JSON answers, redirects and 404s too', async () => {
		for (const [path, headers, status] of [
			['/healthz', {}, 200],
			['/documents', { accept: 'text/html' }, 303],
			['/documents', {}, 401],
			['/nulle-part', { accept: 'text/html', cookie: `${SESSION_COOKIE}=${user.token}` }, 404]
		] as const) {
			const response = await request(path, { headers });
			expect(response.status, path).toBe(status);
			expectSecurityHeaders(response.headers, `${path} ${status}`);
		}
	});
});
