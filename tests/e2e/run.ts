// `npm run test:e2e`: Playwright against a server on SQLite and one on PostgreSQL. The
// PostgreSQL database is created here, before Playwright starts its web servers, and dropped
// afterwards whatever happens. PostgreSQL unreachable: the run fails at once, saying so.
import { spawnSync } from 'node:child_process';
import {
	assertPostgresReachable,
	createPostgresDatabase,
	dropPostgresDatabase
} from '../helpers/dialect';

await assertPostgresReachable();
const { url, name } = await createPostgresDatabase();
let status: number;
try {
	const result = spawnSync(
		'npx',
		['playwright', 'test', '-c', 'tests/e2e/playwright.config.ts', ...process.argv.slice(2)],
		{
			stdio: 'inherit',
			env: { ...process.env, E2E_POSTGRES_URL: url }
		}
	);
	status = result.status ?? 1;
} finally {
	await dropPostgresDatabase(name);
}
process.exit(status);
