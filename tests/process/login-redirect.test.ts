// No open redirect after signing in (outside audit): forged `redirectTo` values against the built
// process, as a phishing link would carry them.
import { beforeAll, describe, expect, it } from 'vitest';
import { SESSION_COOKIE } from '../../src/lib/server/auth/cookie';
import { freshDb } from '../helpers/db';
import { buildTerritory, buildUser, TEST_PASSWORD, type TestUser } from '../helpers/factories';
import { freePort, spawnServer, useBuiltServer } from '../helpers/process';

useBuiltServer();

let base: string;
let user: TestUser;

beforeAll(async () => {
	const { db, url } = await freshDb();
	const territory = await buildTerritory(db);
	user = await buildUser(db, territory, territory.epciId);
	const port = await freePort();
	base = `http://127.0.0.1:${port}`;
	await spawnServer(port, url, { ORIGIN: base });
}, 60_000);

async function signIn(redirectTo: string) {
	const response = await fetch(`${base}/connexion?redirectTo=${redirectTo}`, {
		method: 'POST',
		redirect: 'manual',
		// As a browser posts the form (without JavaScript): the answer is a real 303.
		headers: {
			'content-type': 'application/x-www-form-urlencoded',
			origin: base,
			accept: 'text/html'
		},
		body: new URLSearchParams({ email: user.email, password: TEST_PASSWORD })
	});
	return { status: response.status, location: response.headers.get('location') };
}

describe('redirect after signing in', () => {
	it('goes back to the page asked for when it is one of ours', async () => {
		expect(await signIn(encodeURIComponent('/documents?vue=mine'))).toEqual({
			status: 303,
			location: '/documents?vue=mine'
		});
	});

	it('never to another host, whatever the spelling; never a 500', async () => {
		for (const forged of [
			'/%09/evil.example',
			'/%0A/evil',
			'//evil.example',
			'/%5Cevil.example',
			'https://evil.example'
		])
			expect(await signIn(forged), forged).toEqual({ status: 303, location: '/' });
	});

	it('already signed in, /connexion with a forged target goes home too', async () => {
		const response = await fetch(`${base}/connexion?redirectTo=/%09/evil.example`, {
			redirect: 'manual',
			headers: { cookie: `${SESSION_COOKIE}=${user.token}`, accept: 'text/html' }
		});
		expect([response.status, response.headers.get('location')]).toEqual([303, '/']);
	});
});
