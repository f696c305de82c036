// Benchmark harness: servers (ours, the reference), genuine y-websocket clients, the five
// workloads. Used by run.ts (`npm run bench`) and by the diagnostic probes beside it.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import * as Y from 'yjs';
import { WebsocketProvider } from 'y-websocket';
import { freePort, httpGet } from '../helpers/net';
import { applyTxn, type EditingTrace } from '../helpers/traces';
import { webSocketWithCookie } from '../helpers/ws';
import { paragraph } from '../helpers/content';
import { DOCUMENT_FRAGMENT } from '../../src/lib/documents/schema';

export const ROOT = path.resolve(import.meta.dirname, '../..');
export const QUICK = process.argv.includes('--quick');
export const P = QUICK
	? {
			rounds: 1,
			traceTxns: 20_000,
			fanDocs: 5,
			fanClients: 4,
			fanSeconds: 3,
			idleWaitMs: 3_000,
			connections: 200,
			idleCpuWindowMs: 4_000,
			coldSamples: 1,
			pageSamples: 1
		}
	: {
			rounds: 4,
			traceTxns: Infinity,
			fanDocs: 50,
			fanClients: 10,
			fanSeconds: 15,
			idleWaitMs: 30_000,
			connections: 2_000,
			idleCpuWindowMs: 12_000,
			coldSamples: 3,
			pageSamples: 3
		};
export const log = (...args: unknown[]): void => console.error(...args);
// Thousands of clients in one process each add an exit listener (y-websocket); that is expected here.
process.setMaxListeners(0);
export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * Before each measured workload: the driver collects the previous workload's clients (with
 * --expose-gc, as `npm run bench` runs it) and lets the sockets settle, so that whichever server
 * goes second does not pay for the first one's leftovers in this process.
 */
export async function settle(): Promise<void> {
	await sleep(500);
	globalThis.gc?.();
	await sleep(500);
}

// ---- servers ------------------------------------------------------------------------------

export interface BenchServer {
	name: 'ours' | 'reference';
	child: ChildProcess;
	port: number;
	url: string;
}

/** Our server, started exactly as in production; diagnostic Node flags go before it. */
const OUR_SERVER_COMMAND = ['--expose-gc', 'build-server/index.js'];

async function waitHttp(port: number, pathName: string): Promise<void> {
	for (let i = 0; i < 400; i++) {
		if ((await httpGet(port, pathName).catch(() => 0)) === 200) return;
		await sleep(50);
	}
	throw new Error(`server on ${port} did not start`);
}

/** CPU time (user + system) a process has used, in seconds (Linux /proc). */
export function cpuSecondsOf(pid: number | undefined): number {
	if (!pid) return 0;
	const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
	return (Number(fields[11]) + Number(fields[12])) / 100;
}

export function rssOf(pid: number | undefined): number {
	const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
	return Number(/VmRSS:\s+(\d+) kB/.exec(status)![1]) * 1024;
}

export async function startOurs(
	databaseFile: string,
	nodeArgs: string[] = []
): Promise<BenchServer> {
	const port = await freePort();
	// BENCH_PROFILE=dir writes a CPU profile of our server (to see where the time goes).
	// BENCH_TRACE_GC=1 prints our server's garbage collections (pauses) on the console.
	const profile = process.env.BENCH_PROFILE
		? ['--cpu-prof', '--cpu-prof-interval=100', `--cpu-prof-dir=${process.env.BENCH_PROFILE}`]
		: [];
	const traceGc = process.env.BENCH_TRACE_GC ? ['--trace-gc'] : [];
	const child = spawn(
		process.execPath,
		[...profile, ...traceGc, ...nodeArgs, ...OUR_SERVER_COMMAND],
		{
			cwd: ROOT,
			env: {
				...process.env,
				PORT: String(port),
				HOST: '127.0.0.1',
				DATABASE_URL: databaseFile,
				SEED_DEMO: 'false',
				LOG_LEVEL: 'silent',
				COLLAB_UNLOAD_DELAY_MS: '2000'
			},
			stdio: ['ignore', traceGc.length ? 'inherit' : 'ignore', 'inherit']
		}
	);
	await waitHttp(port, '/healthz');
	return { name: 'ours', child, port, url: `ws://127.0.0.1:${port}/collab` };
}

