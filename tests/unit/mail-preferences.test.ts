// Notifications by e-mail with each user's preference: immediate (the default) queues at once,
// daily waits for one digest a day (idempotent per user and day), never gets nothing — except
// the kinds that need an answer. A digest's unsubscribe link works without signing in; a forged
// or expired one changes nothing.
import { beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../src/lib/server/db';
import type { NotificationKind } from '../../src/lib/server/db/schema';
import {
	emailPreferenceOf,
	queueDigests,
	readUnsubscribeToken,
	setEmailPreference,
	setPublicOrigin,
	unsubscribe,
	unsubscribeToken
} from '../../src/lib/server/mail';
import { localDayAndHour } from '../../src/lib/server/mail/notification-mail';
import { notify } from '../../src/lib/server/notifications';
import { signingKey } from '../../src/lib/server/signing';
import { onCleanup } from '../helpers/cleanup';
import { freshDb } from '../helpers/db';
import {
	buildDocument,
	buildTerritory,
	buildUser,
	type TestTerritory,
	type TestUser
} from '../helpers/factories';

const ORIGIN = 'https://assemblier.agglo-test.fr';

let db: Db;
let territory: TestTerritory;
let actor: TestUser;
let documentId: string;
let key: string;

beforeAll(async () => {
	({ db } = await freshDb());
	territory = await buildTerritory(db);
	actor = await buildUser(db, territory, territory.epciId, { name: 'Julien Roux' });
	documentId = await buildDocument(db, actor);
	await db
		.updateTable('document')
		.set({ title: 'Plan de formation 2027' })
		.where('id', '=', documentId)
		.execute();
	key = await signingKey(db, '');
	setPublicOrigin(ORIGIN);
	onCleanup(() => setPublicOrigin(null));
});

const mailsTo = (userId: string) =>
	db
		.selectFrom('email_outbox')
		.selectAll()
		.where('user_id', '=', userId)
		.orderBy('created_at')
		.orderBy('id')
		.execute();

const unemailed = async (userId: string) =>
	(
		await db
			.selectFrom('notification')
			.select('id')
			.where('user_id', '=', userId)
			.where('emailed_at', 'is', null)
			.execute()
	).length;

const tell = (user: TestUser, kind: NotificationKind = 'reply', excerpt = 'Voir la page 2') =>
	db
		.transaction()
		.execute((trx) => notify(trx, [user.id], { kind, actorId: actor.id, documentId, excerpt }));

/** 9:00 in Paris the day after tomorrow (past the default digest hour; notifications are stamped now). */
function nineInParisOn(ms: number): number {
	const { day } = localDayAndHour(ms, 'Europe/Paris');
	const [y, m, d] = day.split('-').map(Number);
	// Paris is UTC+1 in winter, UTC+2 in summer.
	return [Date.UTC(y, m - 1, d, 8), Date.UTC(y, m - 1, d, 7)].find(
		(t) => localDayAndHour(t, 'Europe/Paris').hour === 9
	)!;
}
const NINE_PARIS = nineInParisOn(Date.now() + 2 * 86_400_000);
const DAY = localDayAndHour(NINE_PARIS, 'Europe/Paris').day;
const NEXT_DAY = localDayAndHour(NINE_PARIS + 86_400_000, 'Europe/Paris').day;
const DAY_LABEL = new Intl.DateTimeFormat('fr-FR', {
	dateStyle: 'long',
	timeZone: 'Europe/Paris'
}).format(NINE_PARIS);
const DIGEST = { hour: 8, signingKey: '' };

describe('immediate (the default)', () => {
	it('queues one e-mail per notification, in the notification’s transaction, marked emailed', async () => {
		const user = await buildUser(db, territory, territory.communeId, { name: 'Isabelle Moreau' });
		expect(await emailPreferenceOf(db, user.id)).toBe('immediate');
		await tell(user);
		const [mail] = await mailsTo(user.id);
		expect(mail).toMatchObject({
			recipient_address: user.email,
			recipient_name: 'Isabelle Moreau',
			kind: 'reply',
			status: 'pending',
			subject: 'Julien Roux a répondu dans un fil de commentaires sur « Plan de formation 2027 »'
		});
		expect(mail.dedupe_key).toMatch(/^notification:/);
		expect(mail.body_text).toContain(`${ORIGIN}/documents/${documentId}`);
		expect(mail.body_html).toContain(`${ORIGIN}/documents/${documentId}`);
		expect(await unemailed(user.id)).toBe(0);
	});

	it('nothing is queued when the notifying transaction rolls back', async () => {
		const user = await buildUser(db, territory, territory.communeId);
		await expect(
			db.transaction().execute(async (trx) => {
				await notify(trx, [user.id], { kind: 'reply', actorId: actor.id, documentId });
				throw new Error('annulé');
			})
		).rejects.toThrow('annulé');
		expect(await mailsTo(user.id)).toEqual([]);
	});
});

describe('never', () => {
	it('gets no e-mail, except the kinds that need an answer', async () => {
		const user = await buildUser(db, territory, territory.epciId);
		await setEmailPreference(db, user.id, 'never');
		await tell(user, 'reply');
		await tell(user, 'mention');
		expect(await mailsTo(user.id)).toEqual([]);
		expect(await unemailed(user.id)).toBe(2);

		await tell(user, 'access_request', 'Je dois relire le plan');
		const mails = await mailsTo(user.id);
		expect(mails.map((m) => m.kind)).toEqual(['access_request']);
		expect(mails[0].body_text).toContain('quelle que soit votre préférence');
		// Nor do they ever come in a digest.
		expect(await queueDigests(db, { ...DIGEST, signingKey: key }, NINE_PARIS)).toBe(0);
		expect((await mailsTo(user.id)).length).toBe(1);
	});
});

describe('daily', () => {
	it('one digest per user and day, after the digest hour, with what was not e-mailed yet', async () => {
		const user = await buildUser(db, territory, territory.communeId, { name: 'Amandine Roche' });
		await setEmailPreference(db, user.id, 'daily');
		await tell(user, 'reply', 'Première réponse');
		await tell(user, 'thread_resolved');
		expect(await mailsTo(user.id)).toEqual([]);
		const settings = { ...DIGEST, signingKey: key };

		// 7:59 in Paris: not yet.
		expect(await queueDigests(db, settings, NINE_PARIS - 61 * 60_000)).toBe(0);
		expect(await queueDigests(db, settings, NINE_PARIS)).toBe(1);
		const [digest] = await mailsTo(user.id);
		expect(digest.kind).toBe('digest');
		expect(digest.dedupe_key).toBe(`digest:${user.id}:${DAY}`);
		expect(digest.subject).toBe(`Assemblier : 2 notifications — résumé du ${DAY_LABEL}`);
		expect(digest.body_text).toContain('Bonjour Amandine Roche,');
		expect(digest.body_text).toContain('Julien Roux a répondu dans un fil de commentaires');
		expect(digest.body_text).toContain('« Première réponse »');
		expect(digest.body_text).toContain('Julien Roux a résolu un fil de commentaires');
		expect(digest.body_text).toContain(`${ORIGIN}/courriels/desabonnement?jeton=`);
		expect(digest.body_html).toContain(`${ORIGIN}/courriels/desabonnement?jeton=`);
		expect(await unemailed(user.id)).toBe(0);

		// Idempotent: again the same day, nothing; a later notification waits for tomorrow.
		expect(await queueDigests(db, settings, NINE_PARIS + 60_000)).toBe(0);
		await tell(user, 'mention');
		expect(await queueDigests(db, settings, NINE_PARIS + 3_600_000)).toBe(0);
		expect((await mailsTo(user.id)).length).toBe(1);
		const tomorrow = NINE_PARIS + 86_400_000 + 3_600_000;
		expect(await queueDigests(db, settings, tomorrow)).toBe(1);
		const mails = await mailsTo(user.id);
		expect(mails.map((m) => m.dedupe_key)).toEqual([
			`digest:${user.id}:${DAY}`,
			`digest:${user.id}:${NEXT_DAY}`
		]);
		expect(mails[1].subject).toContain('1 notification —');
	});

	it('two digest jobs at once queue one digest', async () => {
		const user = await buildUser(db, territory, territory.communeId);
		await setEmailPreference(db, user.id, 'daily');
		await tell(user);
		const settings = { ...DIGEST, signingKey: key };
		const counts = await Promise.all([
			queueDigests(db, settings, NINE_PARIS),
			queueDigests(db, settings, NINE_PARIS)
		]);
		expect(counts[0] + counts[1]).toBe(1);
		expect((await mailsTo(user.id)).length).toBe(1);
	});

	it('the kinds that need an answer still go at once', async () => {
		const user = await buildUser(db, territory, territory.communeId);
		await setEmailPreference(db, user.id, 'daily');
		await tell(user, 'club_join_request');
		expect((await mailsTo(user.id)).map((m) => m.kind)).toEqual(['club_join_request']);
	});

	it('reads the day and hour in the territory’s zone', () => {
		expect(localDayAndHour(Date.UTC(2026, 10, 27, 23, 30), 'Europe/Paris')).toEqual({
			day: '2026-11-28',
			hour: 0
		});
		expect(localDayAndHour(Date.UTC(2026, 6, 1, 6, 0), 'Europe/Paris')).toEqual({
			day: '2026-07-01',
			hour: 8
		});
	});
});

describe('unsubscribe link', () => {
	it('the digest’s link sets the preference to never, without signing in', async () => {
		const user = await buildUser(db, territory, territory.communeId, { name: 'Hélène Faure' });
		await setEmailPreference(db, user.id, 'daily');
		await tell(user);
		await queueDigests(db, { ...DIGEST, signingKey: key }, NINE_PARIS);
		const [digest] = await mailsTo(user.id);
		const link = /(https:\S+\/courriels\/desabonnement\?jeton=\S+)/.exec(digest.body_text)![1];
		const token = new URL(link).searchParams.get('jeton')!;
		expect(await readUnsubscribeToken(db, key, token, NINE_PARIS)).toEqual({
			userId: user.id,
			displayName: 'Hélène Faure'
		});
		expect(await emailPreferenceOf(db, user.id)).toBe('daily'); // reading changes nothing
		expect(await unsubscribe(db, key, token, NINE_PARIS)).not.toBeNull();
		expect(await emailPreferenceOf(db, user.id)).toBe('never');
	});

	it('a forged, tampered, expired or foreign-key token changes nothing', async () => {
		const user = await buildUser(db, territory, territory.communeId);
		const victim = await buildUser(db, territory, territory.communeId);
		await setEmailPreference(db, victim.id, 'daily');
		const now = NINE_PARIS;
		const good = unsubscribeToken(key, user.id, now + 1000);
		const [payload, expiry, mac] = good.split('.');
		const forged = [
			'',
			'n-importe-quoi',
			`${Buffer.from(victim.id).toString('base64url')}.${expiry}.${mac}`,
			`${payload}.${(now + 10 ** 9).toString(36)}.${mac}`,
			`${payload}.${expiry}.${mac.slice(0, -2)}AA`,
			unsubscribeToken('une-autre-clé-de-trente-deux-caractères', victim.id, now + 1000)
		];
		for (const token of forged) {
			expect(await unsubscribe(db, key, token, now)).toBeNull();
		}
		expect(await unsubscribe(db, key, good, now + 1000)).toBeNull(); // expired
		expect(await emailPreferenceOf(db, victim.id)).toBe('daily');
		expect(await emailPreferenceOf(db, user.id)).toBe('immediate');
	});

	it('the signing key is generated once and kept; APP_SECRET wins', async () => {
		expect(await signingKey(db, '')).toBe(key);
		expect(key.length).toBeGreaterThanOrEqual(40);
		expect(await signingKey(db, 'x'.repeat(32))).toBe('x'.repeat(32));
	});
});
