// `npm run migrate` / `npm run seed`: the same code as the server, built if needed.
import { execFileSync } from 'node:child_process';
import { ensureBuild } from './ensure-build.js';

ensureBuild();
try {
	execFileSync(
		process.execPath,
		['--enable-source-maps', 'build-server/index.js', process.argv[2] ?? 'migrate'],
		{ stdio: 'inherit' }
	);
} catch (error) {
	process.exit(/** @type {{ status?: number }} */ (error).status ?? 1);
}
