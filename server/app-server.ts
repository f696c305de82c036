// The HTTP server of the process: the SvelteKit app (adapter-node handler). The collaboration
// websocket attaches itself to its 'upgrade' event (server/services.ts). Every answer gets the
// security headers first (server/security-headers.ts), whoever writes it afterwards: SvelteKit,
// the static files, the body-size refusal (server/http-limits.ts) or the 503 below.
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import zlib from 'node:zlib';
import compression from 'compression';
import {
	DEFAULT_BODY_SIZE_CEILING,
	guardRequestBody,
	parseByteSize,
	refuseDeclaredTooLarge
} from './http-limits';
import { securityHeaders, STANDALONE_CSP } from './security-headers';

export type RequestHandler = (req: IncomingMessage, res: ServerResponse, next?: () => void) => void;

export interface AppServerOptions {
	trustProtocolDefault: boolean;
	/** The public origin (ORIGIN): HSTS when it is HTTPS. */
	origin?: string;
	/** No body above this, whatever the route's limit (BODY_SIZE_LIMIT, in bytes). */
	bodySizeCeiling?: number;
}

export function createAppServer(options: AppServerOptions): {
	server: http.Server;
	setHandler: (handler: RequestHandler) => void;
} {
	let handler: RequestHandler | null = null;
	const headers = Object.entries(securityHeaders(options.origin ?? ''));
	const ceiling = options.bodySizeCeiling ?? parseByteSize(DEFAULT_BODY_SIZE_CEILING);
	// Pages and data are compressed on the fly (brotli when the browser takes it, else gzip);
	// static assets are precompressed at build time (adapter-node) and served as they are. On a
	// 2 Mbit/s line the document page's HTML — which carries the document's text — is the first
	// thing a DGS waits for.
	const compress = compression({
		brotli: { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 4 } },
		threshold: 1024
	});
	const onRequest = (req: IncomingMessage, res: ServerResponse) => {
		for (const [name, value] of headers) res.setHeader(name, value);
		if (options.trustProtocolDefault && !req.headers['x-forwarded-proto']) {
			// Without ORIGIN, adapter-node builds URLs from this header; this server speaks plain HTTP.
			req.headers['x-forwarded-proto'] = 'http';
		}
		if (handler) {
			const h = handler;
			return guardRequestBody(req, res, ceiling, () =>
				compress(req as never, res as never, () => h(req, res))
			);
		}
		// Only the tests' collaboration-only servers have no app behind them.
		res
			.writeHead(503, {
				'content-type': 'text/plain; charset=utf-8',
				'content-security-policy': STANDALONE_CSP
			})
			.end('Démarrage en cours');
	};
	const server = http.createServer(onRequest);
	// « Expect: 100-continue »: a body declared too large is refused before the client sends it.
	server.on('checkContinue', (req: IncomingMessage, res: ServerResponse) => {
		for (const [name, value] of headers) res.setHeader(name, value);
		if (refuseDeclaredTooLarge(req, res, ceiling)) return;
		res.writeContinue();
		onRequest(req, res);
	});
	return { server, setHandler: (h) => (handler = h) };
}
