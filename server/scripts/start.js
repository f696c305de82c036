// `npm start`: build if needed, then migrate, seed the demo territory (a local start asks for it;
// a public instance never gets it silently) and serve. The server is started with --expose-gc:
// it collects once all documents are unloaded, to give memory back (server/collab/release-memory.ts).
import { spawn } from 'node:child_process';
import { ensureBuild } from './ensure-build.js';

ensureBuild();
// A trial on this machine: listen on loopback unless HOST says otherwise. Listening beyond it
// (HOST=0.0.0.0) makes the instance public, and a public instance gets no demo accounts.
const env = { ...process.env, HOST: process.env.HOST || '127.0.0.1' };
const child = spawn(
	process.execPath,
	[
		'--expose-gc',
		'--enable-source-maps',
		'build-server/index.js',
		'serve',
		'--demo',
		...process.argv.slice(2)
	],
	{ stdio: 'inherit', env }
);
for (const signal of /** @type {const} */ (['SIGINT', 'SIGTERM']))
	process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
