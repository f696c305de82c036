// Reads the environment once. Every variable is listed in README.md and .env.example.
import path from 'node:path';

export interface Config {
	/** SQLite file path (`file:` prefix optional) or a postgres:// URL. */
	databaseUrl: string;
	/** Public origin of the app, e.g. https://assemblier.agglo.fr. Empty: taken from the request. */
	origin: string;
	port: number;
	host: string;
	/** SEED_DEMO as set: true/false, or null when unset (then only a local start that asks for the demo gets it; see territory/demo-policy.ts). */
	seedDemo: boolean | null;
	/** Largest websocket frame accepted, in bytes. */
	collabMaxPayload: number;
	/** Milliseconds a document stays in memory after its last client left. */
	collabUnloadDelayMs: number;
	/** Journal rows after which a loaded document is compacted into a snapshot. */
	collabCompactEvery: number;
	logLevel: 'silent' | 'info';
	/**
	 * ADDRESS_HEADER, lower-case: the header in which the reverse proxy names the client (e.g.
	 * x-forwarded-for). adapter-node reads it itself (getClientAddress); it is read here to be
	 * checked at start-up. Empty: the client is the TCP peer (behind a proxy, the proxy itself).
	 */
	addressHeader: string;
	/** XFF_DEPTH: with x-forwarded-for, which entry from the right is the client (1: the one the proxy appended). */
	xffDepth: number;
	/** SMTP_URL (smtp:// or smtps://, credentials included). Empty: no e-mail leaves; the outbox holds them. */
	smtpUrl: string;
	/** MAIL_FROM: the From of every e-mail. */
	mailFrom: string;
	/** MAIL_DIGEST_HOUR: the hour (0–23, territory time) from which daily digests are sent. */
	mailDigestHour: number;
	/** CONSULTATION_ROUND_MS: how often due consultations are validated tacitly (default 30 s). */
	consultationRoundMs: number;
	/** APP_SECRET: the key that signs links (unsubscribe). Empty: generated once, kept in the database. */
	appSecret: string;
}

/** The collaboration server's tuning. */
export interface CollabSettings {
	/** Largest websocket frame accepted, in bytes (above: closed with 1009, enforced by ws while reading). */
	maxPayload: number;
	/** Journal rows after which a loaded document is compacted into a snapshot. */
	compactEvery: number;
	/** Minimum time between two compactions of a loaded document (each costs a full encode). */
	compactMinIntervalMs: number;
	/** How long a document stays loaded after its last client left, in case someone comes back. */
	unloadDelayMs: number;
	/** Quiet time after the last stored update before the search index is refreshed. */
	searchIndexDelayMs: number;
	/** Quiet time with no document loaded before memory is given back (server/collab/release-memory.ts). */
	releaseMemoryDelayMs: number;
	/** Each connection is pinged this long after its arrival, then again; no pong in between: terminated. */
	pingIntervalMs: number;
	/**
	 * Every open socket's session is read again this often: a session deleted (logout
	 * elsewhere, an administrator) or shortened closes its sockets within this delay.
	 */
	sessionRecheckMs: number;
	/** A version is recorded once a document has stored no update for this long after some. */
	versionIdleMs: number;
}

/**
 * The one place these defaults are written: readConfig starts from them (for the settings that
 * have a variable), and the collaboration server fills any option it is not given from them.
 */
export const COLLAB_DEFAULTS: Readonly<CollabSettings> = Object.freeze({
	maxPayload: 8 * 1024 * 1024,
	compactEvery: 1_000,
	compactMinIntervalMs: 30_000,
	unloadDelayMs: 5_000,
	searchIndexDelayMs: 1_000,
	releaseMemoryDelayMs: 5_000,
	// A peer that stops answering is gone within two intervals: a colleague whose laptop closed
	// leaves the presence list within 10 s (8 s + the 1 s check), not 30 to 60. Cost at 2,000
	// idle connections: README, Performance.
	pingIntervalMs: 4_000,
	sessionRecheckMs: 60_000,
	versionIdleMs: 10 * 60_000
});

function intFrom(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
	const raw = env[name];
	if (raw === undefined || raw === '') return fallback;
	const value = Number(raw);
	if (!Number.isInteger(value) || value < 0) {
		throw new Error(`Configuration: ${name} must be a non-negative integer (got "${raw}")`);
	}
	return value;
}

