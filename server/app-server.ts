// The HTTP server of the process: the SvelteKit app (adapter-node handler). The collaboration
// websocket attaches itself to its 'upgrade' event (server/services.ts).
import http, { type IncomingMessage, type ServerResponse } from 'node:http';

export type RequestHandler = (req: IncomingMessage, res: ServerResponse, next?: () => void) => void;

export function createAppServer(options: { trustProtocolDefault: boolean }): {
	server: http.Server;
	setHandler: (handler: RequestHandler) => void;
} {
	let handler: RequestHandler | null = null;
	const server = http.createServer((req, res) => {
		if (options.trustProtocolDefault && !req.headers['x-forwarded-proto']) {
			// Without ORIGIN, adapter-node builds URLs from this header; this server speaks plain HTTP.
			req.headers['x-forwarded-proto'] = 'http';
		}
		if (handler) return handler(req, res);
		res.writeHead(503, { 'content-type': 'text/plain; charset=utf-8' }).end('Démarrage en cours');
	});
	return { server, setHandler: (h) => (handler = h) };
}
