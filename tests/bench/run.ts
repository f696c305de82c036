// `npm run bench [-- --quick] [-- --only history]`: our collaboration server against the reference
// @y/websocket-server 0.1.1, same workloads, alternating A/B over several rounds, driven by
// the genuine y-websocket client from this process (the servers are child processes).
import fs from 'node:fs';
import os from 'node:os';
import { ensureBuild } from '../../server/scripts/ensure-build.js';
import { loadTrace } from '../helpers/traces';
import {
	P,
	QUICK,
	ROOT,
	connect,
	expectedText,
	idleConnections,
	log,
	rssOf,
	settle,
	sleep,
	startOurs,
	startReference,
	stop,
	traceReplay,
	typedText,
	typingFanout,
	type FanoutResult,
	type ReplayResult
} from './harness';
import { PAGE_DOCUMENT_PHRASE, setupDatabase } from './setup';
import { pageLoad, type PageLoadResult } from './page-load';
import { fuzzDelay, updateCheckCost, type FuzzDelay, type UpdateCheckCost } from './validation';
import { DOCUMENT_FRAGMENT } from '../../src/lib/documents/schema';
import { printHistoryTable, versionHistory, type HistoryResult } from './history';
import { commentsWorkload, printCommentsTable } from './comments';

// `npm run bench -- --only history` runs workload 8 alone (in this process, no server, no build).
const ONLY = process.argv.includes('--only')
	? process.argv[process.argv.indexOf('--only') + 1]
	: null;

type ServerName = 'ours' | 'reference';

interface Figures {
	replayEditsPerSecond: number;
	fanoutP50: number;
	fanoutP95: number;
	fanoutP99: number;
	fanoutMax: number;
	noUpdateLost: boolean;
	rssIdleMB: number;
	rssUnderLoadMB: number;
	rssAfterLeaveMB: number;
	kbPerIdleConnection: number;
	idleCpuMsPerSecond: number;
}

interface Summary {
	ours: Figures & {
		coldOpenMs: number;
		storedEqualsTrace: boolean;
		page: PageLoadResult;
		updateCheck: UpdateCheckCost;
		fuzz: FuzzDelay;
		history: HistoryResult;
	};
	reference: Figures;
}

function median(values: number[]): number {
	const s = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
	if (s.length === 0) return NaN;
	const middle = Math.floor(s.length / 2);
	return s.length % 2 ? s[middle] : (s[middle - 1] + s[middle]) / 2;
}

function machine(): string {
	return `${os.cpus().length} × ${os.cpus()[0].model}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}`;
}

async function historyOnly(): Promise<void> {
	const history = await versionHistory(loadTrace('automerge-paper'));
	printHistoryTable(history);
	console.log(JSON.stringify({ quick: QUICK, machine: machine(), only: 'history', history }));
}

async function commentsOnly(): Promise<void> {
	ensureBuild();
	const comments = await commentsWorkload(QUICK ? 3 : 7);
	printCommentsTable(comments);
	console.log(JSON.stringify({ quick: QUICK, machine: machine(), only: 'comments', comments }));
}

