// Request body limits, per route, enforced by the shell before SvelteKit sees the request.
//
// adapter-node knows one global limit (BODY_SIZE_LIMIT) and answers above it with an English
// plain-text 413. Here each route prefix has its own limit (a sign-in form needs kilobytes, the
// office-format import to come needs 20 MB), BODY_SIZE_LIMIT stays the ceiling of them all, and
// the refusal is French, in the form the client asked for (HTML page, SvelteKit form-action
// JSON, JSON, or plain text), with the security headers the shell sets on every answer.
//
// How: a declared Content-Length above the limit is refused before a byte of the body is read.
// A body without one (Transfer-Encoding: chunked; browsers send Content-Length for forms and
// fetch bodies, so these are scripts) is counted as it comes off the wire, held back until it
// ends, and only then handed to SvelteKit; the first byte beyond the limit refuses it. Either
// way SvelteKit never starts on a request that is then refused, so there is one answer only.
// After a refusal the rest of the body is read and thrown away (the client must finish sending
// to read the answer; closing at once would reset the connection under it) for DRAIN_MS at most.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { STANDALONE_CSP } from './security-headers';

const KB = 1024;
const MB = 1024 * KB;

export interface BodyLimitRule {
	/** A path prefix: matches the path itself and everything below it. */
	prefix: string;
	limit: number;
}

/**
 * The limits, longest prefix first wins; anything else gets DEFAULT_BODY_LIMIT. Keep the README's
 * table (Configuration, body sizes) in step.
 */
export const BODY_LIMIT_RULES: readonly BodyLimitRule[] = [
	// E-mail and password: a few hundred bytes.
	{ prefix: '/connexion', limit: 64 * KB },
	{ prefix: '/deconnexion', limit: 64 * KB },
	// A template's whole structure, as ProseMirror JSON in one form field.
	{ prefix: '/admin/modeles', limit: 2 * MB }
	// The office-format import (to come) adds its route here with 20 * MB.
];

/** Every other form: titles, summaries, participants, access requests (kilobytes). */
export const DEFAULT_BODY_LIMIT = 1 * MB;

/** BODY_SIZE_LIMIT when unset: room for the largest route limit to come (the 20 MB import). */
export const DEFAULT_BODY_SIZE_CEILING = '20M';

/** After a refusal, how long the rest of the body is read and discarded before the connection is cut. */
export const DRAIN_MS = 5_000;

/** BODY_SIZE_LIMIT as adapter-node reads it: bytes, or with a K, M or G suffix; Infinity allowed. */
export function parseByteSize(value: string): number {
	const multiplier =
		({ K: KB, M: MB, G: 1024 * MB } as Record<string, number>)[value.at(-1)?.toUpperCase() ?? ''] ??
		1;
	const bytes = Number(multiplier !== 1 ? value.slice(0, -1) : value) * multiplier;
	return value.trim() === '' ? NaN : bytes;
}

/** The limit for a request path: its rule's, never above the ceiling (BODY_SIZE_LIMIT). */
export function bodyLimitFor(pathname: string, ceiling: number): number {
	let best: BodyLimitRule | null = null;
	for (const rule of BODY_LIMIT_RULES)
		if (
			(pathname === rule.prefix || pathname.startsWith(`${rule.prefix}/`)) &&
			(!best || rule.prefix.length > best.prefix.length)
		)
			best = rule;
	return Math.min(best?.limit ?? DEFAULT_BODY_LIMIT, ceiling);
}

/** 65536 → « 64 Ko », 1048576 → « 1 Mo » (French units, as the message shows them). */
export function formatBytes(bytes: number): string {
	const format = (n: number) => n.toLocaleString('fr-FR', { maximumFractionDigits: 1 });
	if (bytes >= MB) return `${format(bytes / MB)} Mo`;
	if (bytes >= KB) return `${format(bytes / KB)} Ko`;
	return `${bytes} octets`;
}

export function tooLargeMessage(limit: number): string {
	return `Le contenu envoyé est trop volumineux : ${formatBytes(limit)} au plus pour cette page. Raccourcissez-le ou allégez le fichier, puis réessayez.`;
}

