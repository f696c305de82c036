// Diagnostic for the fan-out latency tail (not part of npm run bench): typing fan-out only,
// ours and the reference alternately for a few rounds. BENCH_PROFILE=dir profiles our server.
// `node --import tsx tests/bench/fanout-probe.ts [rounds]`
import fs from 'node:fs';
import {
	P,
	log,
	startOurs,
	startReference,
	stop,
	typingFanout,
	type FanoutResult
} from './harness';
import { setupDatabase } from './setup';

const rounds = Number(process.argv[2] ?? 3);
const setup = await setupDatabase(P.fanDocs * rounds, 8);
const ours = await startOurs(setup.databaseFile);
const reference = await startReference();
const format = (r: FanoutResult) =>
	`p50 ${r.p50.toFixed(1)} p95 ${r.p95.toFixed(1)} p99 ${r.p99.toFixed(1)} max ${r.max.toFixed(1)} ms, ${r.received}/${r.expected}`;
for (let round = 0; round < rounds; round++) {
	const rooms = setup.documentIds.slice(round * P.fanDocs, (round + 1) * P.fanDocs);
	for (const server of round % 2 ? [reference, ours] : [ours, reference]) {
		const result = await typingFanout(
			server,
			server === ours ? rooms : rooms.map((r) => `fan-${round}-${r}`),
			setup.tokens
		);
		log(`round ${round + 1} ${server.name.padEnd(9)} ${format(result)}`);
		// When the slow deliveries happened (ms since typing started → worst latency then).
		const stalls = new Map<number, number>();
		for (const [at, latency] of result.slow)
			stalls.set(
				Math.round(at / 200) * 200,
				Math.max(stalls.get(Math.round(at / 200) * 200) ?? 0, latency)
			);
		if (stalls.size)
			log(`  slow (> 20 ms) at: ${[...stalls].map(([at, l]) => `${at}:${l}`).join(' ')}`);
	}
}
await stop(ours);
await stop(reference);
fs.rmSync(setup.dir, { recursive: true, force: true });
process.exit(0);
