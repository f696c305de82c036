// Absolute links in e-mails. The public origin is ORIGIN, never a request's Host header: a
// forged Host would otherwise put its own link into everyone's mail. Without ORIGIN no e-mail
// leaves (config.ts requires it with SMTP_URL), and the held copies link to the local server.
import { readConfig } from '../config';

let origin: string | null = null;

export function publicOrigin(): string {
	if (origin === null) {
		const config = readConfig();
		origin = config.origin || `http://localhost:${config.port}`;
	}
	return origin;
}

/** Tests: the origin links are built on (null: read the configuration again). */
export function setPublicOrigin(value: string | null): void {
	origin = value;
}

export function absoluteLink(path: string): string {
	return `${publicOrigin()}${path}`;
}

export const PREFERENCES_PATH = '/notifications/preferences';
export const UNSUBSCRIBE_PATH = '/courriels/desabonnement';
