import { sveltekit } from '@sveltejs/kit/vite';
import type { Plugin, ViteDevServer } from 'vite';
import { defineConfig } from 'vitest/config';

/** `npm run dev`: attach the collaboration websocket to Vite's own HTTP server (hot reload keeps working). */
function collabDevServer(): Plugin {
	return {
		name: 'assemblier-collab',
		configureServer(server: ViteDevServer) {
			server.httpServer?.on('upgrade', async (req, socket, head) => {
				if (!req.url?.startsWith('/collab/')) return; // Vite's HMR socket and others
				const { devCollabServer } = await server.ssrLoadModule('/server/dev.ts');
				const collab = await devCollabServer();
				await collab.handleUpgrade(req, socket, head);
			});
		}
	};
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
		projects: [
			// Pure modules and one real SQLite file each: no server, no build.
			{ extends: true, test: { name: 'unit', include: ['tests/unit/**/*.test.ts'] } },
			// A real collaboration server in the test process, real y-websocket clients.
			{ extends: true, test: { name: 'collab', include: ['tests/collab/**/*.test.ts'] } },
			// The built production process, spawned: only this project waits for the build.
			{ extends: true, test: { name: 'process', include: ['tests/process/**/*.test.ts'], globalSetup: ['tests/helpers/global-setup.ts'] } }
		]
	}
});
