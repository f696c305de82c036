// The sender: takes due messages from the outbox and hands them to SMTP, one process or several.
// Every state lives in the outbox row, so a restart (or a crash mid-send) carries on:
// - a message is *claimed* by a conditional UPDATE (still pending, same attempt count, due) that
//   counts the attempt and pushes `next_attempt_at` past the send — a lease. Of two senders,
//   one UPDATE matches; the other moves on. A sender that dies mid-send leaves a pending row
//   whose lease expires: it is tried again (at least once, rather than maybe never).
// - a refusal sets the next attempt after a back-off, or `failed` with the error after the last
//   attempt or a permanent refusal; the admin page shows both.
// - without a transport (no SMTP_URL) pending messages become `held`: kept, never sent.
import type { Updateable } from 'kysely';
import type { Db } from '../db';
import type { EmailOutboxTable } from '../db/schema';
import { queueDigests, type DigestSettings } from './notification-mail';
import type { MailTransport } from './transport';

/** Waits after the 1st, 2nd… failed attempt; the attempt after the last wait is the last one. */
export const RETRY_DELAYS_MS: readonly number[] = [
	60_000,
	5 * 60_000,
	15 * 60_000,
	60 * 60_000,
	3 * 60 * 60_000
];
export const MAX_ATTEMPTS = RETRY_DELAYS_MS.length + 1;

export interface SenderOptions {
	/** null: no SMTP_URL, messages are held. */
	transport: MailTransport | null;
	/** The time as the sender sees it (tests move it); the poll timer itself stays real. */
	clock: () => number;
	/** One line per held message (development). */
	log: (line: string) => void;
	/** A round that failed (database unreachable…): reaches stderr whatever LOG_LEVEL says. */
	warn: (line: string) => void;
	/** Print each held message's line (development commands only: addresses stay out of production logs). */
	printHeld: boolean;
	pollMs: number;
	batchSize: number;
	/** A claimed message is left alone this long; longer than any SMTP timeout (transport.ts). */
	leaseMs: number;
	/** Daily digests (null: none, e.g. in tests of the sending itself). */
	digest: DigestSettings | null;
	digestCheckMs: number;
}

export const SENDER_DEFAULTS = Object.freeze({
	clock: () => Date.now(),
	log: (line: string) => console.log(line),
	warn: (line: string) => console.error(line),
	printHeld: false,
	pollMs: 5_000,
	batchSize: 20,
	leaseMs: 5 * 60_000,
	digest: null,
	digestCheckMs: 60_000
});

export interface RunReport {
	sent: number;
	retried: number;
	failed: number;
	held: number;
	digests: number;
}

type Row = Pick<
	EmailOutboxTable,
	'id' | 'recipient_address' | 'recipient_name' | 'subject' | 'body_text' | 'body_html'
> & { attempts: number };

export class MailSender {
	private readonly options: SenderOptions;
	private timer: ReturnType<typeof setTimeout> | null = null;
	private running: Promise<unknown> | null = null;
	private stopped = false;
	private lastDigestCheck = -Infinity;

	constructor(
		private readonly db: Db,
		options: Partial<SenderOptions> & Pick<SenderOptions, 'transport'>
	) {
		this.options = { ...SENDER_DEFAULTS, ...options };
	}

	/** Polls until stop(). */
	start(): void {
		if (this.stopped || this.timer || this.running) return;
		this.schedule(0);
	}

	private schedule(delay: number): void {
		this.timer = setTimeout(() => {
			this.timer = null;
			this.running = this.runOnce()
				// A database or transport failure costs one round, never the process.
				.catch((error) =>
					this.options.warn(`Courriels : tour d’envoi interrompu (${String(error)})`)
				)
				.finally(() => {
					this.running = null;
					if (!this.stopped) this.schedule(this.options.pollMs);
				});
		}, delay);
		this.timer.unref?.();
	}

	/** Idempotent: waits for the round in progress, then closes the transport. */
	async stop(): Promise<void> {
		if (this.stopped) return;
		this.stopped = true;
		if (this.timer) clearTimeout(this.timer);
		this.timer = null;
		await this.running;
		this.options.transport?.close();
	}

