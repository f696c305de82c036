import { sveltekit } from '@sveltejs/kit/vite';
import type { Server as HttpServer } from 'node:http';
import { fileURLToPath } from 'node:url';
import type { Plugin, ViteDevServer } from 'vite';
import { bridge } from './server/bridge.ts';
import { defineConfig } from 'vitest/config';

/**
 * `npm run dev`: the same services as production (server/services.ts, started by SvelteKit's
 * init hook) attach the collaboration websocket to Vite's own HTTP server; hot reload keeps its
 * socket. Vite loads the hook and this plugin's module in one module graph: one copy of each.
 */
function collabDevServer(): Plugin {
	return {
		name: 'assemblier-collab',
		configureServer(server: ViteDevServer) {
			if (!server.httpServer || !('listen' in server.httpServer)) return;
			bridge().launch = {
				command: 'serve',
				demoRequested: true,
				httpServer: server.httpServer as HttpServer,
				// `vite dev --host` listens beyond loopback: the demo policy must know it.
				listenHost:
					server.config.server.host === true ? '0.0.0.0' : server.config.server.host || 'localhost'
			};
			// Started at once rather than on the first page request, so the websocket answers too.
			server.httpServer.once('listening', () => {
				void server
					.ssrLoadModule('/server/services.ts')
					.then((m) => m.startServices())
					.then((services) => services.announce(server.resolvedUrls?.local[0] ?? ''))
					.catch((error) =>
						server.config.logger.error(`Assemblier : démarrage impossible : ${error}`)
					);
			});
			// A restart (below, or Vite's own on a config change) closes this HTTP server: the
			// services of this module graph stop with it (pending writes stored, database closed).
			const services = () => bridge().services;
			server.httpServer.once('close', () => void services()?.then((s) => s.shutdown()));
		},
		handleHotUpdate({ file, server }) {
			// Server modules hold process state (database, collaboration rooms) that SvelteKit's
			// hot reload would duplicate: a fresh module next to a stale one. Restart instead.
			if (SERVER_SOURCES.some((dir) => file.startsWith(dir))) {
				server.config.logger.info(`Assemblier : ${file} modifié, redémarrage du serveur…`);
				void server.restart();
				return [];
			}
		}
	};
}

const SERVER_SOURCES = ['src/lib/server/', 'server/', 'migrations/', 'src/hooks.server.ts'].map(
	(dir) => fileURLToPath(new URL(`./${dir}`, import.meta.url))
);

/**
 * The suite runs twice, on SQLite and on PostgreSQL (the `…:pg` projects, each test file in a
 * database of its own, dropped afterwards): every feature must pass on both.
 */
function dialectProjects(dialect: 'sqlite' | 'postgres') {
	const suffix = dialect === 'postgres' ? ':pg' : '';
	const env = { TEST_DATABASE: dialect };
	const dialectSetup = dialect === 'postgres' ? ['tests/helpers/postgres-setup.ts'] : [];
	return [
		// Pure modules and a real database each: no server, no build.
		{
			extends: true as const,
			test: {
				name: `unit${suffix}`,
				include: ['tests/unit/**/*.test.ts'],
				env,
				globalSetup: dialectSetup
			}
		},
		// A real collaboration server in the test process, real y-websocket clients.
		{
			extends: true as const,
			test: {
				name: `collab${suffix}`,
				include: ['tests/collab/**/*.test.ts'],
				env,
				globalSetup: dialectSetup
			}
		},
		// The built production process, spawned: only these projects wait for the build.
		{
			extends: true as const,
			test: {
				name: `process${suffix}`,
				include: ['tests/process/**/*.test.ts'],
				// The benchmark measures the default configuration (SQLite) whatever the project.
				exclude: dialect === 'postgres' ? ['tests/process/bench-smoke.test.ts'] : [],
				env,
				globalSetup: [...dialectSetup, 'tests/helpers/global-setup.ts']
			}
		}
	];
}

export default defineConfig({
	plugins: [sveltekit(), collabDevServer()],
	test: {
		environment: 'node',
		testTimeout: 30_000,
		hookTimeout: 60_000,
		expect: { requireAssertions: true },
		// Files spawn servers and hash passwords: two workers for two cores.
		maxWorkers: 2,
		// As production starts the server: release-memory.ts collects through the exposed gc.
		execArgv: ['--expose-gc'],
		projects: (['sqlite', 'postgres'] as const).flatMap(dialectProjects)
	}
});
