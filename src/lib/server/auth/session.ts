// The Lucia session pattern (as the SvelteKit CLI's lucia add-on generated it), plus an
// absolute lifetime cap (OWASP ASVS 7.3.2): the cookie holds a random token, the database only
// its SHA-256, so a leaked database cannot be replayed as cookies.
import { sha256 } from '@oslojs/crypto/sha2';
import { encodeBase64url, encodeHexLowerCase } from '@oslojs/encoding';
import type { Db } from '../db';
import type { TerritoryRole } from '../db/schema';
import { deleteExpiredDevices } from './known-device';
import { deleteExpiredThrottleCounters } from './throttle';

const DAY = 24 * 60 * 60 * 1000;
export const SESSION_DEFAULTS = {
	/** Sliding expiry: every use renews up to this far ahead. */
	idleLifetimeMs: 30 * DAY,
	/** Renew only when less than this remains, to avoid a write on every request. */
	renewWhenBelowMs: 15 * DAY,
	/** Hard cap from sign-in, whatever the activity. */
	absoluteLifetimeMs: 90 * DAY
};
type SessionOptions = typeof SESSION_DEFAULTS;

export interface Session {
	id: string;
	userId: string;
	createdAt: number;
	expiresAt: number;
}

export interface SessionUser {
	id: string;
	email: string;
	displayName: string;
	jobTitle: string;
	territoryRole: TerritoryRole;
	organisationId: string;
	organisationName: string;
	organisationKind: 'epci' | 'commune';
	territoryId: string;
}

export type SessionValidation =
	{ session: Session; user: SessionUser } | { session: null; user: null };

export function generateSessionToken(): string {
	const bytes = new Uint8Array(18);
	crypto.getRandomValues(bytes);
	return encodeBase64url(bytes);
}

export function sessionIdFromToken(token: string): string {
	return encodeHexLowerCase(sha256(new TextEncoder().encode(token)));
}

export async function createSession(
	db: Db,
	token: string,
	userId: string,
	now = Date.now(),
	options: SessionOptions = SESSION_DEFAULTS
): Promise<Session> {
	const session: Session = {
		id: sessionIdFromToken(token),
		userId,
		createdAt: now,
		expiresAt: now + options.idleLifetimeMs
	};
	await db
		.insertInto('session')
		.values({ id: session.id, user_id: userId, created_at: now, expires_at: session.expiresAt })
		.execute();
	return session;
}

export async function validateSessionToken(
	db: Db,
	token: string,
	now = Date.now(),
	options: SessionOptions = SESSION_DEFAULTS
): Promise<SessionValidation> {
	const sessionId = sessionIdFromToken(token);
	const row = await db
		.selectFrom('session')
		.innerJoin('app_user', 'app_user.id', 'session.user_id')
		.innerJoin('organisation', 'organisation.id', 'app_user.organisation_id')
		.select([
			'session.id as sessionId',
			'session.created_at as createdAt',
			'session.expires_at as expiresAt',
			'app_user.id as userId',
			'app_user.email',
			'app_user.display_name as displayName',
			'app_user.job_title as jobTitle',
			'app_user.territory_role as territoryRole',
			'organisation.id as organisationId',
			'organisation.name as organisationName',
			'organisation.kind as organisationKind',
			'organisation.territory_id as territoryId'
		])
		.where('session.id', '=', sessionId)
		.executeTakeFirst();
	if (!row) return { session: null, user: null };

	const createdAt = Number(row.createdAt);
	let expiresAt = Number(row.expiresAt);
	const hardLimit = createdAt + options.absoluteLifetimeMs;
	if (now >= expiresAt || now >= hardLimit) {
		await invalidateSession(db, sessionId);
		return { session: null, user: null };
	}
	if (expiresAt - now < options.renewWhenBelowMs) {
		expiresAt = Math.min(now + options.idleLifetimeMs, hardLimit);
		await db
			.updateTable('session')
			.set({ expires_at: expiresAt })
			.where('id', '=', sessionId)
			.execute();
	}
	return {
		session: { id: sessionId, userId: row.userId, createdAt, expiresAt },
		user: {
			id: row.userId,
			email: row.email,
			displayName: row.displayName,
			jobTitle: row.jobTitle,
			territoryRole: row.territoryRole,
			organisationId: row.organisationId,
			organisationName: row.organisationName,
			organisationKind: row.organisationKind,
			territoryId: row.territoryId
		}
	};
}

export async function invalidateSession(db: Db, sessionId: string): Promise<void> {
	await db.deleteFrom('session').where('id', '=', sessionId).execute();
}

/**
 * Expired sessions are otherwise deleted only when their token is presented again. Called at
 * start-up (server/services.ts), it also deletes the other expired sign-in state: forgotten
 * login counters and known devices (migration 0009).
 */
export async function deleteExpiredSessions(db: Db, now = Date.now()): Promise<void> {
	await db.deleteFrom('session').where('expires_at', '<=', now).execute();
	await deleteExpiredThrottleCounters(db, now);
	await deleteExpiredDevices(db, now);
}

/** When a session ends if nothing renews it: its sliding expiry, capped by its absolute lifetime. */
export function sessionEnd(
	session: Pick<Session, 'createdAt' | 'expiresAt'>,
	options: SessionOptions = SESSION_DEFAULTS
): number {
	return Math.min(session.expiresAt, session.createdAt + options.absoluteLifetimeMs);
}

/**
 * sessionEnd as stored now (a page load may have renewed it), for many sessions at once;
 * sessions that are gone are absent. Open collaboration sockets are checked against it.
 */
export async function storedSessionEnds(
	db: Db,
	sessionIds: string[],
	options: SessionOptions = SESSION_DEFAULTS
): Promise<Map<string, number>> {
	const ends = new Map<string, number>();
	for (let i = 0; i < sessionIds.length; i += 500) {
		const rows = await db
			.selectFrom('session')
			.select(['id', 'created_at', 'expires_at'])
			.where('id', 'in', sessionIds.slice(i, i + 500))
			.execute();
		for (const row of rows)
			ends.set(
				row.id,
				sessionEnd(
					{ createdAt: Number(row.created_at), expiresAt: Number(row.expires_at) },
					options
				)
			);
	}
	return ends;
}
