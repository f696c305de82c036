// `npm run dev`: Vite serves the app; this gives its HTTP server the same collaboration websocket.
import { ensureReady, runtime } from '../src/lib/server/runtime';
import { CollabServer, collabOptionsFromConfig } from './collab';

export async function devCollabServer(): Promise<CollabServer> {
	const rt = runtime();
	await ensureReady();
	if (!(rt.collab instanceof CollabServer)) {
		rt.collab = new CollabServer(rt.db, collabOptionsFromConfig(rt.config), rt.log);
	}
	return rt.collab as CollabServer;
}
