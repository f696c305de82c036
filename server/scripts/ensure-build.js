// Builds the app when the build is missing or older than the sources, so `npm start`,
// `npm run migrate` and `npm run seed` work straight after `npm install`.
import { execSync } from 'node:child_process';
import fs from 'node:fs';
import { pathToFileURL } from 'node:url';
import path from 'node:path';

const SOURCES = [
	'src',
	'server',
	'migrations',
	'static',
	'svelte.config.js',
	'vite.config.ts',
	'package.json'
];
const OUTPUTS = ['build/handler.js', 'build/server/checkpoint-worker.js', 'build-server/index.js'];

/** @param {string} entry @returns {number} */
function newestMtime(entry) {
	if (!fs.existsSync(entry)) return 0;
	const stat = fs.statSync(entry);
	if (!stat.isDirectory()) return stat.mtimeMs;
	let newest = stat.mtimeMs;
	for (const child of fs.readdirSync(entry))
		newest = Math.max(newest, newestMtime(path.join(entry, child)));
	return newest;
}

export function ensureBuild() {
	const builtAt = Math.min(
		...OUTPUTS.map((file) => (fs.existsSync(file) ? fs.statSync(file).mtimeMs : 0))
	);
	const changedAt = Math.max(...SOURCES.map(newestMtime));
	if (builtAt > changedAt) return;
	console.log(
		builtAt ? 'Sources modifiées : reconstruction…' : 'Première construction de l’application…'
	);
	execSync('npm run build --silent', { stdio: 'inherit' });
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) ensureBuild();
