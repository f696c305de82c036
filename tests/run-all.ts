// `npm test`, after the type check and the lint: Vitest and Playwright side by side. The
// browser scenarios spend most of their time waiting (pages, sockets, the editor's sync: about a
// third of two cores used), so Vitest runs meanwhile instead of before them. The production
// build and Chromium are made ready first, once (both suites would otherwise build it, and two
// builds at once corrupt the output). Playwright's lines are shown as they come; Vitest's
// report is shown whole when it ends, then the verdict of both.
import { spawn, type ChildProcess } from 'node:child_process';
import { ensureBuild } from '../server/scripts/ensure-build.js';

function run(command: string, args: string[], output: 'inherit' | 'buffer') {
	const child: ChildProcess = spawn(command, args, {
		stdio: output === 'inherit' ? 'inherit' : ['ignore', 'pipe', 'pipe'],
		env: process.env
	});
	let text = '';
	child.stdout?.on('data', (chunk) => (text += chunk));
	child.stderr?.on('data', (chunk) => (text += chunk));
	const done = new Promise<number>((resolve) => child.on('exit', (code) => resolve(code ?? 1)));
	return { child, done, text: () => text };
}

const chromium = run('node', ['server/scripts/ensure-chromium.js'], 'inherit');
if ((await chromium.done) !== 0) process.exit(1);
ensureBuild();

const vitest = run('npx', ['vitest', 'run'], 'buffer');
const e2e = run('node', ['--import', 'tsx', 'tests/e2e/run.ts'], 'inherit');
for (const signal of ['SIGINT', 'SIGTERM'] as const)
	process.on(signal, () => [vitest, e2e].forEach(({ child }) => child.kill(signal)));

const [vitestStatus, e2eStatus] = await Promise.all([vitest.done, e2e.done]);
console.log('\n──── Vitest (unit, collab, process; SQLite and PostgreSQL) ────\n');
console.log(vitest.text());
console.log(
	`Vitest: ${vitestStatus === 0 ? 'passed' : 'FAILED'} · Playwright: ${e2eStatus === 0 ? 'passed' : 'FAILED'}`
);
process.exit(vitestStatus || e2eStatus);
