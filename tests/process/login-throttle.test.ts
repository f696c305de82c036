// Login throttling against the built process (issue 10, defect 3), behind a reverse proxy that
// says who the client is in X-Forwarded-For (ADDRESS_HEADER=x-forwarded-for): an attacker's
// wrong passwords do not lock the owner out, a device that signed in before passes, spraying
// from one address is slowed, the counters survive a restart — and without ADDRESS_HEADER every
// client behind the proxy shares one address, which is why the setting exists.
import { beforeAll, describe, expect, it } from 'vitest';
import { freshDb } from '../helpers/db';
import { buildTerritory, buildUser, TEST_PASSWORD, type TestUser } from '../helpers/factories';
import { freePort, spawnServer, useBuiltServer, type ServerProcess } from '../helpers/process';
import type { Db } from '../../src/lib/server/db';

useBuiltServer();

const BEHIND_PROXY = { ADDRESS_HEADER: 'x-forwarded-for', XFF_DEPTH: '1' };

let db: Db;
let databaseUrl: string;
let port: number;
let base: string;
let server: ServerProcess;
let territory: Awaited<ReturnType<typeof buildTerritory>>;

beforeAll(async () => {
	({ db, url: databaseUrl } = await freshDb());
	territory = await buildTerritory(db);
	port = await freePort();
	base = `http://127.0.0.1:${port}`;
	server = await spawnServer(port, databaseUrl, BEHIND_PROXY);
}, 60_000);

function newUser(role: 'membre' | 'direction' = 'membre'): Promise<TestUser> {
	return buildUser(db, territory, territory.epciId, { role });
}

async function restart(env: Record<string, string | undefined>): Promise<void> {
	server.child.kill('SIGTERM');
	await server.exited;
	server = await spawnServer(port, databaseUrl, env);
}

interface Answer {
	status: number;
	location: string | null;
	retryAfter: string | null;
	message: string | null;
	cookies: Map<string, string>;
}

/** The login form posted as a browser without JavaScript does, through the proxy. */
async function signIn(
	email: string,
	password: string,
	forwardedFor: string | null,
	cookie?: string
): Promise<Answer> {
	const response = await fetch(`${base}/connexion`, {
		method: 'POST',
		redirect: 'manual',
		headers: {
			'content-type': 'application/x-www-form-urlencoded',
			origin: base,
			accept: 'text/html',
			...(forwardedFor ? { 'x-forwarded-for': forwardedFor } : {}),
			...(cookie ? { cookie } : {})
		},
		body: new URLSearchParams({ email, password })
	});
	const html = await response.text();
	const cookies = new Map<string, string>();
	for (const line of response.headers.getSetCookie()) {
		const [pair] = line.split(';');
		const eq = pair.indexOf('=');
		cookies.set(pair.slice(0, eq), pair.slice(eq + 1));
	}
	return {
		status: response.status,
		location: response.headers.get('location'),
		retryAfter: response.headers.get('retry-after'),
		message: /role="alert"[^>]*>([^<]*)</.exec(html)?.[1] ?? null,
		cookies
	};
}

async function failFiveTimes(email: string, forwardedFor: string): Promise<void> {
	for (let i = 0; i < 5; i++)
		expect((await signIn(email, `faux-${i}`, forwardedFor)).status, `guess ${i}`).toBe(400);
}

describe('login throttling behind the proxy (ADDRESS_HEADER=x-forwarded-for)', () => {
	it('five wrong passwords from one address: that address waits, the direction générale signs in from another', async () => {
		const dg = await newUser('direction');
		await failFiveTimes(dg.email, '203.0.113.66');
		// The owner, from the town hall, with the right password: signed in at once.
		const owner = await signIn(dg.email, TEST_PASSWORD, '198.51.100.7');
		expect([owner.status, owner.location]).toEqual([303, '/']);
		expect(owner.cookies.get('assemblier-session')).toBeTruthy();
		// The guesser waits, told so in French and in Retry-After.
		const attacker = await signIn(dg.email, TEST_PASSWORD, '203.0.113.66');
		expect(attacker.status).toBe(429);
		expect(Number(attacker.retryAfter)).toBeGreaterThanOrEqual(1);
		expect(attacker.message).toMatch(/^Trop de tentatives de connexion\. Réessayez dans \d+ s\.$/);
	});

	it('a device that signed in before passes, even from the address under attack', async () => {
		const dg = await newUser('direction');
		const before = await signIn(dg.email, TEST_PASSWORD, '203.0.113.5');
		const device = before.cookies.get('assemblier-device');
		expect(device).toBeTruthy();
		// The whole mairie is one address; someone there guesses.
		await failFiveTimes(dg.email, '203.0.113.5');
		expect((await signIn(dg.email, TEST_PASSWORD, '203.0.113.5')).status).toBe(429);
		const onHerLaptop = await signIn(
			dg.email,
			TEST_PASSWORD,
			'203.0.113.5',
			`assemblier-device=${device}`
		);
		expect(onHerLaptop.status).toBe(303);
	});

	it('spraying one password over many accounts from one address is slowed; other addresses are not', async () => {
		for (let i = 0; i < 20; i++)
			expect((await signIn(`victime${i}@agglo.test`, 'Printemps2026!', '192.0.2.66')).status).toBe(
				400
			);
		const sprayed = await signIn('encore@agglo.test', 'Printemps2026!', '192.0.2.66');
		expect(sprayed.status).toBe(429);
		expect((await signIn('encore@agglo.test', 'Printemps2026!', '192.0.2.67')).status).toBe(400);
	});

	it('the address the proxy appended counts, not what the client wrote before it', async () => {
		const target = await newUser();
		for (let i = 0; i < 5; i++)
			await signIn(target.email, `faux-${i}`, `10.${i}.0.1, 203.0.113.120`);
		expect((await signIn(target.email, TEST_PASSWORD, '10.99.0.1, 203.0.113.120')).status).toBe(
			429
		);
	});

	it('the counters survive a restart', async () => {
		const dg = await newUser('direction');
		await failFiveTimes(dg.email, '203.0.113.77');
		const lastFailure = Date.now();
		await restart(BEHIND_PROXY);
		// After the 1 s wait, a sixth failure is let through; it makes the wait 2 s.
		await new Promise((r) => setTimeout(r, Math.max(0, lastFailure + 1_100 - Date.now())));
		expect((await signIn(dg.email, 'faux-6', '203.0.113.77')).status).toBe(400);
		const next = await signIn(dg.email, TEST_PASSWORD, '203.0.113.77');
		expect([next.status, next.retryAfter]).toEqual([429, '2']);
	});

	it('without ADDRESS_HEADER, every client behind the proxy is one address', async () => {
		await restart({});
		const dg = await newUser('direction');
		await failFiveTimes(dg.email, '203.0.113.88');
		// X-Forwarded-For is not trusted: the owner comes from the same (proxy) address.
		expect((await signIn(dg.email, TEST_PASSWORD, '198.51.100.8')).status).toBe(429);
		await restart(BEHIND_PROXY);
	});
});
