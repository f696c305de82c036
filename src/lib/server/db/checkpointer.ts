// SQLite WAL checkpoints fsync the database file. Run on the event loop (SQLite's default
// auto-checkpoint), they stall every websocket for milliseconds at random moments: the
// benchmark's latency tail. A worker thread with its own connection checkpoints instead.
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

const WORKER_SOURCE = `
const { workerData, parentPort } = require('node:worker_threads');
const Database = require(workerData.modulePath);
let db;
try {
	db = new Database(workerData.file, { fileMustExist: true });
	db.pragma('busy_timeout = 5000');
} catch {
	// The database went away before this thread started (closed at once): nothing to checkpoint.
	process.exit(0);
}
const timer = setInterval(() => {
	try {
		// PASSIVE never waits for readers or writers; TRUNCATE only when the WAL grew large.
		const [{ log }] = db.pragma('wal_checkpoint(PASSIVE)');
		if (log > 16384) db.pragma('wal_checkpoint(TRUNCATE)');
	} catch {}
}, workerData.intervalMs);
parentPort.on('message', () => { clearInterval(timer); try { db.pragma('wal_checkpoint(PASSIVE)'); db.close(); } catch {} process.exit(0); });
`;

export function startCheckpointer(file: string, intervalMs = 1_000): { stop: () => Promise<void> } {
	const modulePath = createRequire(import.meta.url).resolve('better-sqlite3');
	const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { file, modulePath, intervalMs } });
	worker.unref();
	// A failing checkpointer must never take the server down: SQLite still works without it.
	worker.on('error', () => {});
	return {
		stop: () =>
			new Promise((resolve) => {
				worker.once('exit', () => resolve());
				worker.postMessage('stop');
			})
	};
}
