// The outbox's sender against a real SMTP server started here (`smtp-server`): a notification's
// e-mail arrives with its recipient, French subject, text and HTML parts and link; refusals are
// retried with back-off (injected clock) then failed with the error visible; a message is sent
// once by two senders on two connections; without SMTP messages are held, one line each.
import { beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../../src/lib/server/db';
import {
	enqueue,
	MailSender,
	MAX_ATTEMPTS,
	RETRY_DELAYS_MS,
	setPublicOrigin,
	smtpTransport,
	type MailTransport
} from '../../src/lib/server/mail';
import { notify } from '../../src/lib/server/notifications';
import { onCleanup } from '../helpers/cleanup';
import { freshDb } from '../helpers/db';
import { buildDocument, buildTerritory, buildUser, type TestTerritory } from '../helpers/factories';
import { startSmtpServer } from '../helpers/mail';

const ORIGIN = 'https://assemblier.agglo-test.fr';
const FROM = 'Assemblier <ne-pas-repondre@agglo-test.fr>';

let db: Db;
let url: string;
let territory: TestTerritory;

beforeAll(async () => {
	({ db, url } = await freshDb());
	territory = await buildTerritory(db);
	setPublicOrigin(ORIGIN);
	onCleanup(() => setPublicOrigin(null));
});

const outboxRow = (id: string) =>
	db.selectFrom('email_outbox').selectAll().where('id', '=', id).executeTakeFirstOrThrow();

async function queueOne(address = 'destinataire@test.example'): Promise<string> {
	const id = await enqueue(db, {
		to: { address, name: 'Isabelle Moreau' },
		kind: 'test',
		subject: 'Un essai',
		text: 'Bonjour',
		html: '<p>Bonjour</p>'
	});
	return id!;
}

/** Nothing else due: each test sends only what it queued. */
async function clearPending() {
	await db
		.updateTable('email_outbox')
		.set({ status: 'held' })
		.where('status', '=', 'pending')
		.execute();
}

describe('delivery through SMTP', () => {
	it('a notification reaches the SMTP server: recipient, French subject, text and HTML with the link', async () => {
		await clearPending();
		const smtp = await startSmtpServer();
		const actor = await buildUser(db, territory, territory.epciId, { name: 'Julien Roux' });
		const recipient = await buildUser(db, territory, territory.communeId, {
			name: 'Isabelle Moreau'
		});
		const documentId = await buildDocument(db, actor, [[recipient, 'editor']]);
		await db
			.updateTable('document')
			.set({ title: 'Position commune RGPD' })
			.where('id', '=', documentId)
			.execute();
		await notify(db, [recipient.id], {
			kind: 'mention',
			actorId: actor.id,
			documentId,
			excerpt: '@Isabelle Moreau pouvez-vous relire l’article 3 ?'
		});
		const notification = await db
			.selectFrom('notification')
			.select(['id', 'emailed_at'])
			.where('user_id', '=', recipient.id)
			.executeTakeFirstOrThrow();
		expect(notification.emailed_at).not.toBeNull();

		const sender = new MailSender(db, { transport: smtpTransport(smtp.url, FROM) });
		onCleanup(() => sender.stop());
		expect(await sender.runOnce()).toMatchObject({ sent: 1, failed: 0, retried: 0 });

		expect(smtp.received).toHaveLength(1);
		const mail = smtp.received[0];
		const link = `${ORIGIN}/documents/${documentId}`;
		expect(mail.envelopeTo).toEqual([recipient.email]);
		expect(mail.to).toContain(recipient.email);
		expect(mail.from).toContain('ne-pas-repondre@agglo-test.fr');
		expect(mail.subject).toBe(
			'Julien Roux vous a mentionné dans un commentaire sur « Position commune RGPD »'
		);
		expect(mail.text).toContain('Bonjour Isabelle Moreau,');
		expect(mail.text).toContain('« @Isabelle Moreau pouvez-vous relire l’article 3 ? »');
		expect(mail.text).toContain(`Ouvrir : ${link}`);
		expect(mail.text).toContain(`${ORIGIN}/notifications/preferences`);
		expect(mail.html).toContain('<html lang="fr">');
		expect(mail.html).toContain(`href="${link}"`);
		expect(mail.html).toContain('Position commune RGPD');

		const row = await db
			.selectFrom('email_outbox')
			.selectAll()
			.where('dedupe_key', '=', `notification:${notification.id}`)
			.executeTakeFirstOrThrow();
		expect(row).toMatchObject({ status: 'sent', attempts: 1, last_error: null });
		expect(row.sent_at).not.toBeNull();
		// Sent once: another round finds nothing to do.
		expect(await sender.runOnce()).toMatchObject({ sent: 0 });
		expect(smtp.received).toHaveLength(1);
	});

	it('HTML escapes what users wrote', async () => {
		await clearPending();
		const smtp = await startSmtpServer();
		const actor = await buildUser(db, territory, territory.epciId, { name: '<b>Pirate</b>' });
		const recipient = await buildUser(db, territory, territory.communeId);
		await notify(db, [recipient.id], {
			kind: 'mention',
			actorId: actor.id,
			excerpt: '<script>alert(1)</script>'
		});
		const sender = new MailSender(db, { transport: smtpTransport(smtp.url, FROM) });
		onCleanup(() => sender.stop());
		await sender.runOnce();
		expect(smtp.received).toHaveLength(1);
		expect(smtp.received[0].html).not.toContain('<script>');
		expect(smtp.received[0].html).toContain('&lt;script&gt;');
		expect(smtp.received[0].html).toContain('&lt;b&gt;Pirate&lt;/b&gt;');
	});
});

describe('refusals', () => {
	it('a 4xx is retried after 1, 5, 15, 60, 180 min, then failed with the error visible', async () => {
		await clearPending();
		const smtp = await startSmtpServer();
		smtp.refuseWith = { code: 451, message: 'Boîte saturée, réessayez plus tard' };
		let now = Date.UTC(2026, 10, 27, 9, 0);
		const id = await queueOne();
		await db
			.updateTable('email_outbox')
			.set({ next_attempt_at: now })
			.where('id', '=', id)
			.execute();
		const sender = new MailSender(db, {
			transport: smtpTransport(smtp.url, FROM),
			clock: () => now
		});
		onCleanup(() => sender.stop());

		for (let attempt = 1; attempt < MAX_ATTEMPTS; attempt++) {
			expect(await sender.runOnce()).toMatchObject({ retried: 1, sent: 0, failed: 0 });
			const row = await outboxRow(id);
			expect(row.status).toBe('pending');
			expect(row.attempts).toBe(attempt);
			expect(Number(row.next_attempt_at) - now).toBe(RETRY_DELAYS_MS[attempt - 1]);
			expect(row.last_error).toContain('451');
			// Not before its time.
			now += RETRY_DELAYS_MS[attempt - 1] - 1;
			expect(await sender.runOnce()).toMatchObject({ retried: 0 });
			now += 1;
		}
		expect(await sender.runOnce()).toMatchObject({ failed: 1 });
		const row = await outboxRow(id);
		expect(row.status).toBe('failed');
		expect(row.attempts).toBe(MAX_ATTEMPTS);
		expect(row.last_error).toMatch(/451.*Boîte saturée/);
		expect(smtp.received).toHaveLength(0);
		// Failed is final.
		now += 24 * 3_600_000;
		expect(await sender.runOnce()).toMatchObject({ sent: 0, retried: 0, failed: 0 });
	});

	it('a recipient refused for good (5xx) fails at once', async () => {
		await clearPending();
		const smtp = await startSmtpServer();
		smtp.refuseWith = { code: 550, message: 'Adresse inconnue' };
		const id = await queueOne('inconnu@test.example');
		const sender = new MailSender(db, { transport: smtpTransport(smtp.url, FROM) });
		onCleanup(() => sender.stop());
		expect(await sender.runOnce()).toMatchObject({ failed: 1 });
		const row = await outboxRow(id);
		expect(row).toMatchObject({ status: 'failed', attempts: 1 });
		expect(row.last_error).toMatch(/550.*Adresse inconnue/);
	});

	it('a round that fails (database gone) is reported, and the loop goes on', async () => {
		const broken = {
			selectFrom() {
				throw new Error('base de données injoignable');
			}
		} as unknown as Db;
		const warnings: string[] = [];
		const sender = new MailSender(broken, {
			transport: null,
			warn: (line) => warnings.push(line),
			pollMs: 10
		});
		sender.start();
		await expect.poll(() => warnings.length, { timeout: 5_000 }).toBeGreaterThanOrEqual(2);
		await sender.stop();
		expect(warnings[0]).toBe(
			'Courriels : tour d’envoi interrompu (Error: base de données injoignable)'
		);
	});

	it('an unreachable server is retried, and the loop itself never throws', async () => {
		await clearPending();
		const smtp = await startSmtpServer();
		await smtp.close();
		const id = await queueOne();
		const logged: string[] = [];
		const sender = new MailSender(db, {
			transport: smtpTransport(smtp.url, FROM),
			log: (line) => logged.push(line),
			pollMs: 10
		});
		sender.start();
		await expect.poll(async () => (await outboxRow(id)).attempts, { timeout: 10_000 }).toBe(1);
		await sender.stop();
		const row = await outboxRow(id);
		expect(row.status).toBe('pending');
		expect(row.last_error).toMatch(/ECONNREFUSED|connect/i);
	});

	it('a message whose sender died mid-send is tried again once its lease expires', async () => {
		await clearPending();
		let now = Date.UTC(2026, 10, 27, 9, 0);
		const id = await queueOne();
		// As a crashed sender leaves it: claimed (attempt counted, lease set), never settled.
		await db
			.updateTable('email_outbox')
			.set({ attempts: 1, next_attempt_at: now + 5 * 60_000 })
			.where('id', '=', id)
			.execute();
		const sent: string[] = [];
		const transport: MailTransport = {
			send: async (mail) => void sent.push(mail.to.address),
			close: () => {}
		};
		const sender = new MailSender(db, { transport, clock: () => now });
		expect(await sender.runOnce()).toMatchObject({ sent: 0 });
		now += 5 * 60_000;
		expect(await sender.runOnce()).toMatchObject({ sent: 1 });
		expect(await outboxRow(id)).toMatchObject({ status: 'sent', attempts: 2 });
	});
});

describe('two senders', () => {
	it('each message is sent once, by whichever claims it first', async () => {
		await clearPending();
		// A second connection to the same database, as a second process would have.
		const other = openDatabase(url);
		onCleanup(() => other.destroy());
		const ids = await Promise.all(
			Array.from({ length: 8 }, (_, i) => queueOne(`n${i}@test.example`))
		);
		const sent: string[] = [];
		const slowTransport = (): MailTransport => ({
			async send(mail) {
				await new Promise((resolve) => setTimeout(resolve, 5));
				sent.push(mail.to.address);
			},
			close: () => {}
		});
		const a = new MailSender(db, { transport: slowTransport() });
		const b = new MailSender(other, { transport: slowTransport() });
		const [ra, rb] = await Promise.all([a.runOnce(), b.runOnce()]);
		expect(ra.sent + rb.sent).toBe(8);
		expect(sent.sort()).toEqual(ids.map((_, i) => `n${i}@test.example`).sort());
		for (const id of ids)
			expect(await outboxRow(id)).toMatchObject({ status: 'sent', attempts: 1 });
	});
});

describe('without SMTP_URL', () => {
	it('messages are held, never sent, and printed one concise line each when asked', async () => {
		await clearPending();
		const id = await queueOne('claire.martin@test.example');
		const lines: string[] = [];
		const sender = new MailSender(db, {
			transport: null,
			printHeld: true,
			log: (line) => lines.push(line)
		});
		const second = new MailSender(db, {
			transport: null,
			printHeld: true,
			log: (l) => lines.push(l)
		});
		const [r1, r2] = await Promise.all([sender.runOnce(), second.runOnce()]);
		expect(r1.held + r2.held).toBe(1);
		expect(lines).toEqual([
			'Courriel retenu (SMTP_URL absent) → claire.martin@test.example : « Un essai »'
		]);
		expect(await outboxRow(id)).toMatchObject({ status: 'held', attempts: 0 });
		expect(await sender.runOnce()).toMatchObject({ held: 0 });
	});
});
