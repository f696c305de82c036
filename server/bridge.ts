// The one hand-off between the process shell (server/index.ts, bundled by esbuild) and the
// SvelteKit bundle, which holds every server module. The shell must not import those modules
// (they would then exist twice, each copy with its own state), so it leaves its launch request
// here before importing the SvelteKit handler, whose `init` hook starts the services and leaves
// them here in return. Stateless apart from that one object; no import of src/lib/server.
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';

export type LaunchCommand = 'serve' | 'migrate' | 'seed';

export interface Launch {
	command: LaunchCommand;
	/** The start command asked for the demo territory (`npm start`, `npm run dev`). */
	demoRequested: boolean;
	/** The HTTP server to attach the collaboration websocket to (serve only). */
	httpServer: Server | null;
	/** Where that server listens when someone else decides it (Vite in development); else HOST. */
	listenHost?: string;
}

export interface Services {
	/** Where the shell listens: PORT and HOST as configuration read them. */
	listenOn: { port: number; host: string };
	/** Logs the URL and, when the demo territory is there, its logins. */
	announce(url: string): Promise<void>;
	/** Stores pending writes, closes sockets (1012) and the database. Idempotent. */
	shutdown(): Promise<void>;
}

export type UpgradeListener = (req: IncomingMessage, socket: Duplex, head: Buffer) => void;

interface Bridge {
	launch?: Launch;
	services?: Promise<Services>;
}

const KEY = Symbol.for('assemblier.bridge');

export function bridge(): Bridge {
	const g = globalThis as typeof globalThis & { [KEY]?: Bridge };
	return (g[KEY] ??= {});
}
