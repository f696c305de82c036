// `npm start` under a supervisor that signals only the process it started (a container whose
// first process is `npm start`, systemd's main PID): the server must get the signal, flush and
// exit, the port must be free again, nothing may be left behind, and npm must exit with the
// server's code (issue 10, defect 4). npm runs the script through `sh -c`, and dash does not
// exec the last command: before the fix the shell died and the server was orphaned.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { onCleanup } from '../helpers/cleanup';
import { freshDb } from '../helpers/db';
import { httpGet } from '../helpers/net';
import { freePort, useBuiltServer } from '../helpers/process';

useBuiltServer();

const ROOT = path.resolve(import.meta.dirname, '../..');

/** The parent pid of each live process, from /proc (Linux). */
function parents(): Map<number, number> {
	const map = new Map<number, number>();
	for (const entry of fs.readdirSync('/proc')) {
		if (!/^\d+$/.test(entry)) continue;
		try {
			// pid (comm) state ppid …; comm may hold spaces and parentheses: split after the last ')'.
			const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
			const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
			map.set(Number(entry), ppid);
		} catch {
			// gone meanwhile
		}
	}
	return map;
}

function descendants(pid: number): number[] {
	const map = parents();
	const found: number[] = [];
	const queue = [pid];
	while (queue.length) {
		const parent = queue.shift()!;
		for (const [child, ppid] of map)
			if (ppid === parent) {
				found.push(child);
				queue.push(child);
			}
	}
	return found;
}

function alive(pid: number): boolean {
	try {
		process.kill(pid, 0);
		return true;
	} catch {
		return false;
	}
}

function portIsFree(port: number): Promise<boolean> {
	return new Promise((resolve) => {
		const server = net.createServer();
		server.once('error', () => resolve(false));
		server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
	});
}

async function startAndSignal(signal: 'SIGTERM' | 'SIGINT') {
	const { url } = await freshDb();
	const port = await freePort();
	const env: NodeJS.ProcessEnv = {
		...process.env,
		PORT: String(port),
		DATABASE_URL: url,
		SEED_DEMO: 'false',
		ORIGIN: ''
	};
	delete env.LOG_LEVEL; // the shutdown line must be logged
	delete env.HOST; // npm start's own default (loopback)
	const npm = spawn('npm', ['start'], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
	let output = '';
	npm.stdout.on('data', (d) => (output += d));
	npm.stderr.on('data', (d) => (output += d));
	const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
		npm.on('exit', (code, sig) => resolve({ code, signal: sig }))
	);
	let tree: number[] = [];
	// Whatever happens, nothing this test started survives it (by pid, never by name).
	onCleanup(() => {
		for (const pid of [npm.pid!, ...tree]) if (alive(pid)) process.kill(pid, 'SIGKILL');
	});

	// npm start builds first when the sources are newer than the build.
	const deadline = Date.now() + 120_000;
	for (;;) {
		if (npm.exitCode !== null) throw new Error(`npm start exited early:\n${output}`);
		if ((await httpGet(port, '/healthz').catch(() => 0)) === 200) break;
		if (Date.now() > deadline) throw new Error(`npm start did not become healthy:\n${output}`);
		await new Promise((r) => setTimeout(r, 100));
	}
	tree = descendants(npm.pid!);
	expect(tree.length).toBeGreaterThan(0);

	npm.kill(signal); // npm's pid only, as a supervisor does: not the process group
	const result = await Promise.race([
		exited,
		new Promise<null>((r) => setTimeout(() => r(null), 20_000))
	]);
	expect(result, `npm start did not exit on ${signal}:\n${output}`).toEqual({
		code: 0,
		signal: null
	});
	// The whole tree is gone, the port is free, the graceful shutdown ran.
	const stayed = tree.filter(alive);
	expect(stayed, `left behind:\n${output}`).toEqual([]);
	expect(await portIsFree(port)).toBe(true);
	expect(output).toContain(`${signal} reçu : arrêt propre`);
	return output;
}

describe('npm start and signals', () => {
	it('SIGTERM to npm alone reaches the server: flushed, exited 0, port free, nothing left', async () => {
		await startAndSignal('SIGTERM');
	}, 180_000);

	it('SIGINT likewise', async () => {
		await startAndSignal('SIGINT');
	}, 180_000);
});
