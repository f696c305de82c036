// `npm run test:e2e`: Playwright against a server on SQLite and one on PostgreSQL, in two
// processes at once. Both databases are made here, before Playwright starts its web servers,
// and removed afterwards whatever happens (an interrupted run included). PostgreSQL
// unreachable: the run fails at once, saying so.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
	assertPostgresReachable,
	createPostgresDatabase,
	dropPostgresDatabase
} from '../helpers/dialect';

await assertPostgresReachable();
const sqliteDir = fs.mkdtempSync(path.join(os.tmpdir(), 'assemblier-e2e-'));
const { url, name } = await createPostgresDatabase();

let cleaned: Promise<void> | null = null;
const cleanUp = () =>
	(cleaned ??= (async () => {
		fs.rmSync(sqliteDir, { recursive: true, force: true });
		await dropPostgresDatabase(name);
	})());

// One Playwright process per database, side by side (each with its own server and demo
// territory: they share nothing): the run takes the longer of the two rather than their sum.
// `--project <name>` among the arguments runs that one only.
const args = process.argv.slice(2);
const at = args.indexOf('--project');
const projects = at >= 0 ? [args[at + 1]] : ['sqlite', 'postgres'];
const rest = at >= 0 ? [...args.slice(0, at), ...args.slice(at + 2)] : args;
const children = projects.map((project) =>
	spawn(
		'npx',
		// Filters first: `--project` takes every word after it.
		['playwright', 'test', '-c', 'tests/e2e/playwright.config.ts', ...rest, '--project', project],
		{
			stdio: 'inherit',
			env: {
				...process.env,
				E2E_PROJECT: project,
				E2E_SQLITE_URL: path.join(sqliteDir, 'e2e.sqlite'),
				E2E_POSTGRES_URL: url
			}
		}
	)
);
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
	process.on(signal, () => children.forEach((child) => child.kill(signal)));
}
const statuses = await Promise.all(
	children.map(
		(child) => new Promise<number>((resolve) => child.on('exit', (code) => resolve(code ?? 1)))
	)
);
const status = statuses.find((code) => code !== 0) ?? 0;
await cleanUp();
process.exit(status);