function positiveIntFrom(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
	const value = intFrom(env, name, fallback);
	if (value < 1)
		throw new Error(`Configuration: ${name} must be a positive integer (got "${env[name]}")`);
	return value;
}

function booleanFrom(env: NodeJS.ProcessEnv, name: string): boolean | null {
	const raw = env[name];
	if (raw === undefined || raw === '') return null;
	if (raw === 'true' || raw === '1') return true;
	if (raw === 'false' || raw === '0') return false;
	throw new Error(`Configuration: ${name} must be true or false (got "${raw}")`);
}

function headerNameFrom(env: NodeJS.ProcessEnv, name: string): string {
	const raw = (env[name] ?? '').trim().toLowerCase();
	if (raw && !/^[!#$%&'*+.^_`|~0-9a-z-]+$/.test(raw))
		throw new Error(`Configuration: ${name} must be an HTTP header name (got "${env[name]}")`);
	return raw;
}

function smtpUrlFrom(env: NodeJS.ProcessEnv, origin: string): string {
	const raw = (env.SMTP_URL ?? '').trim();
	if (!raw) return '';
	let url: URL;
	try {
		url = new URL(raw);
	} catch {
		throw new Error('Configuration: SMTP_URL must be an smtp:// or smtps:// URL');
	}
	if (url.protocol !== 'smtp:' && url.protocol !== 'smtps:')
		throw new Error('Configuration: SMTP_URL must be an smtp:// or smtps:// URL');
	// Links in e-mails need the public origin. It is never taken from a request: a forged Host
	// header would otherwise put its own link into everyone's mail.
	if (!origin) throw new Error('Configuration: SMTP_URL needs ORIGIN (the links in e-mails)');
	return raw;
}

function mailFromFrom(env: NodeJS.ProcessEnv, origin: string): string {
	const raw = (env.MAIL_FROM ?? '').trim();
	if (raw) {
		if (/[\r\n]/.test(raw) || !/@/.test(raw))
			throw new Error(
				`Configuration: MAIL_FROM must be an address, e.g. "Assemblier <noreply@agglo.fr>"`
			);
		return raw;
	}
	let host = 'localhost';
	try {
		if (origin) host = new URL(origin).hostname;
	} catch {
		// an unparsable ORIGIN is reported where it is used
	}
	return `Assemblier <ne-pas-repondre@${host}>`;
}

function appSecretFrom(env: NodeJS.ProcessEnv): string {
	const raw = env.APP_SECRET ?? '';
	if (raw && raw.length < 32)
		throw new Error('Configuration: APP_SECRET must be at least 32 characters long');
	return raw;
}

export function readConfig(env: NodeJS.ProcessEnv = process.env): Config {
	const origin = (env.ORIGIN || '').replace(/\/$/, '');
	const mailDigestHour = intFrom(env, 'MAIL_DIGEST_HOUR', 8);
	if (mailDigestHour > 23)
		throw new Error(
			`Configuration: MAIL_DIGEST_HOUR must be an hour from 0 to 23 (got "${env.MAIL_DIGEST_HOUR}")`
		);
	return Object.freeze({
		databaseUrl: env.DATABASE_URL || path.resolve('data', 'assemblier.sqlite'),
		origin,
		port: intFrom(env, 'PORT', 3000),
		host: env.HOST || '0.0.0.0',
		seedDemo: booleanFrom(env, 'SEED_DEMO'),
		collabMaxPayload: intFrom(env, 'COLLAB_MAX_PAYLOAD', COLLAB_DEFAULTS.maxPayload),
		collabUnloadDelayMs: intFrom(env, 'COLLAB_UNLOAD_DELAY_MS', COLLAB_DEFAULTS.unloadDelayMs),
		collabCompactEvery: intFrom(env, 'COLLAB_COMPACT_EVERY', COLLAB_DEFAULTS.compactEvery),
		logLevel: env.LOG_LEVEL === 'silent' ? 'silent' : 'info',
		addressHeader: headerNameFrom(env, 'ADDRESS_HEADER'),
		xffDepth: positiveIntFrom(env, 'XFF_DEPTH', 1),
		smtpUrl: smtpUrlFrom(env, origin),
		mailFrom: mailFromFrom(env, origin),
		mailDigestHour,
		consultationRoundMs: positiveIntFrom(env, 'CONSULTATION_ROUND_MS', 30_000),
		appSecret: appSecretFrom(env)
	});
}
