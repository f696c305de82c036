import type { AddressInfo } from 'node:net';
import { onCleanup } from './cleanup';
import WebSocket from 'ws';
import * as Y from 'yjs';
import { WebsocketProvider } from 'y-websocket';
import * as authProtocol from 'y-protocols/auth';
import * as decoding from 'lib0/decoding';
import type { Db } from '../../src/lib/server/db';
import { CollabServer, type CollabOptions } from '../../server/collab';
import { createAppServer } from '../../server/app-server';
import { MessageType } from '../../src/lib/collab/protocol';
import { webSocketWithCookie } from './ws';

// Moved out so that tests/bench can load them without Vitest; re-exported for the tests.
export { webSocketWithCookie };
export { httpGet } from './net';

/** A real collaboration server on a free port (no SvelteKit handler), stopped after the file's tests. */
export async function startCollabServer(db: Db, options: Partial<CollabOptions> = {}) {
	const collab = new CollabServer(db, { unloadDelayMs: 50, ...options });
	const { server } = createAppServer({ trustProtocolDefault: true });
	server.on('upgrade', (req, socket, head) =>
		CollabServer.handles(req) ? void collab.handleUpgrade(req, socket, head) : socket.destroy()
	);
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const port = (server.address() as AddressInfo).port;
	let stopped = false;
	const stop = async () => {
		if (stopped) return;
		stopped = true;
		await collab.close();
		server.closeAllConnections();
		await new Promise((resolve) => server.close(resolve));
	};
	onCleanup(stop);
	return { collab, server, port, url: `ws://127.0.0.1:${port}/collab`, stop };
}

/** The genuine y-websocket client, in Node, authenticated by a session token. */
export function connectProvider(
	port: number,
	documentId: string,
	token: string,
	doc = new Y.Doc()
) {
	const provider = new WebsocketProvider(`ws://127.0.0.1:${port}/collab`, documentId, doc, {
		WebSocketPolyfill: webSocketWithCookie(token) as unknown as typeof globalThis.WebSocket,
		disableBc: true,
		maxBackoffTime: 200
	});
	onCleanup(() => {
		provider.destroy();
		doc.destroy();
	});
	return { provider, doc };
}

export function synced(provider: WebsocketProvider): Promise<void> {
	return provider.synced
		? Promise.resolve()
		: new Promise((resolve) => provider.once('sync', (isSynced: boolean) => isSynced && resolve()));
}

/** Polls `check` until it returns true, or fails after `timeoutMs`. */
export async function waitFor(
	check: () => boolean | Promise<boolean>,
	timeoutMs = 5_000,
	what = 'condition'
): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	while (!(await check())) {
		if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
		await new Promise((r) => setTimeout(r, 10));
	}
}

/**
 * Opens a raw websocket; resolves with the HTTP status of a refused upgrade, or the open
 * socket and every frame it receives (collected from the start: the server's first frame can
 * arrive in the same packet as the upgrade response).
 */
export function rawConnect(
	port: number,
	documentId: string,
	token: string | null,
	headers: Record<string, string> = {}
): Promise<{ status: number; ws: WebSocket | null; frames: Uint8Array[] }> {
	return new Promise((resolve, reject) => {
		const Ws = webSocketWithCookie(token, headers);
		const ws = new Ws(`ws://127.0.0.1:${port}/collab/${documentId}`);
		const frames: Uint8Array[] = [];
		ws.binaryType = 'arraybuffer';
		ws.on('message', (data: ArrayBuffer) => frames.push(new Uint8Array(data)));
		ws.on('unexpected-response', (_req, res) => {
			resolve({ status: res.statusCode ?? 0, ws: null, frames });
			ws.terminate();
		});
		ws.on('open', () => resolve({ status: 101, ws, frames }));
		ws.on('error', (error) => {
			if (!/Unexpected server response/.test(error.message)) reject(error);
		});
	});
}

/**
 * The reasons of the `permission denied` messages (y-protocols auth) among raw frames, in the
 * order they arrived. Any other auth message is left out, so it fails an exact comparison.
 */
export function permissionDenials(frames: Uint8Array[]): string[] {
	const reasons: string[] = [];
	for (const frame of frames) {
		const decoder = decoding.createDecoder(frame);
		if (decoding.readVarUint(decoder) !== MessageType.auth) continue;
		if (decoding.readVarUint(decoder) === authProtocol.messagePermissionDenied)
			reasons.push(decoding.readVarString(decoder));
	}
	return reasons;
}

/**
 * The reason of the next `permission denied` message the provider receives. y-websocket only
 * logs these, so the provider's auth handler is replaced (the log goes quiet). Call it before
 * the action that should be refused; fails after `timeoutMs` without one.
 */
export function nextPermissionDenied(
	provider: WebsocketProvider,
	timeoutMs = 5_000
): Promise<string> {
	return withDeadline(timeoutMs, 'a permission denied message', (resolve) => {
		provider.messageHandlers[MessageType.auth] = (_encoder, decoder) => {
			if (decoding.readVarUint(decoder) === authProtocol.messagePermissionDenied)
				resolve(decoding.readVarString(decoder));
		};
	});
}

/** The close code of the provider's next connection the server closes; fails after `timeoutMs`. */
export function nextClose(provider: WebsocketProvider, timeoutMs = 5_000): Promise<number> {
	return withDeadline(timeoutMs, 'the connection to close', (resolve) => {
		const listener = (event: { code: number } | null) => {
			if (!event) return; // closed by the client itself
			provider.off('connection-close', listener);
			resolve(event.code);
		};
		provider.on('connection-close', listener);
	});
}

/** A promise for an event that fails with a clear message (rather than the test's timeout) if it never comes. */
function withDeadline<T>(
	timeoutMs: number,
	what: string,
	listen: (resolve: (value: T) => void) => void
): Promise<T> {
	return new Promise((resolve, reject) => {
		const timer = setTimeout(() => reject(new Error(`Timed out waiting for ${what}`)), timeoutMs);
		listen((value) => {
			clearTimeout(timer);
			resolve(value);
		});
	});
}
