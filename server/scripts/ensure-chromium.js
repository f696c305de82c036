// Playwright drives Debian's Chromium (`npx playwright install` cannot download here).
// Installs the `chromium` package when it is missing and we are allowed to (root + apt).
import { execSync } from 'node:child_process';
import fs from 'node:fs';
import { pathToFileURL } from 'node:url';

export const CHROMIUM_CANDIDATES = [
	'/usr/bin/chromium',
	'/usr/bin/chromium-browser',
	'/usr/bin/google-chrome'
];

export function findChromium() {
	if (process.env.CHROMIUM_PATH) return process.env.CHROMIUM_PATH;
	return CHROMIUM_CANDIDATES.find((p) => fs.existsSync(p)) ?? null;
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
	if (findChromium()) process.exit(0);
	const isRoot = process.getuid?.() === 0;
	const sudo = isRoot ? '' : 'sudo ';
	console.log('Chromium est absent : installation du paquet Debian « chromium »…');
	try {
		execSync(
			`${sudo}apt-get update -qq && ${sudo}env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium`,
			{ stdio: 'inherit' }
		);
	} catch {
		console.error(
			'Impossible d’installer Chromium. Installez le paquet « chromium » ou indiquez son chemin dans CHROMIUM_PATH.'
		);
		process.exit(1);
	}
	if (!findChromium()) process.exit(1);
}
