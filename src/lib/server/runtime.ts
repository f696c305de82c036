// Process-wide singletons. The production process loads this module twice — once inside the
// SvelteKit bundle (routes, hooks) and once inside the server bundle (websocket) — so state
// lives on globalThis, keyed by a registered symbol, to give both one database connection and
// one collaboration hub.
import { readConfig, type Config } from './config';
import { migrateToLatest, openDatabase, type Db } from './db';
import { seedDemoTerritory } from './territory/seed';
import { ensureDefaultTemplates } from './templates';
import { deleteExpiredSessions } from './auth/session';

/** What the collaboration server exposes to HTTP routes (e.g. to cut a demoted user off). */
export interface CollabHub {
	closeUserConnections(documentId: string, userId: string, code: number, reason: string): number;
	closeSessionConnections(sessionId: string, code: number, reason: string): number;
	closeOrganisationConnections(documentId: string, organisationId: string, code: number, reason: string): number;
}

interface Runtime {
	config: Config;
	db: Db;
	ready: Promise<void> | null;
	collab: CollabHub | null;
	log: (message: string) => void;
}

const KEY = Symbol.for('assemblier.runtime');
type GlobalWithRuntime = typeof globalThis & { [KEY]?: Runtime };

export function runtime(): Runtime {
	const g = globalThis as GlobalWithRuntime;
	if (!g[KEY]) {
		const config = readConfig();
		g[KEY] = {
			config,
			db: openDatabase(config.databaseUrl),
			ready: null,
			collab: null,
			log: config.logLevel === 'silent' ? () => {} : (message) => console.log(message)
		};
	}
	return g[KEY];
}

export function db(): Db {
	return runtime().db;
}

/** Migrates, then seeds the demo territory into an empty database. Runs once per process. */
export function ensureReady(): Promise<void> {
	const rt = runtime();
	rt.ready ??= (async () => {
		const applied = await migrateToLatest(rt.db);
		if (applied.length) rt.log(`Migrations appliquées : ${applied.join(', ')}`);
		await ensureDefaultTemplates(rt.db);
		await deleteExpiredSessions(rt.db);
		if (rt.config.seedDemo) {
			const seeded = await seedDemoTerritory(rt.db);
			if (seeded) rt.log(`Territoire de démonstration créé : ${seeded.territoryName}`);
		}
	})();
	return rt.ready;
}

/** Closes the database and forgets the singletons (tests, graceful shutdown). */
export async function disposeRuntime(): Promise<void> {
	const g = globalThis as GlobalWithRuntime;
	const rt = g[KEY];
	if (!rt) return;
	delete g[KEY];
	await rt.db.destroy();
}
