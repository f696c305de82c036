// SQLite WAL checkpoints fsync the database file. Run on the event loop (SQLite's default
// auto-checkpoint), they stall every websocket for milliseconds at random moments: the
// benchmark's latency tail. A worker thread with its own connection checkpoints instead.
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

const WORKER_SOURCE = `
const { workerData, parentPort } = require('node:worker_threads');
const Database = require(workerData.modulePath);
const closed = new Int32Array(workerData.closed);
const exit = () => {
	Atomics.store(closed, 0, 1);
	Atomics.notify(closed, 0);
	process.exit(0);
};
let db;
try {
	db = new Database(workerData.file, { fileMustExist: true });
	db.pragma('busy_timeout = 5000');
} catch {
	// The database went away before this thread started (closed at once): nothing to checkpoint.
	exit();
}
const timer = setInterval(() => {
	try {
		// PASSIVE never waits for readers or writers; TRUNCATE only when the WAL grew large.
		const [{ log }] = db.pragma('wal_checkpoint(PASSIVE)');
		if (log > 16384) db.pragma('wal_checkpoint(TRUNCATE)');
	} catch {}
}, workerData.intervalMs);
parentPort.on('message', () => {
	clearInterval(timer);
	try { db.close(); } catch {}
	exit();
});
`;

export function startCheckpointer(file: string, intervalMs = 1_000): { stop: () => void } {
	const modulePath = createRequire(import.meta.url).resolve('better-sqlite3');
	const closed = new SharedArrayBuffer(4);
	const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { file, modulePath, intervalMs, closed } });
	worker.unref();
	// A failing checkpointer must never take the server down: SQLite still works without it.
	worker.on('error', () => {});
	return {
		/**
		 * Stops the thread and waits (a few milliseconds, 2 s at most) until its connection is
		 * closed: the main connection, closed next, is then the last one, and it checkpoints and
		 * removes the WAL itself — nothing touches the files once the database is closed.
		 */
		stop: () => {
			worker.postMessage('stop');
			Atomics.wait(new Int32Array(closed), 0, 0, 2_000);
		}
	};
}
