// SQLite WAL checkpoints fsync the database file. Run on the event loop (SQLite's default
// auto-checkpoint), they stall every websocket for milliseconds at random moments. A worker
// thread with its own connection checkpoints instead (checkpoint-worker.js).
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';

const WORKER_FILE = 'checkpoint-worker.js';

/**
 * The worker file sits beside this module in the sources (Vitest, `npm run dev`); in the
 * production build this module is inside a chunk of build/server/, and the build copies the
 * worker to build/server/ (server/scripts/build-server.js): look in the parent folders too.
 */
function findWorkerFile(): URL {
	for (const relative of [`./${WORKER_FILE}`, `../${WORKER_FILE}`, `../../${WORKER_FILE}`]) {
		const candidate = new URL(relative, import.meta.url);
		if (fs.existsSync(fileURLToPath(candidate))) return candidate;
	}
	throw new Error(
		`${WORKER_FILE} introuvable près de ${import.meta.url} : relancez la construction (npm run build).`
	);
}

export function startCheckpointer(file: string, intervalMs = 1_000): { stop: () => void } {
	const closed = new SharedArrayBuffer(4);
	const worker = new Worker(findWorkerFile(), { workerData: { file, intervalMs, closed } });
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
