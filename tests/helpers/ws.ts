// No Vitest import: tests/bench loads it outside Vitest.
import WebSocket from 'ws';
import { SESSION_COOKIE } from '../../src/lib/server/auth/cookie';

/** A `ws` WebSocket class that presents a session cookie (browsers send it by themselves). */
export function webSocketWithCookie(
	token: string | null,
	extraHeaders: Record<string, string> = {}
) {
	return class extends WebSocket {
		constructor(url: string | URL, protocols?: string | string[]) {
			super(url, protocols, {
				headers: { ...(token ? { cookie: `${SESSION_COOKIE}=${token}` } : {}), ...extraHeaders }
			});
		}
	};
}