	/** One round: digests when due, then the due messages (or holding them without SMTP). */
	async runOnce(): Promise<RunReport> {
		const report: RunReport = { sent: 0, retried: 0, failed: 0, held: 0, digests: 0 };
		const now = this.options.clock();
		if (this.options.digest && now - this.lastDigestCheck >= this.options.digestCheckMs) {
			this.lastDigestCheck = now;
			report.digests = await queueDigests(this.db, this.options.digest, now);
		}
		const due = await this.db
			.selectFrom('email_outbox')
			.select([
				'id',
				'recipient_address',
				'recipient_name',
				'subject',
				'body_text',
				'body_html',
				'attempts'
			])
			.where('status', '=', 'pending')
			.where('next_attempt_at', '<=', now)
			.orderBy('next_attempt_at')
			.orderBy('id')
			.limit(this.options.batchSize)
			.execute();
		for (const row of due) {
			if (this.options.transport) {
				const outcome = await this.deliver({ ...row, attempts: Number(row.attempts) });
				if (outcome) report[outcome]++;
			} else if (await this.hold(row)) report.held++;
		}
		return report;
	}

	private async hold(row: Row): Promise<boolean> {
		const held = await this.db
			.updateTable('email_outbox')
			.set({ status: 'held', last_error: 'SMTP_URL absent : non envoyé' })
			.where('id', '=', row.id)
			.where('status', '=', 'pending')
			.executeTakeFirst();
		if (Number(held.numUpdatedRows) !== 1) return false;
		if (this.options.printHeld)
			this.options.log(
				`Courriel retenu (SMTP_URL absent) → ${row.recipient_address} : « ${row.subject} »`
			);
		return true;
	}

	private async deliver(row: Row): Promise<'sent' | 'retried' | 'failed' | null> {
		const { clock, leaseMs, transport } = this.options;
		const now = clock();
		const attempt = row.attempts + 1;
		const claim = await this.db
			.updateTable('email_outbox')
			.set({ attempts: attempt, next_attempt_at: now + leaseMs })
			.where('id', '=', row.id)
			.where('status', '=', 'pending')
			.where('attempts', '=', row.attempts)
			.where('next_attempt_at', '<=', now)
			.executeTakeFirst();
		// Another sender claimed it between our read and this update.
		if (Number(claim.numUpdatedRows) !== 1) return null;
		// Only while the claim is still ours (same attempt): a late answer never overwrites.
		const settle = (values: Updateable<EmailOutboxTable>) =>
			this.db
				.updateTable('email_outbox')
				.set(values)
				.where('id', '=', row.id)
				.where('attempts', '=', attempt)
				.where('status', '=', 'pending')
				.execute();
		try {
			await transport!.send({
				to: { address: row.recipient_address, name: row.recipient_name },
				subject: row.subject,
				text: row.body_text,
				html: row.body_html
			});
		} catch (error) {
			const at = clock();
			const message = describeError(error);
			const final = attempt >= MAX_ATTEMPTS || isPermanent(error);
			await settle(
				final
					? { status: 'failed', last_error: message }
					: { next_attempt_at: at + RETRY_DELAYS_MS[attempt - 1], last_error: message }
			);
			return final ? 'failed' : 'retried';
		}
		await settle({ status: 'sent', sent_at: clock(), last_error: null });
		return 'sent';
	}
}

/**
 * A recipient or message refused for good (5xx) will be refused again: failed at once. A 5xx to
 * the credentials is the configuration's fault, not the message's: retried, like 4xx replies and
 * connection errors, in case the administrator fixes it.
 */
function isPermanent(error: unknown): boolean {
	const e = error as { permanent?: boolean; code?: string };
	return e?.permanent === true && e.code !== 'EAUTH';
}

function describeError(error: unknown): string {
	const e = error as { message?: string; responseCode?: number; command?: string };
	const text = e?.message ?? String(error);
	const detail = e?.command && !text.includes(e.command) ? ` (${e.command})` : '';
	return `${text}${detail}`.slice(0, 1000);
}
