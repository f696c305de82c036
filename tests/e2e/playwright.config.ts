import os from 'node:os';
import path from 'node:path';
import { defineConfig } from '@playwright/test';
import { findChromium } from '../../server/scripts/ensure-chromium.js';

const PORT = 4173;
const BASE_URL = `http://127.0.0.1:${PORT}`;
// A fresh database per run: the demo territory is seeded into it at start-up.
const DATABASE_URL = path.join(os.tmpdir(), `assemblier-e2e-${process.pid}-${Date.now()}.sqlite`);

export default defineConfig({
	testDir: '.',
	testMatch: '**/*.e2e.ts',
	workers: 1,
	retries: process.env.CI ? 1 : 0,
	timeout: 60_000,
	expect: { timeout: 10_000 },
	reporter: [['list']],
	outputDir: '../../test-results/e2e',
	webServer: {
		command: 'node --expose-gc build-server/index.js serve --demo',
		cwd: '../..',
		url: `${BASE_URL}/healthz`,
		env: { PORT: String(PORT), HOST: '127.0.0.1', ORIGIN: BASE_URL, DATABASE_URL, LOG_LEVEL: 'silent' },
		reuseExistingServer: false,
		timeout: 60_000
	},
	use: {
		baseURL: BASE_URL,
		browserName: 'chromium',
		headless: true,
		locale: 'fr-FR',
		viewport: { width: 1366, height: 800 },
		trace: 'retain-on-failure',
		launchOptions: {
			executablePath: findChromium() ?? undefined,
			args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic']
		}
	}
});
