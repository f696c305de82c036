import type { Db } from '../db';
import { decoyPasswordHash, verifyPassword } from './password';
import { createSession, generateSessionToken, type Session } from './session';
import { LoginThrottle } from './throttle';

export type LoginResult =
	| { ok: true; token: string; session: Session }
	| { ok: false; reason: 'invalid' }
	| { ok: false; reason: 'throttled'; retryAfterMs: number };

/** Checks credentials under throttling and opens a session. The caller sets the cookie. */
export async function login(
	db: Db,
	throttle: LoginThrottle,
	email: string,
	password: string,
	ip: string,
	now = Date.now()
): Promise<LoginResult> {
	const normalisedEmail = email.trim().toLowerCase();
	const retryAfterMs = throttle.retryAfterMs(normalisedEmail, ip, now);
	if (retryAfterMs > 0) return { ok: false, reason: 'throttled', retryAfterMs };

	const user = await db
		.selectFrom('app_user')
		.select(['id', 'password_hash'])
		.where('email', '=', normalisedEmail)
		.executeTakeFirst();
	// Verify against a decoy when the account does not exist, so response time does not reveal it.
	const valid = await verifyPassword(user?.password_hash ?? (await decoyPasswordHash()), password);
	if (!user || !valid) {
		throttle.recordFailure(normalisedEmail, ip, now);
		return { ok: false, reason: 'invalid' };
	}
	throttle.recordSuccess(normalisedEmail);
	const token = generateSessionToken();
	const session = await createSession(db, token, user.id, now);
	return { ok: true, token, session };
}
