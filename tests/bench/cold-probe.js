// Diagnostic for the cold-open figure: where do the milliseconds go? (not part of npm run bench)
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs'; import os from 'node:os'; import path from 'node:path'; import zlib from 'node:zlib';
import WebSocket from 'ws'; import * as Y from 'yjs'; import { WebsocketProvider } from 'y-websocket';
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cold-')); const file = path.join(dir, 'db.sqlite');
const setup = JSON.parse(execFileSync(process.execPath, ['build-server/index.js', 'bench-setup', '1', '1'], { env: { ...process.env, DATABASE_URL: file, LOG_LEVEL: 'silent' } }).toString().trim().split('\n').pop());
const start = async () => { const c = spawn(process.execPath, ['build-server/index.js'], { env: { ...process.env, PORT: '4777', HOST: '127.0.0.1', DATABASE_URL: file, SEED_DEMO: 'false', LOG_LEVEL: 'silent' }, stdio: 'inherit' }); for (;;) { try { const r = await fetch('http://127.0.0.1:4777/healthz'); if (r.ok) return c; } catch {} await new Promise((r) => setTimeout(r, 50)); } };
const Ws = class extends WebSocket { constructor(u, p) { super(u, p, { headers: { cookie: `assemblier-session=${setup.tokens[0]}` } }); } };
const connect = () => { const doc = new Y.Doc(); const provider = new WebsocketProvider('ws://127.0.0.1:4777/collab', setup.documentIds[0], doc, { WebSocketPolyfill: Ws, disableBc: true }); return { doc, provider }; };
let server = await start();
const t = JSON.parse(zlib.gunzipSync(fs.readFileSync('tests/fixtures/editing-traces/automerge-paper.json.gz')));
const w = connect(); await new Promise((r) => w.provider.once('sync', r)); const txt = w.doc.getText('t');
for (const [i, x] of t.txns.entries()) { w.doc.transact(() => { for (const [p, d, s] of x.patches) { if (d) txt.delete(p, d); if (s) txt.insert(p, s); } }); if (i % 500 === 0) await new Promise((r) => setImmediate(r)); }
await new Promise((r) => setTimeout(r, 3000)); w.provider.destroy();
await new Promise((r) => setTimeout(r, 3000));
for (let i = 0; i < 3; i++) {
	server.kill('SIGTERM'); await new Promise((r) => server.once('exit', r)); server = await start();
	const t0 = performance.now(); const c = connect(); let opened = 0, applyMs = 0;
	c.provider.on('status', (e) => { if (e.status === 'connected') opened = performance.now() - t0; });
	c.doc.on('beforeTransaction', () => (c._t = performance.now())); c.doc.on('afterTransaction', () => (applyMs += performance.now() - c._t));
	await new Promise((r) => c.provider.once('sync', r));
	console.log(`open ${opened.toFixed(1)} ms, synced ${(performance.now() - t0).toFixed(1)} ms, client apply ${applyMs.toFixed(1)} ms, ok ${c.doc.getText('t').toString() === t.endContent}`);
	c.provider.destroy();
}
server.kill('SIGTERM'); fs.rmSync(dir, { recursive: true, force: true }); process.exit(0);