async function main(): Promise<void> {
	process.chdir(ROOT);
	if (ONLY === 'history') return historyOnly();
	if (ONLY === 'comments') return commentsOnly();
	if (ONLY) throw new Error(`--only ${ONLY}: unknown workload (known: history, comments)`);
	ensureBuild();
	const documentsNeeded = P.rounds + P.fanDocs * P.rounds + 20 + 1 + 1;
	const setup = await setupDatabase(documentsNeeded, 8);
	const { dir, databaseFile } = setup;
	const docs = [...setup.documentIds];
	const take = (n: number) => docs.splice(0, n);
	const tokens = setup.tokens;
	const trace = loadTrace('automerge-paper');
	const count = Math.min(P.traceTxns, trace.txns.length);
	const finalText = expectedText(trace, count);

	const results: Record<ServerName, { replay: ReplayResult[]; fanout: FanoutResult[] }> = {
		ours: { replay: [], fanout: [] },
		reference: { replay: [], fanout: [] }
	};
	let ours = await startOurs(databaseFile);
	const reference = await startReference();
	const idle = { ours: rssOf(ours.child.pid), reference: rssOf(reference.child.pid) };
	// 5. Idle connections first, on servers that have done nothing else yet, so the
	// difference in RSS is the connections' and not leftovers of other workloads.
	log('idle connections…');
	const connRooms = take(20);
	const connections = {
		ours: await idleConnections(ours, connRooms, tokens),
		reference: await idleConnections(
			reference,
			connRooms.map((r) => `conn-${r}`),
			tokens
		)
	};
	const replayRooms = take(P.rounds);

	for (let round = 0; round < P.rounds; round++) {
		const order = round % 2 ? [reference, ours] : [ours, reference];
		for (const server of order) {
			log(`round ${round + 1}/${P.rounds}: trace replay on ${server.name}…`);
			const room = server.name === 'ours' ? replayRooms[round] : `replay-${round}`;
			await settle();
			const replay = await traceReplay(server, room, tokens[0], trace, count, finalText);
			results[server.name].replay.push(replay);
			log(`  ${Math.round(replay.editsPerSecond)} edits/s`);
		}
		const fanRooms = take(P.fanDocs);
		for (const server of order) {
			log(`round ${round + 1}/${P.rounds}: typing fan-out on ${server.name}…`);
			const rooms = server.name === 'ours' ? fanRooms : fanRooms.map((r) => `fan-${round}-${r}`);
			await settle();
			const fanout = await typingFanout(server, rooms, tokens);
			results[server.name].fanout.push(fanout);
			log(
				`  p50 ${fanout.p50.toFixed(1)} ms, p99 ${fanout.p99.toFixed(1)} ms, max ${fanout.max.toFixed(1)} ms`
			);
		}
	}

	log(`memory: waiting ${P.idleWaitMs / 1000} s after every client left…`);
	await sleep(P.idleWaitMs);
	const afterLeave = { ours: rssOf(ours.child.pid), reference: rssOf(reference.child.pid) };

	// 3. Cold open of the trace document (stored by normal editing), server freshly started.
	const cold: number[] = [];
	let storedMatches = true;
	for (let i = 0; i < P.coldSamples; i++) {
		await stop(ours);
		ours = await startOurs(databaseFile);
		const start = performance.now();
		const client = connect(ours, replayRooms[0], tokens[0]);
		await client.synced;
		cold.push(performance.now() - start);
		storedMatches &&=
			client.doc.getXmlFragment(DOCUMENT_FRAGMENT).length === 1 &&
			typedText(client.doc)?.toString() === finalText;
		client.close();
	}
	// 6. The document page on a slow line, ours only (the reference serves no pages).
	log('document page on a 2 Mbit/s line…');
	const page = await pageLoad(
		ours,
		setup.pageDocumentId,
		tokens[0],
		PAGE_DOCUMENT_PHRASE,
		P.pageSamples
	);
	// 7. Issue 10's checks: the schema check per update (in this process), and the server's
	// responsiveness while it is fed malformed frames, ours only (the reference checks nothing).
	log('update check cost…');
	const updateCheck = updateCheckCost(trace, count);
	log('malformed frames while a probe times the server…');
	const fuzz = await fuzzDelay(ours, take(1)[0], tokens[1], QUICK ? 20 : 100);
	await stop(ours);
	await stop(reference);
	fs.rmSync(dir, { recursive: true, force: true });
	// 8. Version history (issue 11), in this process once the servers are stopped.
	const history = await versionHistory(trace);
	// 9. A document with 500 comment threads in Chromium (issue 12): not in --quick (the test
	// suite's smoke run), `--only comments` runs it alone.
	const comments = QUICK ? null : await commentsWorkload(7);

	const figures = (name: ServerName): Figures => {
		const r = results[name];
		return {
			replayEditsPerSecond: median(r.replay.map((x) => x.editsPerSecond)),
			fanoutP50: median(r.fanout.map((x) => x.p50)),
			fanoutP95: median(r.fanout.map((x) => x.p95)),
			fanoutP99: median(r.fanout.map((x) => x.p99)),
			fanoutMax: median(r.fanout.map((x) => x.max)),
			noUpdateLost: r.fanout.every((x) => x.converged && x.received >= x.expected),
			rssIdleMB: idle[name] / 2 ** 20,
			rssUnderLoadMB: median(r.fanout.map((x) => x.rssUnderLoad)) / 2 ** 20,
			rssAfterLeaveMB: afterLeave[name] / 2 ** 20,
			kbPerIdleConnection: connections[name].bytesPerConnection / 1024,
			idleCpuMsPerSecond: connections[name].idleCpuMsPerSecond
		};
	};
	const summary: Summary = {
		ours: {
			...figures('ours'),
			coldOpenMs: median(cold),
			storedEqualsTrace: storedMatches,
			page,
			updateCheck,
			fuzz,
			history
		},
		reference: figures('reference')
	};
	printTable(summary);
	printHistoryTable(history);
	if (comments) printCommentsTable(comments);
	console.log(
		JSON.stringify({
			quick: QUICK,
			machine: machine(),
			params: { ...P, traceTxns: count },
			summary,
			comments
		})
	);
}

