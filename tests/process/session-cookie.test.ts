// The session cookie over HTTPS is `__Host-assemblier-session` (issue 10, defect 7): Secure,
// Path=/, no Domain, so no sibling subdomain can set or overwrite it. HTTPS is known per request:
// the proxy's X-Forwarded-Proto (trusted when ORIGIN is empty, server/index.ts) or an https
// ORIGIN. Over plain http the name stays `assemblier-session`. The pages and the collaboration
// websocket accept it.
import { beforeAll, describe, expect, it } from 'vitest';
import { freshDb } from '../helpers/db';
import { rawConnect } from '../helpers/collab';
import {
	buildDocument,
	buildTerritory,
	buildUser,
	TEST_PASSWORD,
	type TestUser
} from '../helpers/factories';
import { freePort, spawnServer, useBuiltServer } from '../helpers/process';

useBuiltServer();

let user: TestUser;
let documentId: string;
let port: number;
let httpsPort: number;

beforeAll(async () => {
	const { db, url } = await freshDb();
	const territory = await buildTerritory(db);
	user = await buildUser(db, territory, territory.epciId);
	documentId = await buildDocument(db, user);
	port = await freePort();
	await spawnServer(port, url, { ORIGIN: '' });
	httpsPort = await freePort();
	await spawnServer(httpsPort, url, { ORIGIN: 'https://assemblier.agglo-lauze.test' });
}, 60_000);

interface SetCookie {
	name: string;
	value: string;
	attributes: string[];
}

function parseSetCookies(response: Response): SetCookie[] {
	return response.headers.getSetCookie().map((line) => {
		const [pair, ...attributes] = line.split(';').map((part) => part.trim());
		const eq = pair.indexOf('=');
		return {
			name: pair.slice(0, eq),
			value: pair.slice(eq + 1),
			attributes: attributes.map((a) => a.toLowerCase())
		};
	});
}

async function signIn(target: number, origin: string, headers: Record<string, string> = {}) {
	const response = await fetch(`http://127.0.0.1:${target}/connexion`, {
		method: 'POST',
		redirect: 'manual',
		headers: {
			'content-type': 'application/x-www-form-urlencoded',
			origin,
			accept: 'text/html',
			...headers
		},
		body: new URLSearchParams({ email: user.email, password: TEST_PASSWORD })
	});
	expect(response.status).toBe(303);
	return parseSetCookies(response);
}

function getPage(target: number, cookie: string, headers: Record<string, string> = {}) {
	return fetch(`http://127.0.0.1:${target}/documents`, {
		redirect: 'manual',
		headers: { cookie, accept: 'text/html', ...headers }
	});
}

function expectHostCookie(cookie: SetCookie | undefined): void {
	expect(cookie).toBeDefined();
	expect(cookie!.attributes).toContain('secure');
	expect(cookie!.attributes).toContain('path=/');
	expect(cookie!.attributes).toContain('httponly');
	expect(cookie!.attributes.some((a) => a.startsWith('domain'))).toBe(false);
}

describe('the session cookie', () => {
	it('over HTTPS (X-Forwarded-Proto from the proxy): __Host-assemblier-session, Secure, Path=/, no Domain', async () => {
		const https = { 'x-forwarded-proto': 'https' };
		const cookies = await signIn(port, `https://127.0.0.1:${port}`, https);
		const session = cookies.find((c) => c.name === '__Host-assemblier-session');
		expectHostCookie(session);
		expect(cookies.some((c) => c.name === 'assemblier-session')).toBe(false);
		expectHostCookie(cookies.find((c) => c.name === '__Host-assemblier-device'));

		// The pages take it…
		const page = await getPage(port, `__Host-assemblier-session=${session!.value}`, https);
		expect(page.status).toBe(200);
		// …and the collaboration websocket too.
		const socket = await rawConnect(port, documentId, null, {
			cookie: `__Host-assemblier-session=${session!.value}`
		});
		expect(socket.status).toBe(101);
		socket.ws?.close();
		// Over HTTPS the plain name is not taken (a cookie planted by a sibling subdomain).
		const planted = await getPage(port, `assemblier-session=${user.token}`, https);
		expect([planted.status, planted.headers.get('location')]).toEqual([
			303,
			'/connexion?redirectTo=%2Fdocuments'
		]);
	});

	it('with an https ORIGIN: __Host-assemblier-session', async () => {
		const cookies = await signIn(httpsPort, 'https://assemblier.agglo-lauze.test');
		const session = cookies.find((c) => c.name === '__Host-assemblier-session');
		expectHostCookie(session);
		expect((await getPage(httpsPort, `__Host-assemblier-session=${session!.value}`)).status).toBe(
			200
		);
	});

	it('over plain http: assemblier-session, without Secure', async () => {
		const cookies = await signIn(port, `http://127.0.0.1:${port}`);
		const session = cookies.find((c) => c.name === 'assemblier-session');
		expect(session).toBeDefined();
		expect(session!.attributes).not.toContain('secure');
		expect(cookies.some((c) => c.name.startsWith('__Host-'))).toBe(false);
		expect((await getPage(port, `assemblier-session=${session!.value}`)).status).toBe(200);
		const socket = await rawConnect(port, documentId, session!.value);
		expect(socket.status).toBe(101);
		socket.ws?.close();
	});
});
