import os from 'node:os';
import path from 'node:path';
import { defineConfig } from '@playwright/test';
import { findChromium } from '../../server/scripts/ensure-chromium.js';

// The scenarios run against two servers: one on a fresh SQLite file, one on a fresh PostgreSQL
// database, both made (and removed) by tests/e2e/run.ts around the run. Each seeds the demo
// territory at start-up, as `npm start` does. tests/e2e/run.ts runs one Playwright process per
// database, side by side (E2E_PROJECT names the one this process serves): the two databases
// share nothing, and the scenarios of each run one after another on their own demo territory.
const ONLY = process.env.E2E_PROJECT;
const SERVERS = [
	{
		name: 'sqlite',
		port: 4173,
		databaseUrl:
			process.env.E2E_SQLITE_URL ?? path.join(os.tmpdir(), `assemblier-e2e-${Date.now()}.sqlite`)
	},
	...(process.env.E2E_POSTGRES_URL
		? [{ name: 'postgres', port: 4174, databaseUrl: process.env.E2E_POSTGRES_URL }]
		: [])
].filter((server) => !ONLY || server.name === ONLY);
const baseUrl = (port: number) => `http://127.0.0.1:${port}`;

export default defineConfig({
	testDir: '.',
	testMatch: '**/*.e2e.ts',
	workers: 1,
	retries: process.env.CI ? 1 : 0,
	timeout: 60_000,
	expect: { timeout: 10_000 },
	reporter: [['list']],
	// One folder per process: Playwright empties its output folder when it starts.
	outputDir: `../../test-results/e2e${ONLY ? `-${ONLY}` : ''}`,
	webServer: SERVERS.map((server) => ({
		command: 'node --expose-gc build-server/index.js serve --demo',
		cwd: '../..',
		url: `${baseUrl(server.port)}/healthz`,
		env: {
			PORT: String(server.port),
			HOST: '127.0.0.1',
			ORIGIN: baseUrl(server.port),
			DATABASE_URL: server.databaseUrl,
			LOG_LEVEL: 'silent',
			// Tacit validation looked for every second (a scenario moves a deadline into the past).
			CONSULTATION_ROUND_MS: '1000'
		},
		reuseExistingServer: false,
		timeout: 60_000
	})),
	projects: SERVERS.map((server) => ({
		name: server.name,
		use: { baseURL: baseUrl(server.port) }
	})),
	use: {
		browserName: 'chromium',
		headless: true,
		locale: 'fr-FR',
		viewport: { width: 1366, height: 800 },
		trace: 'retain-on-failure',
		launchOptions: {
			executablePath: findChromium() ?? undefined,
			args: [
				'--no-sandbox',
				'--disable-gpu',
				'--disable-background-networking',
				'--disable-component-update',
				'--disable-sync',
				'--no-first-run',
				'--disable-quic'
			]
		}
	}
});
