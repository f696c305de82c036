// Reads the environment once. Every variable is listed in README.md and .env.example.
import path from 'node:path';

export interface Config {
	/** SQLite file path (`file:` prefix optional) or a postgres:// URL. */
	databaseUrl: string;
	/** Public origin of the app, e.g. https://assemblier.agglo.fr. Empty: taken from the request. */
	origin: string;
	port: number;
	host: string;
	/** Seed the demo territory when the database is empty. */
	seedDemo: boolean;
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

export function readConfig(env: NodeJS.ProcessEnv = process.env): Config {
	return Object.freeze({
		databaseUrl: env.DATABASE_URL || path.resolve('data', 'assemblier.sqlite'),
		origin: (env.ORIGIN || '').replace(/\/$/, ''),
		port: intFrom('PORT', 3000),
		host: env.HOST || '0.0.0.0',
		seedDemo: env.SEED_DEMO !== 'false',
		collabMaxPayload: intFrom('COLLAB_MAX_PAYLOAD', 8 * 1024 * 1024),
		collabUnloadDelayMs: intFrom('COLLAB_UNLOAD_DELAY_MS', 5_000),
		collabCompactEvery: intFrom('COLLAB_COMPACT_EVERY', 1_000),
		logLevel: env.LOG_LEVEL === 'silent' ? 'silent' : 'info'
	});
}
