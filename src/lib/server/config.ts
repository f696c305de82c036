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
}

function intFrom(name: string, fallback: number): number {
	const raw = process.env[name];
	if (raw === undefined || raw === '') return fallback;
	const value = Number(raw);
	if (!Number.isInteger(value) || value < 0) {
		throw new Error(`Configuration: ${name} must be a non-negative integer (got "${raw}")`);
	}
	return value;
}

function booleanFrom(env: NodeJS.ProcessEnv, name: string): boolean | null {
	const raw = env[name];
	if (raw === undefined || raw === '') return null;
	if (raw === 'true' || raw === '1') return true;
	if (raw === 'false' || raw === '0') return false;
	throw new Error(`Configuration: ${name} must be true or false (got "${raw}")`);
}

export function readConfig(env: NodeJS.ProcessEnv = process.env): Config {
	return Object.freeze({
		databaseUrl: env.DATABASE_URL || path.resolve('data', 'assemblier.sqlite'),
		origin: (env.ORIGIN || '').replace(/\/$/, ''),
		port: intFrom('PORT', 3000),
		host: env.HOST || '0.0.0.0',
		seedDemo: booleanFrom(env, 'SEED_DEMO'),
		collabMaxPayload: intFrom('COLLAB_MAX_PAYLOAD', 8 * 1024 * 1024),
		collabUnloadDelayMs: intFrom('COLLAB_UNLOAD_DELAY_MS', 5_000),
		collabCompactEvery: intFrom('COLLAB_COMPACT_EVERY', 1_000),
		logLevel: env.LOG_LEVEL === 'silent' ? 'silent' : 'info'
	});
}
