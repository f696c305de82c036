// `npm start`: build if needed, then migrate, seed (empty database only) and serve.
import { spawn } from 'node:child_process';
import { ensureBuild } from './ensure-build.js';

ensureBuild();
const child = spawn(process.execPath, ['--enable-source-maps', 'build-server/index.js', ...process.argv.slice(2)], { stdio: 'inherit' });
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
