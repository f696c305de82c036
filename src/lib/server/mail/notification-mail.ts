// Notifications into the outbox: at once for those who want it (and for messages that need an
// answer), in a daily digest for the others. A notification is e-mailed once: `emailed_at` is
// set in the transaction that queues it, and each message carries a dedupe key.
import type { Db } from '../db';
import type { EmailPreference, NotificationKind } from '../db/schema';
import { notificationHref, notificationSentence } from '../../notifications/sentences';
import { digestMail, notificationMail, type DigestItem } from './compose';
import { absoluteLink, PREFERENCES_PATH, UNSUBSCRIBE_PATH } from './links';
import { enqueue } from './outbox';
import { ACTION_KINDS } from './preferences';
import { unsubscribeToken } from './unsubscribe';

/** What a notification e-mail says, read in the transaction that stored the notification. */
interface NotificationFactsRow {
	id: string;
	userId: string;
	kind: NotificationKind;
	documentId: string | null;
	threadId: string | null;
	clubId: string | null;
	excerpt: string;
	createdAt: number;
	actorName: string | null;
	documentTitle: string | null;
	clubName: string | null;
	verdict: 'favorable' | 'reserves' | 'defavorable' | null;
}

function factsQuery(db: Db) {
	return db
		.selectFrom('notification')
		.leftJoin('app_user', 'app_user.id', 'notification.actor_id')
		.leftJoin('document', 'document.id', 'notification.document_id')
		.leftJoin('club', 'club.id', 'notification.club_id')
		.select((eb) => [
			'notification.id',
			'notification.user_id as userId',
			'notification.kind',
			'notification.document_id as documentId',
			'notification.thread_id as threadId',
			'notification.club_id as clubId',
			'notification.excerpt',
			'notification.created_at as createdAt',
			'app_user.display_name as actorName',
			'document.title as documentTitle',
			'club.name as clubName',
			// As the notifications page reads it: the club's latest avis when it was notified.
			eb
				.selectFrom('club_avis')
				.select('club_avis.verdict')
				.whereRef('club_avis.document_id', '=', 'notification.document_id')
				.whereRef('club_avis.club_id', '=', 'notification.club_id')
				.whereRef('club_avis.issued_at', '<=', 'notification.created_at')
				.orderBy('club_avis.issued_at', 'desc')
				.limit(1)
				.as('verdict')
		]);
}

function normalise(r: {
	id: string;
	userId: string;
	kind: NotificationKind;
	documentId: string | null;
	threadId: string | null;
	clubId: string | null;
	excerpt: string;
	createdAt: number | string;
	actorName: string | null;
	documentTitle: string | null;
	clubName: string | null;
	verdict: 'favorable' | 'reserves' | 'defavorable' | null;
}): NotificationFactsRow {
	return {
		...r,
		createdAt: Number(r.createdAt),
		verdict: r.kind === 'avis' ? (r.verdict ?? null) : null
	};
}

function sentenceAndLink(n: NotificationFactsRow) {
	return { sentence: notificationSentence(n), link: absoluteLink(notificationHref(n)) };
}

/**
 * Queues the e-mails of notifications just stored (notify() calls it in its transaction): one per
 * notification whose recipient wants them at once, or that asks for an answer. Returns how many
 * were queued.
 */
export async function queueNotificationEmails(
	db: Db,
	notificationIds: string[],
	now = Date.now()
): Promise<number> {
	if (notificationIds.length === 0) return 0;
	const rows = (await factsQuery(db).where('notification.id', 'in', notificationIds).execute()).map(
		normalise
	);
	const recipients = await db
		.selectFrom('app_user')
		.leftJoin('notification_preference', 'notification_preference.user_id', 'app_user.id')
		.select([
			'app_user.id',
			'app_user.email as address',
			'app_user.display_name as name',
			'notification_preference.email as preference'
		])
		.where('app_user.id', 'in', [...new Set(rows.map((r) => r.userId))])
		.execute();
	const byId = new Map(recipients.map((r) => [r.id, r]));
	const queued: string[] = [];
	for (const n of rows) {
		const recipient = byId.get(n.userId);
		if (!recipient) continue;
		const preference: EmailPreference = recipient.preference ?? 'immediate';
		const action = ACTION_KINDS.has(n.kind);
		if (!action && preference !== 'immediate') continue;
		const { sentence, link } = sentenceAndLink(n);
		const mail = notificationMail({
			recipientName: recipient.name,
			sentence,
			excerpt: n.excerpt,
			link,
			preferencesLink: absoluteLink(PREFERENCES_PATH),
			reason: preference === 'immediate' ? 'immediate' : 'action'
		});
		await enqueue(
			db,
			{
				to: { address: recipient.address, name: recipient.name },
				userId: recipient.id,
				kind: n.kind,
				...mail,
				dedupeKey: `notification:${n.id}`
			},
			now
		);
		queued.push(n.id);
	}
	if (queued.length)
		await db
			.updateTable('notification')
			.set({ emailed_at: now })
			.where('id', 'in', queued)
			.where('emailed_at', 'is', null)
			.execute();
	return queued.length;
}