export async function startReference(): Promise<BenchServer> {
	const port = await freePort();
	// BENCH_PROFILE_REFERENCE=dir profiles the reference (a profile is written on a clean exit only).
	const profile = process.env.BENCH_PROFILE_REFERENCE
		? [
				'--cpu-prof',
				'--cpu-prof-interval=100',
				`--cpu-prof-dir=${process.env.BENCH_PROFILE_REFERENCE}`,
				'--import',
				'data:text/javascript,process.on("SIGTERM",()=>process.exit(0))'
			]
		: [];
	const child = spawn(
		process.execPath,
		[...profile, 'node_modules/@y/websocket-server/src/server.js'],
		{
			cwd: ROOT,
			env: { ...process.env, HOST: '127.0.0.1', PORT: String(port) },
			stdio: ['ignore', 'ignore', 'inherit']
		}
	);
	await waitHttp(port, '/');
	return { name: 'reference', child, port, url: `ws://127.0.0.1:${port}` };
}

export async function stop(server: BenchServer): Promise<void> {
	const exited = new Promise((resolve) => server.child.once('exit', resolve));
	server.child.kill('SIGTERM');
	await Promise.race([exited, sleep(10_000).then(() => server.child.kill('SIGKILL'))]);
}

// ---- clients ------------------------------------------------------------------------------

export interface BenchClient {
	doc: Y.Doc;
	provider: WebsocketProvider;
	synced: Promise<void>;
	close: () => void;
}

/** A genuine y-websocket client; the reference has no authentication, so it gets no cookie. */
export function connect(server: BenchServer, room: string, token: string): BenchClient {
	const doc = new Y.Doc();
	const WebSocketPolyfill = webSocketWithCookie(
		server.name === 'ours' ? token : null
	) as unknown as typeof globalThis.WebSocket;
	const provider = new WebsocketProvider(server.url, room, doc, {
		WebSocketPolyfill,
		disableBc: true
	});
	const synced = new Promise<void>((resolve) => provider.once('sync', () => resolve()));
	return {
		doc,
		provider,
		synced,
		close: () => {
			provider.destroy();
			doc.destroy();
		}
	};
}

// ---- workloads ----------------------------------------------------------------------------

// Writers type where the editor keeps text (our server refuses anything else): the body's first
// paragraph, which the writer creates once synced (tests/helpers/content.ts). Others only read it.

/** The body's first paragraph, or null until it has arrived (never created: readers only read). */
export function typedText(doc: Y.Doc): Y.XmlText | null {
	const block = doc.getXmlFragment(DOCUMENT_FRAGMENT).get(0) as Y.XmlElement | undefined;
	return (block?.get(0) as Y.XmlText | undefined) ?? null;
}

/** The whole body, markup included: equal bodies hold the same blocks and the same text. */
export function bodyMarkup(doc: Y.Doc): string {
	return doc.getXmlFragment(DOCUMENT_FRAGMENT).toString();
}

async function until(check: () => boolean, what: string, timeoutMs = 30_000): Promise<void> {
	const deadline = performance.now() + timeoutMs;
	while (!check()) {
		if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
		await sleep(10);
	}
}

/** The text after the first `count` transactions of the trace. */
export function expectedText(trace: EditingTrace, count: number): string {
	if (count >= trace.txns.length) return trace.endContent;
	let text = trace.startContent;
	for (let i = 0; i < count; i++)
		for (const [pos, del, ins] of trace.txns[i].patches)
			text = text.slice(0, pos) + ins + text.slice(pos + del);
	return text;
}

export interface ReplayResult {
	editsPerSecond: number;
	seconds: number;
	edits: number;
}

/** 1. One writer replays the trace, one observer: edits/s until the observer holds the final text. */
export async function traceReplay(
	server: BenchServer,
	room: string,
	token: string,
	trace: EditingTrace,
	count: number,
	finalText: string
): Promise<ReplayResult> {
	const writer = connect(server, room, token);
	const observer = connect(server, room, token);
	await Promise.all([writer.synced, observer.synced]);
	const text = paragraph(writer.doc, 0);
	const done = new Promise<void>((resolve) => {
		const check = () => {
			const observed = typedText(observer.doc);
			if (observed?.length === finalText.length && observed.toString() === finalText) {
				observer.doc.off('update', check);
				resolve();
			}
		};
		observer.doc.on('update', check);
	});
	const start = performance.now();
	for (let i = 0; i < count; i++) {
		applyTxn(text, trace.txns[i]);
		if (i % 500 === 499) await new Promise((r) => setImmediate(r)); // let the sockets breathe, like a real typist's client
	}
	await done;
	const seconds = (performance.now() - start) / 1000;
	const edits = trace.txns.slice(0, count).reduce((n, t) => n + t.patches.length, 0);
	writer.close();
	observer.close();
	return { editsPerSecond: edits / seconds, seconds, edits };
}