/**
 * For a request that waits for « 100 Continue » before sending its body (curl does above 1 MB):
 * answers 413 at once, and returns true, when its declared length is above the route's limit,
 * so that the body is never sent.
 */
export function refuseDeclaredTooLarge(
	req: IncomingMessage,
	res: ServerResponse,
	ceiling: number
): boolean {
	const declared = req.headers['content-length'];
	if (declared === undefined) return false;
	const limit = bodyLimitFor(pathOf(req), ceiling);
	if (Number(declared) <= limit) return false;
	refuse(req, res, limit);
	return true;
}

/**
 * Calls `proceed` once the request may go on to SvelteKit (at once when its body is declared
 * within the limit or absent; once received when it is streamed), or answers 413 itself.
 */
export function guardRequestBody(
	req: IncomingMessage,
	res: ServerResponse,
	ceiling: number,
	proceed: () => void
): void {
	const declared = req.headers['content-length'];
	const streamed = declared === undefined && req.headers['transfer-encoding'] !== undefined;
	if (declared === undefined && !streamed) return proceed();
	const limit = bodyLimitFor(pathOf(req), ceiling);
	if (!streamed) {
		// Node's parser has already refused a malformed Content-Length (400).
		if (Number(declared) > limit) return refuse(req, res, limit);
		return proceed(); // the parser never reads past a declared length
	}
	// Streamed: the parser pushes each chunk into the request stream; count them there, before
	// anything buffers them, and keep them until the body has ended within the limit.
	const push = req.push;
	const held: Buffer[] = [];
	let received = 0;
	req.push = function (chunk: Buffer | null, encoding?: BufferEncoding): boolean {
		if (chunk === null) {
			req.push = push;
			proceed();
			for (const part of held) push.call(req, part);
			return push.call(req, null);
		}
		received += chunk.length;
		if (received > limit) {
			req.push = push;
			held.length = 0;
			refuse(req, res, limit);
			return true; // Node discards what follows (the request is dumped once the answer is sent)
		}
		held.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk, encoding));
		return true;
	};
}

function pathOf(req: IncomingMessage): string {
	try {
		return new URL(req.url ?? '/', 'http://localhost').pathname;
	} catch {
		return '/';
	}
}

/** The French 413, in the form the client asked for. */
function refuse(req: IncomingMessage, res: ServerResponse, limit: number): void {
	const message = tooLargeMessage(limit);
	const accept = String(req.headers.accept ?? '');
	let type: string;
	let body: string;
	if (req.headers['x-sveltekit-action'] === 'true') {
		// A form enhanced by SvelteKit (use:enhance) reads an ActionResult and shows its error.
		type = 'application/json';
		body = JSON.stringify({ type: 'error', error: { message } });
	} else if (accept.includes('text/html')) {
		type = 'text/html; charset=utf-8';
		body = tooLargePage(message);
	} else if (accept.includes('application/json')) {
		type = 'application/json';
		body = JSON.stringify({ message });
	} else {
		type = 'text/plain; charset=utf-8';
		body = `${message}\n`;
	}
	res.writeHead(413, {
		'Content-Type': type,
		'Content-Length': Buffer.byteLength(body),
		'Content-Security-Policy': STANDALONE_CSP,
		'Cache-Control': 'no-store'
	});
	res.end(body);
	// Node reads and discards the rest once the answer is sent; a client that keeps sending past
	// DRAIN_MS (an endless chunked body) is cut off.
	if (!req.complete) {
		const cut = setTimeout(() => {
			if (!req.complete) req.socket.destroy();
		}, DRAIN_MS);
		cut.unref();
		req.once('end', () => clearTimeout(cut));
		req.socket.once('close', () => clearTimeout(cut));
	}
}

function tooLargePage(message: string): string {
	return `<!doctype html>
<html lang="fr">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Envoi trop volumineux — Assemblier</title></head>
<body>
<main>
<h1>Envoi trop volumineux</h1>
<p>${message}</p>
<p>Revenez à la page précédente avec le bouton « Précédent » du navigateur : ce que vous aviez saisi y est peut-être encore.</p>
<p><a href="/">Retour à l’accueil</a></p>
</main>
</body>
</html>
`;
}
