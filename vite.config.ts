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
		include: ['tests/unit/**/*.test.ts', 'tests/collab/**/*.test.ts'],
		environment: 'node',
		globalSetup: ['tests/helpers/global-setup.ts'],
		testTimeout: 30_000,
		hookTimeout: 60_000,
		expect: { requireAssertions: true },
		// Files spawn servers and hash passwords: two workers for two cores.
		maxWorkers: 2
	}
});