export function percentile(sorted: number[], p: number): number {
	return sorted.length
		? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]
		: NaN;
}

export interface FanoutResult {
	p50: number;
	p95: number;
	p99: number;
	max: number;
	received: number;
	expected: number;
	/** No update lost: every observer ends with the writer's text. */
	converged: boolean;
	rssUnderLoad: number;
	/** [ms since typing started, latency] of the slow deliveries, to see when stalls happen. */
	slow: [number, number][];
}

/** 2. D documents × C clients, one writer per document typing 5 characters a second. */
export async function typingFanout(
	server: BenchServer,
	rooms: string[],
	tokens: string[]
): Promise<FanoutResult> {
	const latencies: number[] = [];
	const slow: [number, number][] = [];
	let startedAt = 0;
	const groups: BenchClient[][] = [];
	for (let d = 0; d < P.fanDocs; d++) {
		const clients: BenchClient[] = [];
		for (let c = 0; c < P.fanClients; c++)
			clients.push(connect(server, rooms[d % rooms.length], tokens[c % tokens.length]));
		groups.push(clients);
	}
	await Promise.all(groups.flat().map((c) => c.synced));
	const written = groups.map((clients) => paragraph(clients[0].doc, 0));
	await until(
		() => groups.every((clients) => clients.every((c) => typedText(c.doc))),
		'every observer to receive its writer’s paragraph'
	);
	const sentAt: number[][] = groups.map(() => []);
	const base = written.map((text) => text.length);
	groups.forEach((clients, d) => {
		for (const observer of clients.slice(1)) {
			const text = typedText(observer.doc)!;
			let seen = text.length;
			observer.doc.on('update', () => {
				const now = performance.now();
				for (; seen < text.length; seen++) {
					const at = sentAt[d][seen - base[d]];
					if (at !== undefined) {
						latencies.push(now - at);
						if (now - at > 20) slow.push([Math.round(at - startedAt), Math.round(now - at)]);
					}
				}
			});
		}
	});
	startedAt = performance.now();
	const timers = groups.map((clients, d) =>
		setInterval(() => {
			const text = written[d];
			sentAt[d].push(performance.now());
			text.insert(text.length, 'a');
		}, 200)
	);
	await sleep((P.fanSeconds * 1000) / 2);
	const rssUnderLoad = rssOf(server.child.pid);
	await sleep((P.fanSeconds * 1000) / 2);
	timers.forEach(clearInterval);
	await sleep(1000);
	const converged = groups.every((clients) =>
		clients.every((c) => bodyMarkup(c.doc) === bodyMarkup(clients[0].doc))
	);
	for (const c of groups.flat()) c.close();
	latencies.sort((a, b) => a - b);
	const expected = sentAt.reduce((n, s) => n + s.length, 0) * (P.fanClients - 1);
	return {
		p50: percentile(latencies, 50),
		p95: percentile(latencies, 95),
		p99: percentile(latencies, 99),
		max: latencies.at(-1) ?? NaN,
		received: latencies.length,
		expected,
		converged,
		rssUnderLoad,
		slow
	};
}

/** 5. Memory per idle connection with N connections open. */
export async function idleConnections(
	server: BenchServer,
	rooms: string[],
	tokens: string[]
): Promise<{
	bytesPerConnection: number;
	before: number;
	after: number;
	idleCpuMsPerSecond: number;
}> {
	const before = rssOf(server.child.pid);
	const clients: BenchClient[] = [];
	for (let i = 0; i < P.connections; i++) {
		clients.push(connect(server, rooms[i % rooms.length], tokens[i % tokens.length]));
		if (i % 100 === 99) await Promise.all(clients.slice(-100).map((c) => c.synced));
	}
	await Promise.all(clients.map((c) => c.synced));
	await sleep(2000);
	const after = rssOf(server.child.pid);
	// What keeping them costs while nobody types: mostly liveness pings (ours every 4 s so that a
	// dropped colleague leaves the presence list within 10 s; the reference every 30 s).
	const cpuBefore = cpuSecondsOf(server.child.pid);
	await sleep(P.idleCpuWindowMs);
	const idleCpuMsPerSecond =
		((cpuSecondsOf(server.child.pid) - cpuBefore) * 1000) / (P.idleCpuWindowMs / 1000);
	for (const c of clients) c.close();
	return {
		bytesPerConnection: (after - before) / P.connections,
		before,
		after,
		idleCpuMsPerSecond
	};
}
