// `npm run test:e2e`: Playwright against a server on SQLite and one on PostgreSQL. Both
// databases are made here, before Playwright starts its web servers, and removed afterwards
// whatever happens (an interrupted run included). PostgreSQL unreachable: the run fails at
// once, saying so.
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

const playwright = spawn(
	'npx',
	['playwright', 'test', '-c', 'tests/e2e/playwright.config.ts', ...process.argv.slice(2)],
	{
		stdio: 'inherit',
		env: {
			...process.env,
			E2E_SQLITE_URL: path.join(sqliteDir, 'e2e.sqlite'),
			E2E_POSTGRES_URL: url
		}
	}
);
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
	process.on(signal, () => playwright.kill(signal));
}
const status = await new Promise<number>((resolve) =>
	playwright.on('exit', (code) => resolve(code ?? 1))
);
await cleanUp();
process.exit(status);
