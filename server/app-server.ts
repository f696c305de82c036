// One HTTP server for everything: the SvelteKit app (adapter-node handler) and, on upgrade,
// the collaboration websocket.
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import { CollabServer } from './collab';

export type RequestHandler = (req: IncomingMessage, res: ServerResponse, next?: () => void) => void;

export function createAppServer(collab: CollabServer, handler: RequestHandler | null, options: { trustProtocolDefault: boolean }): http.Server {
	const server = http.createServer((req, res) => {
		if (options.trustProtocolDefault && !req.headers['x-forwarded-proto']) {
			// Without ORIGIN, adapter-node builds URLs from this header; this server speaks plain HTTP.
			req.headers['x-forwarded-proto'] = 'http';
		}
		if (handler) return handler(req, res);
		res.writeHead(404).end();
	});
	server.on('upgrade', (req, socket, head) => {
		if (CollabServer.handles(req)) void collab.handleUpgrade(req, socket, head);
		else socket.destroy();
	});
	return server;
}
