// The outbox: every e-mail the application sends is a row here first, written in the
// transaction of what it tells of; the sender (sender.ts) takes it from there.
import type { Db } from '../db';
import type { OutboxStatus } from '../db/schema';
import { newId } from '../ids';

export interface OutgoingMessage {
	to: { address: string; name?: string };
	/** Who it is for, when an account (null: someone without one). */
	userId?: string | null;
	/** What it is: a notification kind, 'digest', later 'publication', 'password_reset'… */
	kind: string;
	subject: string;
	text: string;
	html: string;
	/** One message per key, ever: a second enqueue with the same key is ignored. */
	dedupeKey?: string | null;
}

/**
 * Queues one message (inside the caller's transaction when given one). Returns its id, or null
 * when a message with the same dedupe key is already queued.
 */
export async function enqueue(
	db: Db,
	message: OutgoingMessage,
	now = Date.now()
): Promise<string | null> {
	const id = newId();
	const inserted = await db
		.insertInto('email_outbox')
		.values({
			id,
			recipient_address: message.to.address,
			recipient_name: message.to.name ?? '',
			user_id: message.userId ?? null,
			kind: message.kind,
			subject: message.subject,
			body_text: message.text,
			body_html: message.html,
			status: 'pending',
			attempts: 0,
			next_attempt_at: now,
			last_error: null,
			dedupe_key: message.dedupeKey ?? null,
			created_at: now,
			sent_at: null
		})
		.onConflict((oc) => oc.column('dedupe_key').doNothing())
		.returning('id')
		.executeTakeFirst();
	return inserted ? inserted.id : null;
}

export const OUTBOX_PAGE_SIZE = 50;

export interface OutboxEntry {
	id: string;
	recipientAddress: string;
	recipientName: string;
	kind: string;
	subject: string;
	status: OutboxStatus;
	attempts: number;
	nextAttemptAt: number;
	lastError: string | null;
	createdAt: number;
	sentAt: number | null;
}

export interface OutboxPage {
	items: OutboxEntry[];
	counts: Record<OutboxStatus, number>;
	page: number;
	pageCount: number;
}

/** The outbox for the administrator, newest first. */
export async function listOutbox(db: Db, page = 1): Promise<OutboxPage> {
	const countRows = await db
		.selectFrom('email_outbox')
		.select((eb) => ['status', eb.fn.countAll<number | string>().as('n')])
		.groupBy('status')
		.execute();
	const counts: Record<OutboxStatus, number> = { pending: 0, sent: 0, failed: 0, held: 0 };
	for (const row of countRows) counts[row.status] = Number(row.n);
	const total = Object.values(counts).reduce((a, b) => a + b, 0);
	const pageCount = Math.max(1, Math.ceil(total / OUTBOX_PAGE_SIZE));
	const current = Math.min(Math.max(1, Math.floor(page) || 1), pageCount);
	const rows = await db
		.selectFrom('email_outbox')
		.select([
			'id',
			'recipient_address',
			'recipient_name',
			'kind',
			'subject',
			'status',
			'attempts',
			'next_attempt_at',
			'last_error',
			'created_at',
			'sent_at'
		])
		.orderBy('created_at', 'desc')
		.orderBy('id', 'desc')
		.limit(OUTBOX_PAGE_SIZE)
		.offset((current - 1) * OUTBOX_PAGE_SIZE)
		.execute();
	return {
		items: rows.map((r) => ({
			id: r.id,
			recipientAddress: r.recipient_address,
			recipientName: r.recipient_name,
			kind: r.kind,
			subject: r.subject,
			status: r.status,
			attempts: Number(r.attempts),
			nextAttemptAt: Number(r.next_attempt_at),
			lastError: r.last_error,
			createdAt: Number(r.created_at),
			sentAt: r.sent_at === null ? null : Number(r.sent_at)
		})),
		counts,
		page: current,
		pageCount
	};
}