function printTable(s: Summary): void {
	const fmt = (v: number, d = 1) => (Number.isFinite(v) ? v.toFixed(d) : '—');
	const ratio = (a: number, b: number) =>
		Number.isFinite(a) && Number.isFinite(b) && b ? `${(a / b).toFixed(2)}×` : '—';
	const rows: [string, Exclude<keyof Figures, 'noUpdateLost'>, number][] = [
		['Trace replay (edits/s, higher is better)', 'replayEditsPerSecond', 0],
		['Fan-out latency p50 (ms)', 'fanoutP50', 1],
		['Fan-out latency p95 (ms)', 'fanoutP95', 1],
		['Fan-out latency p99 (ms)', 'fanoutP99', 1],
		['Fan-out latency max (ms)', 'fanoutMax', 1],
		['RSS idle (MB)', 'rssIdleMB', 1],
		['RSS under fan-out (MB)', 'rssUnderLoadMB', 1],
		['RSS after clients left (MB)', 'rssAfterLeaveMB', 1],
		['Memory per idle connection (KB)', 'kbPerIdleConnection', 1],
		['CPU with the idle connections open (ms per s)', 'idleCpuMsPerSecond', 1]
	];
	const lines = [
		['figure', 'ours', 'reference', 'ours/reference'],
		...rows.map(([label, key, d]) => [
			label,
			fmt(s.ours[key], d),
			fmt(s.reference[key], d),
			ratio(s.ours[key], s.reference[key])
		])
	];
	lines.push([
		'Cold open of the trace document (ms)',
		fmt(s.ours.coldOpenMs, 1),
		'n/a (no storage)',
		''
	]);
	const page = s.ours.page;
	lines.push([
		'Document text visible on a 2 Mbit/s line (ms)',
		fmt(page.textVisibleMs, 0),
		'n/a',
		''
	]);
	lines.push([
		'Editor connected on a 2 Mbit/s line (ms)',
		fmt(page.editorConnectedMs, 0),
		'n/a',
		''
	]);
	lines.push([
		'Scripts of the document page, compressed (KB)',
		fmt(page.documentPageScriptKB, 1),
		'n/a',
		''
	]);
	lines.push([
		'Scripts of the dashboard, compressed (KB)',
		fmt(page.dashboardScriptKB, 1),
		'n/a',
		''
	]);
	lines.push([
		'Editor code in the dashboard, compressed (KB)',
		fmt(page.dashboardEditorScriptKB, 1),
		'n/a',
		''
	]);
	const check = s.ours.updateCheck;
	lines.push([
		`Schema check per keystroke update, p50 / p99 (µs; apply p50 ${fmt(check.applyP50Us, 1)})`,
		`${fmt(check.checkP50Us, 1)} / ${fmt(check.checkP99Us, 1)}`,
		'n/a (no check)',
		''
	]);
	lines.push([
		'Schema check time over Yjs apply time, keystrokes',
		`${fmt(check.checkOverApply * 100, 0)} %`,
		'n/a',
		''
	]);
	lines.push([
		`Whole trace as one update: check / apply (ms)`,
		`${fmt(check.wholeCheckMs, 1)} / ${fmt(check.wholeApplyMs, 1)}`,
		'n/a',
		''
	]);
	const fuzz = s.ours.fuzz;
	lines.push([
		`Presence round trip idle, p99 / max (ms)`,
		`${fmt(fuzz.idleP99Ms, 1)} / ${fmt(fuzz.idleMaxMs, 1)}`,
		'n/a',
		''
	]);
	lines.push([
		`… under ${fuzz.frames} malformed frames on ${fuzz.sockets} sockets, p99 / max (ms)`,
		`${fmt(fuzz.fuzzP99Ms, 1)} / ${fmt(fuzz.fuzzMaxMs, 1)}`,
		'n/a',
		''
	]);
	lines.push([
		'No update lost (fan-out)',
		String(s.ours.noUpdateLost),
		String(s.reference.noUpdateLost),
		''
	]);
	lines.push([
		'Stored document equals the trace after restart',
		String(s.ours.storedEqualsTrace),
		'n/a',
		''
	]);
	const widths = lines[0].map((_, i) => Math.max(...lines.map((l) => l[i].length)));
	for (const [i, line] of lines.entries()) {
		console.log(`| ${line.map((c, j) => c.padEnd(widths[j])).join(' | ')} |`);
		if (i === 0) console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
	}
}

main().then(
	() => process.exit(0),
	(error) => {
		console.error(error);
		process.exit(1);
	}
);
