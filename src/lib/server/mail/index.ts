// E-mail: the outbox, the sender, notifications by e-mail with each user's preference, digests.
export {
	enqueue,
	listOutbox,
	OUTBOX_PAGE_SIZE,
	type OutgoingMessage,
	type OutboxPage
} from './outbox';
export { MailSender, MAX_ATTEMPTS, RETRY_DELAYS_MS, type RunReport } from './sender';
export { smtpTransport, describeSmtpUrl, type MailTransport, type MailEnvelope } from './transport';
export {
	ACTION_KINDS,
	EMAIL_PREFERENCES,
	emailPreferenceOf,
	isEmailPreference,
	setEmailPreference
} from './preferences';
export { queueNotificationEmails, queueDigests } from './notification-mail';
export { readUnsubscribeToken, unsubscribe, unsubscribeToken } from './unsubscribe';
export { publicOrigin, setPublicOrigin, PREFERENCES_PATH, UNSUBSCRIBE_PATH } from './links';
