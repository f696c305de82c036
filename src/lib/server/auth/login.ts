import type { Db } from '../db';
import { knownDeviceFor, rememberDevice } from './known-device';
import { decoyPasswordHash, verifyPassword } from './password';
import { createSession, generateSessionToken, type Session } from './session';
import { LoginThrottle, parseClientAddress } from './throttle';

export type LoginResult =
	| {
			ok: true;
			token: string;
			session: Session;
			/** The device cookie to set: this device is now known for this account. */
			device: { token: string; expiresAt: number };
	  }
	| { ok: false; reason: 'invalid' }
	| { ok: false; reason: 'throttled'; retryAfterMs: number };

/** Checks credentials under throttling and opens a session. The caller sets the cookies. */
export async function login(
	db: Db,
	throttle: LoginThrottle,
	rawEmail: string,
	password: string,
	/** Client address (adapter-node's getClientAddress). */
	source: string,
	/** The device cookie when the browser sent one; `now` for tests. */
	{ deviceToken = null, now = Date.now() }: { deviceToken?: string | null; now?: number } = {}
): Promise<LoginResult> {
	const email = rawEmail.trim().toLowerCase();
	const knownDevice = await knownDeviceFor(db, deviceToken, email, now);
	const decision = await throttle.begin(db, { email, source, knownDevice }, now);
	if (!decision.allowed)
		return { ok: false, reason: 'throttled', retryAfterMs: decision.retryAfterMs };

	const user = await db
		.selectFrom('app_user')
		.select(['id', 'password_hash'])
		.where('email', '=', email)
		.executeTakeFirst();
	// Verify against a decoy when the account does not exist, so response time does not reveal it.
	const valid = await verifyPassword(user?.password_hash ?? (await decoyPasswordHash()), password);
	// Already counted as a failure by `begin`.
	if (!user || !valid) return { ok: false, reason: 'invalid' };
	await throttle.succeeded(db, decision.ticket);
	const token = generateSessionToken();
	const session = await createSession(db, token, user.id, now);
	const device = await rememberDevice(db, deviceToken, user.id, now);
	return { ok: true, token, session, device };
}

/** Shown when the client's address cannot be known (readClientAddress). */
export const UNKNOWN_ADDRESS_MESSAGE =
	'Adresse du client inconnue : la connexion doit passer par le serveur mandataire.';

/**
 * The address a sign-in is counted under, or why there is none. adapter-node's
 * getClientAddress throws when ADDRESS_HEADER is set and the request lacks it (or XFF_DEPTH
 * finds too few entries): the request did not come through the proxy, or the proxy does not set
 * the header. A value that is not an IP address ('garbage', 'unknown') is refused the same way
 * rather than counted: the throttle's per-source counters would be whatever the value says, and
 * a proxy that passes such values is misconfigured — better said at the first sign-in.
 */
export function readClientAddress(
	getClientAddress: () => string
): { address: string } | { address: null; problem: string } {
	let raw: string;
	try {
		raw = getClientAddress();
	} catch (cause) {
		return { address: null, problem: cause instanceof Error ? cause.message : String(cause) };
	}
	const address = parseClientAddress(raw);
	if (address) return { address };
	return { address: null, problem: `pas une adresse IP : ${JSON.stringify(raw.slice(0, 80))}` };
}

/** « Trop de tentatives… Réessayez dans 12 s » (or « 3 min »), the wait rounded up. */
export function throttledMessage(retryAfterMs: number): string {
	const seconds = Math.max(1, Math.ceil(retryAfterMs / 1000));
	const wait = seconds < 120 ? `${seconds} s` : `${Math.ceil(seconds / 60)} min`;
	return `Trop de tentatives de connexion. Réessayez dans ${wait}.`;
}
