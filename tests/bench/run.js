// `npm run bench [-- --quick]`: our collaboration server against the reference
// @y/websocket-server 0.1.1, same workloads, alternating A/B over several rounds, driven by
// the genuine y-websocket client from this process (the servers are child processes).
import { spawn, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import WebSocket from 'ws';
import * as Y from 'yjs';
import { WebsocketProvider } from 'y-websocket';
import { ensureBuild } from '../../server/scripts/ensure-build.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const QUICK = process.argv.includes('--quick');
const P = QUICK
	? { rounds: 1, traceTxns: 20_000, fanDocs: 5, fanClients: 4, fanSeconds: 3, idleWaitMs: 3_000, connections: 200, coldSamples: 1 }
	: { rounds: 3, traceTxns: Infinity, fanDocs: 50, fanClients: 10, fanSeconds: 15, idleWaitMs: 30_000, connections: 2_000, coldSamples: 3 };
const COOKIE = 'assemblier-session';
const log = (...args) => console.error(...args);
// Thousands of clients in one process each add an exit listener (y-websocket); that is expected here.
process.setMaxListeners(0);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// ---- servers ------------------------------------------------------------------------------

function freePort() {
	return new Promise((resolve) => {
		const s = net.createServer().listen(0, '127.0.0.1', () => {
			const { port } = s.address();
			s.close(() => resolve(port));
		});
	});
}

async function waitHttp(port, pathName) {
	for (let i = 0; i < 400; i++) {
		const ok = await new Promise((resolve) => http.get({ host: '127.0.0.1', port, path: pathName }, (res) => { res.resume(); resolve(res.statusCode === 200); }).on('error', () => resolve(false)));
		if (ok) return;
		await sleep(50);
	}
	throw new Error(`server on ${port} did not start`);
}

function rssOf(pid) {
	const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
	return Number(/VmRSS:\s+(\d+) kB/.exec(status)[1]) * 1024;
}

async function startOurs(databaseFile) {
	const port = await freePort();
	// BENCH_PROFILE=dir writes a CPU profile of our server (to see where the time goes).
	const profile = process.env.BENCH_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE}`] : [];
	const child = spawn(process.execPath, [...profile, 'build-server/index.js'], {
		cwd: ROOT,
		env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', DATABASE_URL: databaseFile, SEED_DEMO: 'false', LOG_LEVEL: 'silent', COLLAB_UNLOAD_DELAY_MS: '2000' },
		stdio: ['ignore', 'ignore', 'inherit']
	});
	await waitHttp(port, '/healthz');
	return { name: 'ours', child, port, url: `ws://127.0.0.1:${port}/collab` };
}

async function startReference() {
	const port = await freePort();
	const child = spawn(process.execPath, ['node_modules/@y/websocket-server/src/server.js'], { cwd: ROOT, env: { ...process.env, HOST: '127.0.0.1', PORT: String(port) }, stdio: ['ignore', 'ignore', 'inherit'] });
	await waitHttp(port, '/');
	return { name: 'reference', child, port, url: `ws://127.0.0.1:${port}` };
}

async function stop(server) {
	const exited = new Promise((resolve) => server.child.once('exit', resolve));
	server.child.kill('SIGTERM');
	await Promise.race([exited, sleep(10_000).then(() => server.child.kill('SIGKILL'))]);
}

// ---- clients ------------------------------------------------------------------------------

function socketClass(token) {
	return class extends WebSocket {
		constructor(url, protocols) {
			super(url, protocols, { headers: token ? { cookie: `${COOKIE}=${token}` } : {} });
		}
	};
}

function connect(server, room, token) {
	const doc = new Y.Doc();
	const provider = new WebsocketProvider(server.url, room, doc, { WebSocketPolyfill: socketClass(server.name === 'ours' ? token : null), disableBc: true });
	const synced = new Promise((resolve) => provider.once('sync', () => resolve()));
	return { doc, provider, synced, close: () => { provider.destroy(); doc.destroy(); } };
}

// ---- workloads ----------------------------------------------------------------------------

function loadTrace(name) {
	return JSON.parse(zlib.gunzipSync(fs.readFileSync(path.join(ROOT, 'tests/fixtures/editing-traces', `${name}.json.gz`))).toString('utf8'));
}

function expectedText(trace, count) {
	if (count >= trace.txns.length) return trace.endContent;
	let text = trace.startContent;
	for (let i = 0; i < count; i++) for (const [pos, del, ins] of trace.txns[i].patches) text = text.slice(0, pos) + ins + text.slice(pos + del);
	return text;
}

