import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { onCleanup } from './cleanup';
import WebSocket from 'ws';
import * as Y from 'yjs';
import { WebsocketProvider } from 'y-websocket';
import { SESSION_COOKIE } from '../../src/lib/server/auth/cookie';
import type { Db } from '../../src/lib/server/db';
import { CollabServer, type CollabOptions } from '../../server/collab';
import { createAppServer } from '../../server/app-server';

/** A real collaboration server on a free port (no SvelteKit handler), stopped after the file's tests. */
export async function startCollabServer(db: Db, options: Partial<CollabOptions> = {}) {
	const collab = new CollabServer(db, { unloadDelayMs: 50, ...options });
	const server = createAppServer(collab, null, { trustProtocolDefault: true });
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

/** A `ws` WebSocket class that presents a session cookie (browsers send it by themselves). */
export function webSocketWithCookie(token: string | null, extraHeaders: Record<string, string> = {}) {
	return class extends WebSocket {
		constructor(url: string | URL, protocols?: string | string[]) {
			super(url, protocols, { headers: { ...(token ? { cookie: `${SESSION_COOKIE}=${token}` } : {}), ...extraHeaders } });
		}
	};
}

/** The genuine y-websocket client, in Node, authenticated by a session token. */
export function connectProvider(port: number, documentId: string, token: string, doc = new Y.Doc()) {
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
	return provider.synced ? Promise.resolve() : new Promise((resolve) => provider.once('sync', (isSynced: boolean) => isSynced && resolve()));
}

/** Polls `check` until it returns true, or fails after `timeoutMs`. */
export async function waitFor(check: () => boolean | Promise<boolean>, timeoutMs = 5_000, what = 'condition'): Promise<void> {
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
export function rawConnect(port: number, documentId: string, token: string | null, headers: Record<string, string> = {}): Promise<{ status: number; ws: WebSocket | null; frames: Uint8Array[] }> {
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

export function httpGet(port: number, path: string): Promise<number> {
	return new Promise((resolve, reject) => http.get({ port, path, host: '127.0.0.1' }, (res) => resolve(res.statusCode ?? 0)).on('error', reject));
}
