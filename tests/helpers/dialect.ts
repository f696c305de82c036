// Which database the suite runs on: the Vitest projects named `…:pg` set TEST_DATABASE=postgres
// (vite.config.ts). No Vitest import here: the Playwright config and global setups use it too.
import crypto from 'node:crypto';
import pg from 'pg';

export type TestDialect = 'sqlite' | 'postgres';

export const TEST_DIALECT: TestDialect =
	process.env.TEST_DATABASE === 'postgres' ? 'postgres' : 'sqlite';

/** The server this machine starts before every session and CI run (trust authentication). */
export const POSTGRES_URL =
	process.env.TEST_POSTGRES_URL || 'postgres://postgres@127.0.0.1:5432/test';

function withDatabase(url: string, database: string): string {
	const parsed = new URL(url);
	parsed.pathname = `/${database}`;
	return parsed.toString();
}

async function admin<T>(run: (client: pg.Client) => Promise<T>): Promise<T> {
	const client = new pg.Client({ connectionString: POSTGRES_URL, connectionTimeoutMillis: 3_000 });
	await client.connect();
	try {
		return await run(client);
	} finally {
		await client.end();
	}
}

/** Fails at once, with the reason, when PostgreSQL is asked for and cannot be reached. */
export async function assertPostgresReachable(): Promise<void> {
	try {
		await admin((client) => client.query('select 1'));
	} catch (error) {
		throw new Error(
			`PostgreSQL est demandé (TEST_DATABASE=postgres) mais injoignable à ${POSTGRES_URL} : ${(error as Error).message}. ` +
				'Démarrez-le (127.0.0.1:5432, base « test ») ou indiquez TEST_POSTGRES_URL.',
			{ cause: error }
		);
	}
}

/** A new empty database of its own (dropped by dropPostgresDatabase); returns its URL. */
export async function createPostgresDatabase(): Promise<{ url: string; name: string }> {
	// Creation time in the name: the sweep of databases left by killed runs needs no privilege.
	const name = `assemblier_t_${Date.now()}_${process.pid}_${crypto.randomBytes(4).toString('hex')}`;
	// template0: template1 may be in use by a concurrent CREATE DATABASE of another worker.
	await admin((client) =>
		client.query(`CREATE DATABASE "${name}" TEMPLATE template0 ENCODING 'UTF8'`)
	);
	return { url: withDatabase(POSTGRES_URL, name), name };
}

export async function dropPostgresDatabase(name: string): Promise<void> {
	await admin(async (client) => {
		// Let closing connections (the test's pool, a stopped server) finish first: FORCE would
		// terminate them mid-goodbye, and pg reports that as an error in the test process.
		const deadline = Date.now() + 3_000;
		for (;;) {
			const { rows } = await client.query<{ n: number }>(
				'select count(*)::int as n from pg_stat_activity where datname = $1',
				[name]
			);
			if (rows[0].n === 0 || Date.now() > deadline) break;
			await new Promise((resolve) => setTimeout(resolve, 50));
		}
		await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
	});
}

/** Databases left by runs that were killed before their cleanup (older than an hour). */
export async function dropStalePostgresDatabases(): Promise<number> {
	return admin(async (client) => {
		const { rows } = await client.query<{ datname: string }>(
			"select datname from pg_database where datname like 'assemblier\\_t\\_%'"
		);
		const stale = rows
			.map((r) => r.datname)
			.filter((name) => Number(name.split('_')[2]) < Date.now() - 3_600_000);
		for (const name of stale) await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
		return stale.length;
	});
}