/** 1. One writer replays the trace, one observer: edits/s until the observer holds the final text. */
async function traceReplay(server, room, token, trace, count, finalText) {
	const writer = connect(server, room, token);
	const observer = connect(server, room, token);
	await Promise.all([writer.synced, observer.synced]);
	const text = writer.doc.getText('t');
	const observed = observer.doc.getText('t');
	const done = new Promise((resolve) => {
		const check = () => {
			if (observed.length === finalText.length && observed.toString() === finalText) {
				observer.doc.off('update', check);
				resolve();
			}
		};
		observer.doc.on('update', check);
	});
	const start = performance.now();
	for (let i = 0; i < count; i++) {
		const txn = trace.txns[i];
		writer.doc.transact(() => {
			for (const [pos, del, ins] of txn.patches) {
				if (del) text.delete(pos, del);
				if (ins) text.insert(pos, ins);
			}
		});
		if (i % 500 === 499) await new Promise((r) => setImmediate(r)); // let the sockets breathe, like a real typist's client
	}
	await done;
	const seconds = (performance.now() - start) / 1000;
	const edits = trace.txns.slice(0, count).reduce((n, t) => n + t.patches.length, 0);
	writer.close();
	observer.close();
	return { editsPerSecond: edits / seconds, seconds, edits };
}

function percentile(sorted, p) {
	return sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] : NaN;
}

/** 2. D documents × C clients, one writer per document typing 5 characters a second. */
async function typingFanout(server, rooms, tokens) {
	const latencies = [];
	const groups = [];
	for (let d = 0; d < P.fanDocs; d++) {
		const clients = [];
		for (let c = 0; c < P.fanClients; c++) clients.push(connect(server, rooms[d % rooms.length], tokens[c % tokens.length]));
		groups.push(clients);
	}
	await Promise.all(groups.flat().map((c) => c.synced));
	const sentAt = groups.map(() => []);
	const base = groups.map((g) => g[0].doc.getText('t').length);
	groups.forEach((clients, d) => {
		for (const observer of clients.slice(1)) {
			const text = observer.doc.getText('t');
			let seen = text.length;
			observer.doc.on('update', () => {
				const now = performance.now();
				for (; seen < text.length; seen++) {
					const at = sentAt[d][seen - base[d]];
					if (at !== undefined) latencies.push(now - at);
				}
			});
		}
	});
	const timers = groups.map((clients, d) =>
		setInterval(() => {
			const text = clients[0].doc.getText('t');
			sentAt[d].push(performance.now());
			text.insert(text.length, 'a');
		}, 200)
	);
	await sleep((P.fanSeconds * 1000) / 2);
	const rssUnderLoad = rssOf(server.child.pid);
	await sleep((P.fanSeconds * 1000) / 2);
	timers.forEach(clearInterval);
	await sleep(1000);
	// No update lost: every observer ends with the writer's text.
	const converged = groups.every((clients) => clients.every((c) => c.doc.getText('t').toString() === clients[0].doc.getText('t').toString()));
	for (const c of groups.flat()) c.close();
	latencies.sort((a, b) => a - b);
	const expected = sentAt.reduce((n, s) => n + s.length, 0) * (P.fanClients - 1);
	return { p50: percentile(latencies, 50), p95: percentile(latencies, 95), p99: percentile(latencies, 99), max: latencies.at(-1), received: latencies.length, expected, converged, rssUnderLoad };
}

/** 5. Memory per idle connection with N connections open. */
async function idleConnections(server, rooms, tokens) {
	const before = rssOf(server.child.pid);
	const clients = [];
	for (let i = 0; i < P.connections; i++) {
		clients.push(connect(server, rooms[i % rooms.length], tokens[i % tokens.length]));
		if (i % 100 === 99) await Promise.all(clients.slice(-100).map((c) => c.synced));
	}
	await Promise.all(clients.map((c) => c.synced));
	await sleep(2000);
	const after = rssOf(server.child.pid);
	for (const c of clients) c.close();
	return { bytesPerConnection: (after - before) / P.connections, before, after };
}

// ---- the run ------------------------------------------------------------------------------

function median(values) {
	const s = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
	return s.length ? s[Math.floor((s.length - 1) / 2)] : NaN;
}

