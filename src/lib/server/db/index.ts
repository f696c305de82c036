import fs from 'node:fs';
import path from 'node:path';
import {
	Kysely,
	Migrator,
	PostgresDialect,
	SqliteDialect,
	sql,
	type Migration,
	type SqliteDatabase
} from 'kysely';
import Database from 'better-sqlite3';
import pg from 'pg';
import { migrations } from '../../../../migrations/index.js';
import type { Database as Schema } from './schema';
import { startCheckpointer } from './checkpointer';

export type Db = Kysely<Schema>;
export type { Schema };

export function isPostgresUrl(url: string): boolean {
	return /^postgres(ql)?:\/\//.test(url);
}

/** Opens the database named by `url`: a postgres:// URL, or a SQLite file path (created if missing). */
export function openDatabase(url: string): Db {
	if (isPostgresUrl(url)) {
		// bigint (int8) comes back as a string by default; our values are epoch ms and sequence numbers.
		pg.types.setTypeParser(20, (value) => Number(value));
		const pool = new pg.Pool({ connectionString: url, max: 10 });
		// An idle connection dropped by the server (restart, administrator, network) is an
		// 'error' event on the pool: unheard, it would take the whole process down. The pool
		// replaces the connection; the next query says whether the database is really gone.
		pool.on('error', (error) =>
			console.error(`PostgreSQL : connexion inactive perdue (${error.message})`)
		);
		return new Kysely<Schema>({ dialect: new PostgresDialect({ pool }) });
	}
	const file = url.replace(/^file:/, '');
	if (file !== ':memory:') fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
	const sqlite = new Database(file);
	sqlite.pragma('journal_mode = WAL');
	// NORMAL in WAL mode: a killed process loses nothing committed; only an OS crash may lose the last commits.
	sqlite.pragma('synchronous = NORMAL');
	sqlite.pragma('foreign_keys = ON');
	sqlite.pragma('busy_timeout = 5000');
	if (file !== ':memory:') {
		// Checkpoints (and their fsync) happen in a worker thread, never on the event loop.
		sqlite.pragma('wal_autocheckpoint = 0');
		const checkpointer = startCheckpointer(file);
		const close = sqlite.close.bind(sqlite);
		sqlite.close = () => {
			checkpointer.stop();
			return close();
		};
	}
	const db = new Kysely<Schema>({
		dialect: new SqliteDialect({ database: withStatementCache(sqlite) })
	});
	sqliteHandles.set(db, sqlite);
	return db;
}

const sqliteHandles = new WeakMap<Db, Database.Database>();

/**
 * The better-sqlite3 connection under a Kysely instance opened by openDatabase (null on
 * PostgreSQL or for a transaction object). For the one synchronous hot path that needs it
 * (documents/journal.ts); everything else goes through Kysely.
 */
export function sqliteHandle(db: Db): Database.Database | null {
	return sqliteHandles.get(db) ?? null;
}

/**
 * Kysely prepares every query it runs; on SQLite, preparing costs as much as running a small
 * insert. The collaboration server runs the same few statements hundreds of times a second, so
 * prepared statements are kept by SQL text (least recently used dropped beyond `size`). Kysely's
 * connection lock guarantees one statement runs at a time, so reusing them is safe.
 */
function withStatementCache(sqlite: Database.Database, size = 200): SqliteDatabase {
	const statements = new Map<string, Database.Statement>();
	return {
		close: () => sqlite.close(),
		prepare(sqlText: string) {
			let statement = statements.get(sqlText);
			if (statement)
				statements.delete(sqlText); // re-inserted below: most recently used last
			else {
				statement = sqlite.prepare(sqlText);
				if (statements.size >= size) statements.delete(statements.keys().next().value as string);
			}
			statements.set(sqlText, statement);
			return statement;
		}
	};
}

/** Frees SQLite's page cache of the main connection (it refills from the OS cache on demand). */
export function releaseDatabaseMemory(db: Db): void {
	const sqlite = sqliteHandle(db);
	if (sqlite?.open) sqlite.pragma('shrink_memory');
}

/** Dialect switch for the few places that need one (full-text search). */
export function isPostgres(db: Db): boolean {
	return db.getExecutor().adapter.constructor.name.startsWith('Postgres');
}

export async function migrateToLatest(db: Db): Promise<string[]> {
	const migrator = new Migrator({
		db,
		provider: { getMigrations: async () => migrations as Record<string, Migration> }
	});
	const { error, results } = await migrator.migrateToLatest();
	if (error) throw error instanceof Error ? error : new Error(String(error));
	return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}

export async function isReachable(db: Db): Promise<boolean> {
	try {
		await sql`select 1`.execute(db);
		return true;
	} catch {
		return false;
	}
}

/** Runs `fn` in a transaction, joining the caller's when `db` already is one (Kysely cannot nest). */
export function inTransaction<T>(db: Db, fn: (trx: Db) => Promise<T>): Promise<T> {
	return db.isTransaction ? fn(db) : db.transaction().execute(fn);
}
