// The HTTP server of the process: the SvelteKit app (adapter-node handler). The collaboration
// websocket attaches itself to its 'upgrade' event (server/services.ts). Every answer gets the
// security headers first (server/security-headers.ts), whoever writes it afterwards: SvelteKit,
// the static files, the body-size refusal (server/http-limits.ts) or the 503 below.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
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
			if (isMissingAsset(req)) return answerAssetNotFound(res);
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

/**
 * A request under /_app/ that names no built file. SvelteKit answers these itself, in English
 * (« Not found »), before any hook runs; the shell answers in French instead. Same rule as
 * SvelteKit's (its respond.js): every path under /_app/ but the public environment module and
 * remote functions, which SvelteKit serves; the files themselves are served by adapter-node's
 * static handler, for GET and HEAD.
 */
function isMissingAsset(req: IncomingMessage): boolean {
	const target = req.url ?? '/';
	if (!target.startsWith('/_app/')) return false;
	let pathname = target.split(/[?#]/, 1)[0];
	if (/^\/_app\/(env\.js|env\.script\.js|remote\/)/.test(pathname)) return false;
	const assets = builtAssets();
	if (!assets) return false;
	if (req.method !== 'GET' && req.method !== 'HEAD') return true;
	try {
		pathname = decodeURIComponent(pathname);
	} catch {
		return true;
	}
	return !assets.has(pathname);
}

function answerAssetNotFound(res: ServerResponse): void {
	res
		.writeHead(404, {
			'content-type': 'text/plain; charset=utf-8',
			'content-security-policy': STANDALONE_CSP,
			// As SvelteKit does: a file missing now (a deployment under way) may exist later.
			'cache-control': 'public, max-age=0, must-revalidate'
		})
		.end('Fichier introuvable.');
}

/**
 * The built client files under /_app/ (build/client/_app), listed once: their names carry a hash
 * and do not change while the process runs. Null when there is no build beside this module (the
 * tests' collaboration-only servers): then SvelteKit answers.
 */
let assetPaths: Set<string> | null | undefined;
function builtAssets(): Set<string> | null {
	if (assetPaths !== undefined) return assetPaths;
	const root = fileURLToPath(new URL('../build/client/', import.meta.url));
	try {
		const files = fs.readdirSync(path.join(root, '_app'), { recursive: true, withFileTypes: true });
		assetPaths = new Set(
			files
				.filter((file) => file.isFile())
				.map(
					(file) =>
						'/' +
						path.relative(root, path.join(file.parentPath, file.name)).split(path.sep).join('/')
				)
		);
	} catch {
		assetPaths = null;
	}
	return assetPaths;
}
