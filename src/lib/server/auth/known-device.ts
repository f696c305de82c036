// Devices on which someone has signed in before (OWASP's "device cookies"): after a successful
// sign-in the browser gets a long-lived random token (HttpOnly cookie); the database keeps only
// its SHA-256, with the user it was earned for. On that device, for that account, failed
// attempts are counted against the device alone (auth/throttle.ts), so an attacker guessing the
// account's password from elsewhere — or from the same network — cannot slow or block its owner.
// One device may be known for several users (a shared computer in a mairie). The token is
// replaced at every successful sign-in, its rows carried over, so a token planted in a browser
// before someone signs in there is worth nothing afterwards.
import { sha256 } from '@oslojs/crypto/sha2';
import { encodeBase64url, encodeHexLowerCase } from '@oslojs/encoding';
import type { Db } from '../db';

const DAY = 24 * 60 * 60 * 1000;
export const KNOWN_DEVICE_DEFAULTS = {
	/** A device not used to sign in for this long is forgotten. */
	lifetimeMs: 180 * DAY,
	/** Devices remembered per user (the most recently used): a bound on the table. */
	maxPerUser: 20
};

/** The table, declared here rather than in db/schema.ts (migration 0009). */
export type KnownDeviceTables = {
	known_device: {
		token_hash: string;
		user_id: string;
		created_at: number;
		last_used_at: number;
		expires_at: number;
	};
};

function devices(db: Db) {
	return db.withTables<KnownDeviceTables>();
}

export function hashDeviceToken(token: string): string {
	return encodeHexLowerCase(sha256(new TextEncoder().encode(token)));
}

function generateDeviceToken(): string {
	const bytes = new Uint8Array(32);
	crypto.getRandomValues(bytes);
	return encodeBase64url(bytes);
}

/**
 * The device's id (the hash of its token) when this token was earned by signing in to the
 * account of this e-mail and has not expired; else null. Says nothing about whether the account
 * exists: a valid token for an unknown account cannot be.
 */
export async function knownDeviceFor(
	db: Db,
	token: string | null,
	email: string,
	now = Date.now()
): Promise<string | null> {
	if (!token || token.length > 100) return null;
	const tokenHash = hashDeviceToken(token);
	const row = await devices(db)
		.selectFrom('known_device')
		.innerJoin('app_user', 'app_user.id', 'known_device.user_id')
		.select('known_device.token_hash')
		.where('known_device.token_hash', '=', tokenHash)
		.where('app_user.email', '=', email)
		.where('known_device.expires_at', '>', now)
		.executeTakeFirst();
	return row ? tokenHash : null;
}

/**
 * After a successful sign-in: a new token for this device, known for this user and for the users
 * its previous token was known for. The caller sets it as the device cookie.
 */
export async function rememberDevice(
	db: Db,
	previousToken: string | null,
	userId: string,
	now = Date.now(),
	options = KNOWN_DEVICE_DEFAULTS
): Promise<{ token: string; expiresAt: number }> {
	const token = generateDeviceToken();
	const tokenHash = hashDeviceToken(token);
	const expiresAt = now + options.lifetimeMs;
	await devices(db)
		.transaction()
		.execute(async (tx) => {
			if (previousToken && previousToken.length <= 100)
				await tx
					.updateTable('known_device')
					.set({ token_hash: tokenHash })
					.where('token_hash', '=', hashDeviceToken(previousToken))
					.where('expires_at', '>', now)
					.execute();
			await tx
				.insertInto('known_device')
				.values({
					token_hash: tokenHash,
					user_id: userId,
					created_at: now,
					last_used_at: now,
					expires_at: expiresAt
				})
				.onConflict((oc) =>
					oc
						.columns(['token_hash', 'user_id'])
						.doUpdateSet({ last_used_at: now, expires_at: expiresAt })
				)
				.execute();
			// Keep the user's most recently used devices only.
			const keep = await tx
				.selectFrom('known_device')
				.select('token_hash')
				.where('user_id', '=', userId)
				.orderBy('last_used_at', 'desc')
				.orderBy('token_hash')
				.limit(options.maxPerUser)
				.execute();
			await tx
				.deleteFrom('known_device')
				.where('user_id', '=', userId)
				.where(
					'token_hash',
					'not in',
					keep.map((row) => row.token_hash)
				)
				.execute();
		});
	return { token, expiresAt };
}

export async function deleteExpiredDevices(db: Db, now = Date.now()): Promise<void> {
	await devices(db).deleteFrom('known_device').where('expires_at', '<=', now).execute();
}
