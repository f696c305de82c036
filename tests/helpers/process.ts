import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { onCleanup } from './cleanup';
import fs from 'node:fs';
import { httpGet } from './net';

// Moved out so that tests/bench can load it without Vitest; re-exported for the tests.
export { freePort } from './net';

const ROOT = path.resolve(import.meta.dirname, '../..');

/** Tests that run the real production process: the build comes from tests/helpers/global-setup.ts. */
export function useBuiltServer(): void {
	if (!fs.existsSync(path.join(ROOT, 'build-server/index.js')))
		throw new Error('build-server/index.js is missing: run `npm run build`');
}

export interface ServerProcess {
	child: ChildProcess;
	exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
	output: () => string;
}

/** Starts `node build-server/index.js` on `port` against `databaseFile`; resolves once /healthz answers. */
export async function spawnServer(
	port: number,
	databaseFile: string,
	env: Record<string, string | undefined> = {},
	args: string[] = []
): Promise<ServerProcess> {
	const child = spawn(process.execPath, ['--expose-gc', 'build-server/index.js', ...args], {
		cwd: ROOT,
		env: {
			...process.env,
			PORT: String(port),
			HOST: '127.0.0.1',
			DATABASE_URL: databaseFile,
			SEED_DEMO: 'false',
			ORIGIN: '',
			...env
		},
		stdio: ['ignore', 'pipe', 'pipe']
	});
	let output = '';
	child.stdout!.on('data', (d) => (output += d));
	child.stderr!.on('data', (d) => (output += d));
	const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
		child.on('exit', (code, signal) => resolve({ code, signal }))
	);
	onCleanup(() => {
		if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
	});
	const deadline = Date.now() + 20_000;
	for (;;) {
		if (child.exitCode !== null) throw new Error(`server exited early:\n${output}`);
		const status = await httpGet(port, '/healthz').catch(() => 0);
		if (status === 200) break;
		if (Date.now() > deadline) throw new Error(`server did not become healthy:\n${output}`);
		await new Promise((r) => setTimeout(r, 50));
	}
	return { child, exited, output: () => output };
}
