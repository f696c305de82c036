// A digest's unsubscribe link: a signed token naming the user, valid without signing in. It is
// only read by the link's page; the change needs the page's button (a POST), because mail
// security scanners open every link of a message they check, and would unsubscribe everyone.
import type { Db } from '../db';
import { signToken, verifyToken } from '../signing';
import { setEmailPreference } from './preferences';

const PURPOSE = 'unsubscribe';

export function unsubscribeToken(key: string, userId: string, expiresAt: number): string {
	return signToken(key, PURPOSE, userId, expiresAt);
}

export interface UnsubscribeTarget {
	userId: string;
	displayName: string;
}

/** Whom a genuine, unexpired token names (and who still exists); null otherwise. */
export async function readUnsubscribeToken(
	db: Db,
	key: string,
	token: string,
	now = Date.now()
): Promise<UnsubscribeTarget | null> {
	const userId = verifyToken(key, PURPOSE, token, now);
	if (!userId) return null;
	const user = await db
		.selectFrom('app_user')
		.select(['id', 'display_name'])
		.where('id', '=', userId)
		.executeTakeFirst();
	return user ? { userId: user.id, displayName: user.display_name } : null;
}

/** Sets the token's user to `never`; null (nothing changed) for a forged or expired token. */
export async function unsubscribe(
	db: Db,
	key: string,
	token: string,
	now = Date.now()
): Promise<UnsubscribeTarget | null> {
	const target = await readUnsubscribeToken(db, key, token, now);
	if (target) await setEmailPreference(db, target.userId, 'never', now);
	return target;
}
