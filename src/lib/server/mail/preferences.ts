// Each user chooses how notifications reach them by e-mail: at once, in one daily digest, or
// never. Messages a person needs in order to act ignore the choice.
import type { Db } from '../db';
import type { EmailPreference } from '../db/schema';

export const EMAIL_PREFERENCES: readonly EmailPreference[] = ['immediate', 'daily', 'never'];

export function isEmailPreference(value: unknown): value is EmailPreference {
	return EMAIL_PREFERENCES.includes(value as EmailPreference);
}

/**
 * Kinds sent at once whatever the preference: someone waits on the recipient (an access or club
 * request to answer), or the recipient cannot act without it. Later parts add theirs here
 * ('document_sent', 'invitation', 'password_reset', a consultation to answer…).
 */
export const ACTION_KINDS: ReadonlySet<string> = new Set([
	'access_request',
	'club_join_request',
	// Consulted: the deadline runs whether or not they read their mail.
	'consultation_opened',
	'document_sent',
	'invitation',
	'password_reset'
]);

export async function emailPreferenceOf(db: Db, userId: string): Promise<EmailPreference> {
	const row = await db
		.selectFrom('notification_preference')
		.select('email')
		.where('user_id', '=', userId)
		.executeTakeFirst();
	return row?.email ?? 'immediate';
}

export async function setEmailPreference(
	db: Db,
	userId: string,
	preference: EmailPreference,
	now = Date.now()
): Promise<void> {
	await db
		.insertInto('notification_preference')
		.values({ user_id: userId, email: preference, updated_at: now })
		.onConflict((oc) => oc.column('user_id').doUpdateSet({ email: preference, updated_at: now }))
		.execute();
}
