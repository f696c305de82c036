// Bundles server/ (the one Node process: app + collaboration websocket) for Node 20, which
// cannot run TypeScript itself. Dependencies stay external: node_modules is there at run time.
import { build } from 'esbuild';

await build({
	entryPoints: ['server/index.ts'],
	outfile: 'build-server/index.js',
	bundle: true,
	platform: 'node',
	format: 'esm',
	target: 'node20',
	packages: 'external',
	sourcemap: true,
	logLevel: 'warning'
});
