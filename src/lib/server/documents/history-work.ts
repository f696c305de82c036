// The history's long computations (compare, attribution) run in the process that also relays
// everyone's typing. Two guards keep them from stalling it: they give the event loop back
// regularly (`breather`), so frames of every document keep flowing between two steps; and at
// most HISTORY_WORK_AT_ONCE of them run at a time (`historyWork`), the others waiting their
// turn, so that a reader sending many requests at once delays history pages, not co-writing.

/** Heavy history computations running at once in this process. */
export const HISTORY_WORK_AT_ONCE = 2;
/** A computation gives the event loop back after this long, or this many steps. */
const SLICE_MS = 15;
const SLICE_STEPS = 32;

let running = 0;
const waiting: (() => void)[] = [];

/** Runs `work` once fewer than HISTORY_WORK_AT_ONCE others run. */
export async function historyWork<T>(work: () => Promise<T>): Promise<T> {
	if (running >= HISTORY_WORK_AT_ONCE) await new Promise<void>((go) => waiting.push(go));
	running++;
	try {
		return await work();
	} finally {
		running--;
		waiting.shift()?.();
	}
}

/** Call at each step of a long loop: resolves at once, or after giving the event loop back. */
export function breather(): () => Promise<void> {
	let since = performance.now();
	let steps = 0;
	return async () => {
		if (++steps < SLICE_STEPS && performance.now() - since < SLICE_MS) return;
		await new Promise<void>((resume) => setImmediate(resume));
		since = performance.now();
		steps = 0;
	};
}