/** At most this many notifications are written out in one digest; the rest are counted. */
export const DIGEST_MAX_ITEMS = 30;
/** A signed unsubscribe link stays valid this long (digests are kept in mailboxes). */
export const UNSUBSCRIBE_LINK_TTL_MS = 90 * 86_400_000;

const localParts = new Map<string, Intl.DateTimeFormat>();

/** The calendar day (YYYY-MM-DD) and hour of an instant in a time zone. */
export function localDayAndHour(ms: number, timeZone: string): { day: string; hour: number } {
	let format = localParts.get(timeZone);
	if (!format) {
		format = new Intl.DateTimeFormat('en-CA', {
			timeZone,
			year: 'numeric',
			month: '2-digit',
			day: '2-digit',
			hour: '2-digit',
			hourCycle: 'h23'
		});
		localParts.set(timeZone, format);
	}
	const parts = Object.fromEntries(
		format.formatToParts(new Date(ms)).map((p) => [p.type, p.value])
	);
	return { day: `${parts.year}-${parts.month}-${parts.day}`, hour: Number(parts.hour) };
}

const dayLabels = new Map<string, Intl.DateTimeFormat>();
function dayLabel(ms: number, timeZone: string): string {
	let format = dayLabels.get(timeZone);
	if (!format) {
		format = new Intl.DateTimeFormat('fr-FR', { dateStyle: 'long', timeZone });
		dayLabels.set(timeZone, format);
	}
	return format.format(new Date(ms));
}

export interface DigestSettings {
	/** From this hour of the recipient's territory's day, its digest is due. */
	hour: number;
	/** The key that signs unsubscribe links (signing.ts). */
	signingKey: string;
}

/**
 * Queues today's digest of every `daily` user who has notifications not yet e-mailed, once the
 * digest hour has passed in their territory. Idempotent per user and day (dedupe key
 * `digest:<user>:<day>`): run it as often as you like, from as many processes as you like.
 * Returns how many digests were queued.
 */
export async function queueDigests(db: Db, settings: DigestSettings, now: number): Promise<number> {
	const due = await db
		.selectFrom('notification_preference')
		.innerJoin('app_user', 'app_user.id', 'notification_preference.user_id')
		.innerJoin('organisation', 'organisation.id', 'app_user.organisation_id')
		.innerJoin('territory', 'territory.id', 'organisation.territory_id')
		.select([
			'app_user.id',
			'app_user.email as address',
			'app_user.display_name as name',
			'territory.time_zone as timeZone'
		])
		.where('notification_preference.email', '=', 'daily')
		.where((eb) =>
			eb.exists(
				eb
					.selectFrom('notification')
					.select('notification.id')
					.whereRef('notification.user_id', '=', 'app_user.id')
					.where('notification.emailed_at', 'is', null)
					.where('notification.created_at', '<=', now)
			)
		)
		.execute();
	let queued = 0;
	for (const user of due) {
		const { day, hour } = localDayAndHour(now, user.timeZone);
		if (hour < settings.hour) continue;
		const dedupeKey = `digest:${user.id}:${day}`;
		const already = await db
			.selectFrom('email_outbox')
			.select('id')
			.where('dedupe_key', '=', dedupeKey)
			.executeTakeFirst();
		// Today's went out already: what came after waits for tomorrow's.
		if (already) continue;
		const done = await db.transaction().execute(async (trx) => {
			const notifications = (
				await factsQuery(trx)
					.where('notification.user_id', '=', user.id)
					.where('notification.emailed_at', 'is', null)
					.where('notification.created_at', '<=', now)
					.orderBy('notification.created_at', 'desc')
					.orderBy('notification.id', 'desc')
					.execute()
			).map(normalise);
			if (notifications.length === 0) return false;
			const items: DigestItem[] = notifications.slice(0, DIGEST_MAX_ITEMS).map((n) => ({
				...sentenceAndLink(n),
				excerpt: n.excerpt,
				createdAt: n.createdAt
			}));
			const token = unsubscribeToken(settings.signingKey, user.id, now + UNSUBSCRIBE_LINK_TTL_MS);
			const mail = digestMail({
				recipientName: user.name,
				items,
				more: notifications.length - items.length,
				dayLabel: dayLabel(now, user.timeZone),
				timeZone: user.timeZone,
				notificationsLink: absoluteLink('/notifications'),
				preferencesLink: absoluteLink(PREFERENCES_PATH),
				unsubscribeLink: absoluteLink(`${UNSUBSCRIBE_PATH}?jeton=${encodeURIComponent(token)}`)
			});
			const id = await enqueue(
				trx,
				{
					to: { address: user.address, name: user.name },
					userId: user.id,
					kind: 'digest',
					...mail,
					dedupeKey
				},
				now
			);
			// Another process queued today's digest first: leave its notifications to it.
			if (!id) return false;
			await trx
				.updateTable('notification')
				.set({ emailed_at: now })
				.where(
					'id',
					'in',
					notifications.map((n) => n.id)
				)
				.where('emailed_at', 'is', null)
				.execute();
			return true;
		});
		if (done) queued++;
	}
	return queued;
}