async function main() {
	process.chdir(ROOT);
	ensureBuild();
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'assemblier-bench-'));
	const databaseFile = path.join(dir, 'bench.sqlite');
	const documentsNeeded = P.rounds + P.fanDocs * P.rounds + 20 + 1;
	const setup = JSON.parse(
		execFileSync(process.execPath, ['build-server/index.js', 'bench-setup', String(documentsNeeded), '8'], { cwd: ROOT, env: { ...process.env, DATABASE_URL: databaseFile, LOG_LEVEL: 'silent' } }).toString().trim().split('\n').pop()
	);
	const docs = [...setup.documentIds];
	const take = (n) => docs.splice(0, n);
	const tokens = setup.tokens;
	const trace = loadTrace('automerge-paper');
	const count = Math.min(P.traceTxns, trace.txns.length);
	const finalText = expectedText(trace, count);

	const results = { ours: { replay: [], fanout: [] }, reference: { replay: [], fanout: [] } };
	let ours = await startOurs(databaseFile);
	let reference = await startReference();
	const idle = { ours: rssOf(ours.child.pid), reference: rssOf(reference.child.pid) };
	// 5. Idle connections first, on servers that have done nothing else yet, so the
	// difference in RSS is the connections' and not leftovers of other workloads.
	log('idle connections…');
	const connRooms = take(20);
	const connections = {
		ours: await idleConnections(ours, connRooms, tokens),
		reference: await idleConnections(reference, connRooms.map((r) => `conn-${r}`), tokens)
	};
	const replayRooms = take(P.rounds);

	for (let round = 0; round < P.rounds; round++) {
		const order = round % 2 ? [reference, ours] : [ours, reference];
		for (const server of order) {
			log(`round ${round + 1}/${P.rounds}: trace replay on ${server.name}…`);
			const room = server.name === 'ours' ? replayRooms[round] : `replay-${round}`;
			results[server.name].replay.push(await traceReplay(server, room, tokens[0], trace, count, finalText));
		}
		const fanRooms = take(P.fanDocs);
		for (const server of order) {
			log(`round ${round + 1}/${P.rounds}: typing fan-out on ${server.name}…`);
			const rooms = server.name === 'ours' ? fanRooms : fanRooms.map((r) => `fan-${round}-${r}`);
			results[server.name].fanout.push(await typingFanout(server, rooms, tokens));
		}
	}

	log(`memory: waiting ${P.idleWaitMs / 1000} s after every client left…`);
	await sleep(P.idleWaitMs);
	const afterLeave = { ours: rssOf(ours.child.pid), reference: rssOf(reference.child.pid) };

	// 3. Cold open of the trace document (stored by normal editing), server freshly started.
	const cold = [];
	let storedMatches = true;
	for (let i = 0; i < P.coldSamples; i++) {
		await stop(ours);
		ours = await startOurs(databaseFile);
		const start = performance.now();
		const client = connect(ours, replayRooms[0], tokens[0]);
		await client.synced;
		cold.push(performance.now() - start);
		storedMatches &&= client.doc.getText('t').toString() === finalText;
		client.close();
	}
	await stop(ours);
	await stop(reference);
	fs.rmSync(dir, { recursive: true, force: true });

	const summary = {};
	for (const name of ['ours', 'reference']) {
		const r = results[name];
		summary[name] = {
			replayEditsPerSecond: median(r.replay.map((x) => x.editsPerSecond)),
			fanoutP50: median(r.fanout.map((x) => x.p50)),
			fanoutP95: median(r.fanout.map((x) => x.p95)),
			fanoutP99: median(r.fanout.map((x) => x.p99)),
			fanoutMax: median(r.fanout.map((x) => x.max)),
			noUpdateLost: r.fanout.every((x) => x.converged && x.received >= x.expected),
			rssIdleMB: idle[name] / 2 ** 20,
			rssUnderLoadMB: median(r.fanout.map((x) => x.rssUnderLoad)) / 2 ** 20,
			rssAfterLeaveMB: afterLeave[name] / 2 ** 20,
			kbPerIdleConnection: connections[name].bytesPerConnection / 1024
		};
	}
	summary.ours.coldOpenMs = median(cold);
	summary.ours.storedEqualsTrace = storedMatches;
	printTable(summary);
	console.log(JSON.stringify({ quick: QUICK, machine: `${os.cpus().length} × ${os.cpus()[0].model}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}`, params: { ...P, traceTxns: count }, summary }));
}

function printTable(s) {
	const fmt = (v, d = 1) => (typeof v === 'number' ? (Number.isFinite(v) ? v.toFixed(d) : '—') : String(v));
	const ratio = (a, b) => (Number.isFinite(a) && Number.isFinite(b) && b ? `${(a / b).toFixed(2)}×` : '—');
	const rows = [
		['Trace replay (edits/s, higher is better)', 'replayEditsPerSecond', 0],
		['Fan-out latency p50 (ms)', 'fanoutP50', 1],
		['Fan-out latency p95 (ms)', 'fanoutP95', 1],
		['Fan-out latency p99 (ms)', 'fanoutP99', 1],
		['Fan-out latency max (ms)', 'fanoutMax', 1],
		['RSS idle (MB)', 'rssIdleMB', 1],
		['RSS under fan-out (MB)', 'rssUnderLoadMB', 1],
		['RSS after clients left (MB)', 'rssAfterLeaveMB', 1],
		['Memory per idle connection (KB)', 'kbPerIdleConnection', 1]
	];
	const lines = [['figure', 'ours', 'reference', 'ours/reference'], ...rows.map(([label, key, d]) => [label, fmt(s.ours[key], d), fmt(s.reference[key], d), ratio(s.ours[key], s.reference[key])])];
	lines.push(['Cold open of the trace document (ms)', fmt(s.ours.coldOpenMs, 1), 'n/a (no storage)', '']);
	lines.push(['No update lost (fan-out)', String(s.ours.noUpdateLost), String(s.reference.noUpdateLost), '']);
	lines.push(['Stored document equals the trace after restart', String(s.ours.storedEqualsTrace), 'n/a', '']);
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
