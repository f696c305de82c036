// Diagnostic for the cold-open figure (not part of npm run bench): where do the milliseconds go?
// Replays the trace into one document, then opens it three times on a freshly started server.
// `node --import tsx tests/bench/cold-probe.ts`
import fs from 'node:fs';
import * as Y from 'yjs';
import { loadTrace } from '../helpers/traces';
import {
	connect,
	expectedText,
	log,
	sleep,
	startOurs,
	stop,
	traceReplay,
	typedText
} from './harness';
import { setupDatabase } from './setup';

const setup = await setupDatabase(1, 1);
const [documentId] = setup.documentIds;
const [token] = setup.tokens;
const trace = loadTrace('automerge-paper');
const finalText = expectedText(trace, trace.txns.length);
let server = await startOurs(setup.databaseFile);
await traceReplay(server, documentId, token, trace, trace.txns.length, finalText);
await sleep(3000);
for (let i = 0; i < 3; i++) {
	await stop(server);
	server = await startOurs(setup.databaseFile);
	const start = performance.now();
	const client = connect(server, documentId, token);
	const marks: { open?: number; applyStart?: number; applied?: number } = {};
	let bytes = 0;
	client.provider.on(
		'status',
		(e) => e.status === 'connected' && (marks.open ??= performance.now() - start)
	);
	client.doc.on('beforeTransaction', () => (marks.applyStart ??= performance.now() - start));
	client.doc.on('afterTransaction', () => (marks.applied ??= performance.now() - start));
	// The provider creates its socket (again on reconnection): count the bytes of each one.
	const hooked = new WeakSet<WebSocket>();
	const hook = setInterval(() => {
		const ws = client.provider.ws;
		if (ws && !hooked.has(ws)) {
			hooked.add(ws);
			ws.addEventListener(
				'message',
				(m: MessageEvent<ArrayBuffer>) => (bytes += m.data.byteLength)
			);
		}
	}, 0);
	await client.synced;
	clearInterval(hook);
	const total = performance.now() - start;
	const state = Y.encodeStateAsUpdate(client.doc);
	log(
		`socket open ${marks.open?.toFixed(1)} ms, first update applied from ${marks.applyStart?.toFixed(1)} to ${marks.applied?.toFixed(1)} ms, synced ${total.toFixed(1)} ms; ${bytes} bytes received, ${Y.decodeUpdate(state).structs.length} structs, text ok ${typedText(client.doc)?.toString() === finalText}`
	);
	client.close();
}
await stop(server);
fs.rmSync(setup.dir, { recursive: true, force: true });
process.exit(0);
