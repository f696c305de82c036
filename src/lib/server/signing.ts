// Signed, expiring tokens for links that work without a session (a digest's unsubscribe link;
// later, personal links for recipients without an account). The key is APP_SECRET, or a random
// one generated on first start and kept in the database, so that every process of the instance
// (and every restart) verifies what another signed.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Db } from './db';

const SECRET_NAME = 'signing-key';

/** The configured key, else the stored one, generated on first call (two processes agree). */
export async function signingKey(db: Db, configured: string): Promise<string> {
	if (configured) return configured;
	const stored = await readKey(db);
	if (stored) return stored;
	await db
		.insertInto('app_secret')
		.values({
			name: SECRET_NAME,
			value: randomBytes(32).toString('base64url'),
			created_at: Date.now()
		})
		// Another process may have stored one meanwhile: keep that one, read it back below.
		.onConflict((oc) => oc.column('name').doNothing())
		.execute();
	const key = await readKey(db);
	if (!key) throw new Error('signing key could not be stored');
	return key;
}

async function readKey(db: Db): Promise<string | null> {
	const row = await db
		.selectFrom('app_secret')
		.select('value')
		.where('name', '=', SECRET_NAME)
		.executeTakeFirst();
	return row?.value ?? null;
}

function mac(key: string, purpose: string, payload: string, expiresAt: number): Buffer {
	// The purpose is signed too: a token made for one use is worth nothing for another.
	return createHmac('sha256', key).update(`${purpose}\n${payload}\n${expiresAt}`).digest();
}

/** `payload.expiry.mac`, URL-safe. */
export function signToken(
	key: string,
	purpose: string,
	payload: string,
	expiresAt: number
): string {
	const encoded = Buffer.from(payload, 'utf8').toString('base64url');
	return `${encoded}.${expiresAt.toString(36)}.${mac(key, purpose, payload, expiresAt).toString('base64url')}`;
}

/** The payload of a genuine, unexpired token for `purpose`; null for anything else. */
export function verifyToken(
	key: string,
	purpose: string,
	token: string,
	now: number
): string | null {
	const parts = token.split('.');
	if (parts.length !== 3 || token.length > 1000) return null;
	const [encoded, expiry, signature] = parts;
	if (!/^[0-9a-z]{1,12}$/.test(expiry) || !/^[A-Za-z0-9_-]+$/.test(signature)) return null;
	const expiresAt = parseInt(expiry, 36);
	const payload = Buffer.from(encoded, 'base64url').toString('utf8');
	const expected = mac(key, purpose, payload, expiresAt);
	const given = Buffer.from(signature, 'base64url');
	if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
	return now < expiresAt ? payload : null;
}
