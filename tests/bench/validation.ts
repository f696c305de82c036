// What issue 10's checks cost, for the benchmark:
// - the schema check of every editor update (lib/server/documents/update-check.ts), per
//   keystroke of a real trace and for the whole trace sent as one update, beside Yjs' own apply;
// - how long the server stays unresponsive while it is fed malformed frames: a probe asks
//   for presence every 10 ms and times the answer (the event loop's delay, seen from outside),
//   idle then under the fuzz.
import WebSocket from 'ws';
import * as Y from 'yjs';
import * as encoding from 'lib0/encoding';
import * as syncProtocol from 'y-protocols/sync';
import { MessageType } from '../../src/lib/collab/protocol';
import { checkUpdate } from '../../src/lib/server/documents/update-check';
import { paragraph } from '../helpers/content';
import { applyTxn, type EditingTrace } from '../helpers/traces';
import { webSocketWithCookie } from '../helpers/ws';
import { percentile, sleep, type BenchServer } from './harness';

export interface UpdateCheckCost {
	updates: number;
	/** Median and 99th percentile per keystroke update, in microseconds. */
	checkP50Us: number;
	checkP99Us: number;
	applyP50Us: number;
	/** Total check time over total apply time, for the keystrokes. */
	checkOverApply: number;
	/** The whole trace as one update into an empty document. */
	wholeCheckMs: number;
	wholeApplyMs: number;
}

export function updateCheckCost(trace: EditingTrace, count: number): UpdateCheckCost {
	const client = new Y.Doc();
	const updates: Uint8Array[] = [];
	client.on('update', (update: Uint8Array) => updates.push(update));
	const text = paragraph(client);
	for (let i = 0; i < count; i++) applyTxn(text, trace.txns[i]);

	const server = new Y.Doc();
	const check: number[] = [];
	const apply: number[] = [];
	for (const update of updates) {
		const t0 = performance.now();
		const refusal = checkUpdate(server, update);
		const t1 = performance.now();
		Y.applyUpdate(server, update);
		const t2 = performance.now();
		if (refusal) throw new Error(`the check refused a keystroke: ${refusal}`);
		check.push((t1 - t0) * 1000);
		apply.push((t2 - t1) * 1000);
	}
	const whole = Y.encodeStateAsUpdate(client);
	const fresh = new Y.Doc();
	const t0 = performance.now();
	checkUpdate(fresh, whole);
	const t1 = performance.now();
	Y.applyUpdate(fresh, whole);
	const t2 = performance.now();
	const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);
	const sortedCheck = [...check].sort((a, b) => a - b);
	return {
		updates: updates.length,
		checkP50Us: percentile(sortedCheck, 50),
		checkP99Us: percentile(sortedCheck, 99),
		applyP50Us: percentile(
			[...apply].sort((a, b) => a - b),
			50
		),
		checkOverApply: sum(check) / sum(apply),
		wholeCheckMs: t1 - t0,
		wholeApplyMs: t2 - t1
	};
}

// ---- the fuzz --------------------------------------------------------------------------------

const sync = (write: (e: encoding.Encoder) => void) => {
	const encoder = encoding.createEncoder();
	encoding.writeVarUint(encoder, MessageType.sync);
	write(encoder);
	return encoding.toUint8Array(encoder);
};

/** An update the server refuses (a javascript: link), built like an editor's. */
function forbiddenUpdate(): Uint8Array {
	const doc = new Y.Doc();
	paragraph(doc).insert(0, 'cliquez', { link: { href: 'javascript:alert(1)' } });
	return Y.encodeStateAsUpdate(doc);
}

/** Frames that close their socket, and frames the socket survives (refused or dropped). */
const CLOSING: (() => Uint8Array | string)[] = [
	() => Uint8Array.from([MessageType.sync, syncProtocol.messageYjsUpdate, 200, 1, 2, 3]),
	() => Uint8Array.from([MessageType.sync, syncProtocol.messageYjsSyncStep1, 2, 5, 1]),
	() => Uint8Array.from([MessageType.sync, 9]),
	() => Uint8Array.from([42]),
	() => new Uint8Array(),
	() => Uint8Array.from([MessageType.awareness, 5, 1, 2]),
	() => 'texte'
];
const SURVIVING: (() => Uint8Array)[] = [
	() => sync((e) => syncProtocol.writeUpdate(e, forbiddenUpdate())),
	() => {
		const doc = new Y.Doc();
		const text = paragraph(doc);
		text.insert(0, 'a');
		const before = Y.encodeStateVector(doc);
		text.insert(1, 'b');
		return sync((e) => syncProtocol.writeUpdate(e, Y.encodeStateAsUpdate(doc, before)));
	}
];

export interface FuzzDelay {
	frames: number;
	sockets: number;
	idleP99Ms: number;
	idleMaxMs: number;
	fuzzP99Ms: number;
	fuzzMaxMs: number;
}

/** Round trips of a presence query every 10 ms, until `until` resolves. */
async function probe(ws: WebSocket, until: Promise<unknown>): Promise<number[]> {
	const times: number[] = [];
	let done = false;
	void until.then(() => (done = true));
	while (!done) {
		const start = performance.now();
		await new Promise<void>((resolve) => {
			const onMessage = (data: Buffer) => {
				if (data[0] !== MessageType.awareness) return;
				ws.off('message', onMessage);
				resolve();
			};
			ws.on('message', onMessage);
			ws.send(Uint8Array.from([MessageType.queryAwareness]));
		});
		times.push(performance.now() - start);
		await sleep(10);
	}
	return times.sort((a, b) => a - b);
}

function open(server: BenchServer, room: string, token: string): Promise<WebSocket> {
	const Ws = webSocketWithCookie(token);
	const ws = new Ws(`${server.url}/${room}`);
	return new Promise((resolve, reject) => {
		ws.once('open', () => resolve(ws));
		ws.once('error', reject);
	});
}

/** Sends every category `perCategory` times, 20 sockets at a time, while a probe times the server. */
export async function fuzzDelay(
	server: BenchServer,
	room: string,
	token: string,
	perCategory: number
): Promise<FuzzDelay> {
	const probeSocket = await open(server, room, token);
	const idle = await probe(probeSocket, sleep(1_000));
	let frames = 0;
	let sockets = 0;
	const fuzz = (async () => {
		const jobs: (() => Promise<void>)[] = [];
		for (let round = 0; round < perCategory; round++)
			for (const closing of CLOSING)
				jobs.push(async () => {
					const ws = await open(server, room, token);
					sockets++;
					const closed = new Promise((resolve) => ws.once('close', resolve));
					// The surviving kinds first on each socket, then the one that closes it.
					for (const frame of [...SURVIVING, closing]) {
						ws.send(frame());
						frames++;
					}
					await closed;
				});
		for (let i = 0; i < jobs.length; i += 20)
			await Promise.all(jobs.slice(i, i + 20).map((j) => j()));
	})();
	const underFuzz = await probe(probeSocket, fuzz);
	probeSocket.close();
	return {
		frames,
		sockets,
		idleP99Ms: percentile(idle, 99),
		idleMaxMs: idle[idle.length - 1],
		fuzzP99Ms: percentile(underFuzz, 99),
		fuzzMaxMs: underFuzz[underFuzz.length - 1]
	};
}
