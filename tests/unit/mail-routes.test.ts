// The e-mail routes, called as SvelteKit calls them, on a real database: the outbox page is for
// administrators only (403 otherwise) and shows the "nothing leaves" banner's flag without
// SMTP_URL; the preference form; the unsubscribe page refuses a forged link (French 400,
// nothing changed) and a genuine one changes only after its button.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isHttpError } from '@sveltejs/kit';
import type { Db } from '../../src/lib/server/db';
import type { SessionUser } from '../../src/lib/server/auth/session';
import { disposeRuntime } from '../../src/lib/server/runtime';
import {
	emailPreferenceOf,
	enqueue,
	setEmailPreference,
	unsubscribeToken
} from '../../src/lib/server/mail';
import { signingKey } from '../../src/lib/server/signing';
import { freshDb } from '../helpers/db';
import { buildTerritory, buildUser, type TestUser } from '../helpers/factories';
import * as outboxPage from '../../src/routes/(app)/admin/courriels/+page.server';
import * as preferencesPage from '../../src/routes/(app)/notifications/preferences/+page.server';
import * as unsubscribePage from '../../src/routes/(public)/courriels/desabonnement/+page.server';

let db: Db;
let admin: TestUser;
let member: TestUser;
const savedEnv = { ...process.env };

beforeAll(async () => {
	const fresh = await freshDb();
	db = fresh.db;
	// The routes reach the database through runtime(), which reads the environment once.
	process.env.DATABASE_URL = fresh.url;
	delete process.env.SMTP_URL;
	delete process.env.APP_SECRET;
	process.env.LOG_LEVEL = 'silent';
	const territory = await buildTerritory(db);
	admin = await buildUser(db, territory, territory.epciId, { role: 'admin' });
	member = await buildUser(db, territory, territory.communeId, { role: 'direction' });
});

afterAll(async () => {
	await disposeRuntime();
	process.env = savedEnv;
});

function sessionUser(user: TestUser): SessionUser {
	return {
		id: user.id,
		email: user.email,
		displayName: user.displayName,
		jobTitle: '',
		territoryRole: user.territoryRole,
		organisationId: user.organisationId,
		organisationName: '',
		organisationKind: user.organisationKind,
		territoryId: user.territoryId
	};
}

const event = (user: TestUser | null, url: string, init?: RequestInit) =>
	({
		locals: { user: user && sessionUser(user), session: null },
		url: new URL(url, 'http://localhost'),
		request: new Request(new URL(url, 'http://localhost'), init)
	}) as never;

async function statusOf(promise: unknown): Promise<number> {
	try {
		await promise;
		return 200;
	} catch (error) {
		if (isHttpError(error)) return error.status;
		throw error;
	}
}

const form = (fields: Record<string, string>): RequestInit => ({
	method: 'POST',
	body: new URLSearchParams(fields),
	headers: { 'content-type': 'application/x-www-form-urlencoded' }
});

describe('/admin/courriels', () => {
	it('is refused to anyone but an administrator', async () => {
		expect(await statusOf(outboxPage.load(event(member, '/admin/courriels')))).toBe(403);
		expect(await statusOf(outboxPage.load(event(null, '/admin/courriels')))).toBe(403);
	});

	it('lists the outbox newest first, and says that nothing leaves without SMTP_URL', async () => {
		await enqueue(
			db,
			{ to: { address: 'a@test.example' }, kind: 'test', subject: 'Premier', text: '', html: '' },
			1_000
		);
		await enqueue(
			db,
			{ to: { address: 'b@test.example' }, kind: 'test', subject: 'Second', text: '', html: '' },
			2_000
		);
		const data = (await outboxPage.load(event(admin, '/admin/courriels'))) as {
			outbox: { items: { subject: string; status: string }[]; counts: { pending: number } };
			smtpConfigured: boolean;
		};
		expect(data.smtpConfigured).toBe(false);
		expect(data.outbox.items.map((m) => m.subject)).toEqual(['Second', 'Premier']);
		expect(data.outbox.counts.pending).toBe(2);
	});
});

describe('/notifications/preferences', () => {
	it('saves one of the three choices, refuses anything else', async () => {
		const result = await preferencesPage.actions.default(
			event(member, '/notifications/preferences', form({ courriel: 'daily' }))
		);
		expect(result).toMatchObject({ saved: true });
		expect(await emailPreferenceOf(db, member.id)).toBe('daily');
		const refused = await preferencesPage.actions.default(
			event(member, '/notifications/preferences', form({ courriel: 'toujours' }))
		);
		expect(refused).toMatchObject({ status: 400 });
		expect(await emailPreferenceOf(db, member.id)).toBe('daily');
	});
});

describe('/courriels/desabonnement', () => {
	it('a forged link is a French 400 and changes nothing', async () => {
		await setEmailPreference(db, member.id, 'daily');
		const key = await signingKey(db, '');
		const genuine = unsubscribeToken(key, member.id, Date.now() + 60_000);
		const forged = genuine.slice(0, -3) + (genuine.endsWith('AAA') ? 'BBB' : 'AAA');
		const url = `/courriels/desabonnement?jeton=${encodeURIComponent(forged)}`;
		try {
			await unsubscribePage.load(event(null, url));
			expect.unreachable();
		} catch (error) {
			expect(isHttpError(error) && error.status).toBe(400);
			expect(isHttpError(error) && error.body.message).toMatch(/n’est pas valide ou a expiré/);
		}
		expect(
			await statusOf(unsubscribePage.actions.default(event(null, url, form({ jeton: forged }))))
		).toBe(400);
		expect(await emailPreferenceOf(db, member.id)).toBe('daily');
	});

	it('a genuine link shows the button without a session; the button sets never', async () => {
		await setEmailPreference(db, member.id, 'daily');
		const key = await signingKey(db, '');
		const token = unsubscribeToken(key, member.id, Date.now() + 60_000);
		const url = `/courriels/desabonnement?jeton=${encodeURIComponent(token)}`;
		expect(await unsubscribePage.load(event(null, url))).toMatchObject({
			displayName: member.displayName
		});
		expect(await emailPreferenceOf(db, member.id)).toBe('daily');
		expect(await unsubscribePage.actions.default(event(null, url, form({ jeton: token })))).toEqual(
			{ done: true }
		);
		expect(await emailPreferenceOf(db, member.id)).toBe('never');
	});
});
