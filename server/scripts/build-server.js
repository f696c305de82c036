// Bundles the process shell (server/index.ts) for Node 20, which cannot run TypeScript itself,
// and copies the checkpointer's worker beside the SvelteKit server bundle. The shell must hold
// no module of src/lib/server: the SvelteKit bundle has them, and a second copy would have its
// own state (database handle, caches). The build fails if one slips in.
import fs from 'node:fs';
import { build } from 'esbuild';

const result = await build({
	entryPoints: ['server/index.ts'],
	outfile: 'build-server/index.js',
	bundle: true,
	platform: 'node',
	format: 'esm',
	target: 'node20',
	packages: 'external',
	sourcemap: true,
	metafile: true,
	logLevel: 'warning'
});
const SHELL_MODULES = [
	'server/index.ts',
	'server/bridge.ts',
	'server/app-server.ts',
	'server/http-limits.ts',
	'server/security-headers.ts'
];
const strays = Object.keys(result.metafile.inputs).filter(
	(input) => !SHELL_MODULES.includes(input)
);
if (strays.length) {
	console.error(
		`build-server: the shell must not bundle server modules (they live in the SvelteKit bundle):\n  ${strays.join('\n  ')}`
	);
	process.exit(1);
}
fs.copyFileSync('src/lib/server/db/checkpoint-worker.js', 'build/server/checkpoint-worker.js');
