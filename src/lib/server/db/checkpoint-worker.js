// The WAL checkpointer's thread (started by checkpointer.ts): its own connection checkpoints
// the database every `intervalMs`, so the fsync never happens on the event loop.
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';

/** @type {{ file: string; intervalMs: number; closed: SharedArrayBuffer }} */
const { file, intervalMs, closed } = workerData;
const closedFlag = new Int32Array(closed);

/** Tells the main thread (waiting in checkpointer.ts stop()) that this connection is closed. */
function exit() {
	Atomics.store(closedFlag, 0, 1);
	Atomics.notify(closedFlag, 0);
	process.exit(0);
}

/** @type {import('better-sqlite3').Database | null} */
let db = null;
try {
	db = new Database(file, { fileMustExist: true });
	db.pragma('busy_timeout = 5000');
} catch {
	// The database went away before this thread started (closed at once): nothing to checkpoint.
	exit();
}

const timer = setInterval(() => {
	try {
		// PASSIVE never waits for readers or writers; TRUNCATE only when the WAL grew large.
		if (!db) return;
		const [{ log }] = /** @type {{ log: number }[]} */ (db.pragma('wal_checkpoint(PASSIVE)'));
		if (log > 16384) db.pragma('wal_checkpoint(TRUNCATE)');
	} catch {
		// Busy or gone: the next tick tries again, and SQLite works without checkpoints meanwhile.
	}
}, intervalMs);

parentPort?.on('message', () => {
	clearInterval(timer);
	try {
		db?.close();
	} catch {
		// Closing is best effort: the flag below still releases the main thread.
	}
	exit();
});
