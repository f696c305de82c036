// The HTTP server of the process: the SvelteKit app (adapter-node handler). The collaboration
// websocket attaches itself to its 'upgrade' event (server/services.ts).
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import zlib from 'node:zlib';
import compression from 'compression';

export type RequestHandler = (req: IncomingMessage, res: ServerResponse, next?: () => void) => void;

export function createAppServer(options: { trustProtocolDefault: boolean }): {
	server: http.Server;
	setHandler: (handler: RequestHandler) => void;
} {
	let handler: RequestHandler | null = null;
	// Pages and data are compressed on the fly (brotli when the browser takes it, else gzip);
	// static assets are precompressed at build time (adapter-node) and served as they are. On a
	// 2 Mbit/s line the document page's HTML — which carries the document's text — is the first
	// thing a DGS waits for.
	const compress = compression({
		brotli: { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 4 } },
		threshold: 1024
	});
	const server = http.createServer((req, res) => {
		if (options.trustProtocolDefault && !req.headers['x-forwarded-proto']) {
			// Without ORIGIN, adapter-node builds URLs from this header; this server speaks plain HTTP.
			req.headers['x-forwarded-proto'] = 'http';
		}
		if (handler) {
			const h = handler;
			return compress(req as never, res as never, () => h(req, res));
		}
		// Only the tests' collaboration-only servers have no app behind them.
		res.writeHead(503, { 'content-type': 'text/plain; charset=utf-8' }).end('Démarrage en cours');
	});
	return { server, setHandler: (h) => (handler = h) };
}
