// Diagnostic for the memory figures (not part of npm run bench): one trace replay, one fan-out,
// then RSS every few seconds after every client left.
// `node --import tsx tests/bench/memory-probe.ts [--quick] [node args for our server…]`
import fs from 'node:fs';
import { loadTrace } from '../helpers/traces';
import {
	P,
	expectedText,
	log,
	rssOf,
	sleep,
	startOurs,
	stop,
	traceReplay,
	typingFanout
} from './harness';
import { setupDatabase } from './setup';

const setup = await setupDatabase(2 + P.fanDocs, 8);
const server = await startOurs(
	setup.databaseFile,
	process.argv.slice(2).filter((a) => a.startsWith('--') && a !== '--quick')
);
const pid = server.child.pid!;
const mb = (b: number) => `${(b / 2 ** 20).toFixed(1)} MB`;
const idle = rssOf(pid);
log(`idle ${mb(idle)}`);
log(smapsSummary(pid));
const trace = loadTrace('automerge-paper');
const count = Math.min(P.traceTxns, trace.txns.length);
const cpuBefore = cpuSeconds(pid);
const replay = await traceReplay(
	server,
	setup.documentIds[0],
	setup.tokens[0],
	trace,
	count,
	expectedText(trace, count)
);
log(
	`after replay ${mb(rssOf(pid))} (${Math.round(replay.editsPerSecond)} edits/s, server CPU ${(cpuSeconds(pid) - cpuBefore).toFixed(2)} s)`
);
await sleep(5000);
log(`replay + 5 s ${mb(rssOf(pid))}`);
log(smapsSummary(pid));
const fan = await typingFanout(server, setup.documentIds.slice(2), setup.tokens);
log(`fan-out p99 ${fan.p99.toFixed(1)} ms, under load ${mb(fan.rssUnderLoad)}`);
for (let s = 5; s <= 30; s += 5) {
	await sleep(5000);
	log(`${s} s after clients left: ${mb(rssOf(pid))} (idle ${mb(idle)})`);
}
log(smapsSummary(pid));
await stop(server);
fs.rmSync(setup.dir, { recursive: true, force: true });
process.exit(0);

/** Resident memory by kind of mapping: where the bytes that were not given back live. */
function smapsSummary(pid: number): string {
	const groups = new Map<string, number>();
	let current: string | null = null;
	for (const line of fs.readFileSync(`/proc/${pid}/smaps`, 'utf8').split('\n')) {
		const header = /^([0-9a-f]+)-([0-9a-f]+) \S+ \S+ \S+ \S+\s*(.*)$/.exec(line);
		if (header) {
			const size = (parseInt(header[2], 16) - parseInt(header[1], 16)) / 1024;
			const name =
				header[3] ||
				(size === 65536 || size === 131072
					? 'anon 64 MB (malloc arena)'
					: size >= 256 && size % 256 === 0
						? 'anon 256 KB-multiple (V8 pages)'
						: 'anon other');
			current = name.startsWith('/')
				? name.includes('.node')
					? 'native addons'
					: name.endsWith('sqlite-shm') || name.endsWith('sqlite')
						? 'sqlite files'
						: 'other files'
				: name;
			continue;
		}
		const rss = /^Rss:\s+(\d+) kB/.exec(line);
		if (rss && current) groups.set(current, (groups.get(current) ?? 0) + Number(rss[1]));
	}
	return [...groups]
		.sort((a, b) => b[1] - a[1])
		.map(([k, v]) => `  ${k}: ${(v / 1024).toFixed(1)} MB`)
		.join('\n');
}

/** CPU time (user + system) the process has used, in seconds. */
function cpuSeconds(pid: number): number {
	const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
	return (Number(fields[11]) + Number(fields[12])) / 100;
}
