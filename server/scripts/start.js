// `npm start`: build if needed, then migrate, seed the demo territory (a local start asks for it;
// a public instance never gets it silently) and serve — in this very process.
//
// Signals: npm runs a script through `sh -c`, and Debian's dash does not exec the last command,
// so a SIGTERM that npm forwards reaches only the shell, which dies, and npm after it; anything
// below the shell was orphaned with the port (issue 10, defect 4). Hence package.json's
// `exec node --expose-gc --enable-source-maps server/scripts/start.js`: the shell becomes this
// process, npm's forwarded SIGTERM/SIGINT reaches it, and since the server runs here (imported
// below, not spawned) its own handlers (server/index.ts) flush, close and exit, and npm exits with
// that code. SIGKILL cannot be forwarded by anyone: sent to npm alone it leaves this process
// running. Supervisors kill the whole group (systemd's default KillMode=control-group, a
// container's namespace); by hand, `kill -KILL -<npm's pid>` does the same.
// --expose-gc is a real flag of that command line (the server collects once all documents are
// unloaded, server/collab/release-memory.ts); started some other way without it, the server
// simply does not collect.
import { ensureBuild } from './ensure-build.js';

ensureBuild();
// A trial on this machine: listen on loopback unless HOST says otherwise. Listening beyond it
// (HOST=0.0.0.0) makes the instance public, and a public instance gets no demo accounts.
process.env.HOST ||= '127.0.0.1';
// What server/index.ts reads: `serve --demo`, then whatever followed `npm start --`.
process.argv.splice(2, 0, 'serve', '--demo');
await import(new URL('../../build-server/index.js', import.meta.url).href);
