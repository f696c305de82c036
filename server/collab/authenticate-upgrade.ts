// First step of a collaboration connection: decide, from the HTTP upgrade request alone,
// whether it may become a websocket — before any Yjs message is exchanged.
import type { IncomingMessage } from 'node:http';
import { COLLAB_PATH_PREFIX } from '../../src/lib/collab/protocol';
import type { Db } from '../../src/lib/server/db';
import {
	sessionEnd,
	validateSessionToken,
	type SessionUser
} from '../../src/lib/server/auth/session';
import { readSessionCookie } from '../../src/lib/server/auth/cookie';
import { documentAccess } from '../../src/lib/server/documents/access';
import { ID_PATTERN } from '../../src/lib/server/ids';

export interface ConnectionContext {
	documentId: string;
	sessionId: string;
	/** When the session ends unless renewed (checked again then: collab/index.ts). */
	sessionEndsAt: number;
	user: SessionUser;
	canEdit: boolean;
}

export type UpgradeDecision =
	| { ok: true; context: ConnectionContext }
	| { ok: false; status: 400 | 401 | 403 | 404; reason: string };

/** The document id of a collaboration URL, or null when the path is not ours. */
export function documentIdFromPath(url: string | undefined): string | null {
	if (!url) return null;
	const path = url.split('?')[0];
	if (!path.startsWith(COLLAB_PATH_PREFIX)) return null;
	return decodeURIComponent(path.slice(COLLAB_PATH_PREFIX.length));
}

/**
 * Cross-site websocket hijacking defence: browsers always send Origin, and the session cookie
 * rides along, so a foreign page must not be able to open a socket with it. Non-browser
 * clients (tests, scripts) send no Origin and still need a valid session.
 */
export function isOriginAllowed(req: IncomingMessage, configuredOrigin: string): boolean {
	const origin = req.headers.origin;
	if (!origin) return true;
	if (configuredOrigin) return origin === configuredOrigin;
	try {
		return new URL(origin).host === req.headers.host;
	} catch {
		return false;
	}
}

export async function authenticateUpgrade(
	db: Db,
	req: IncomingMessage,
	configuredOrigin: string
): Promise<UpgradeDecision> {
	const documentId = documentIdFromPath(req.url);
	if (documentId === null) return { ok: false, status: 404, reason: 'Not a collaboration URL' };
	if (!isOriginAllowed(req, configuredOrigin))
		return { ok: false, status: 403, reason: 'Origin not allowed' };

	const token = readSessionCookie(req.headers.cookie);
	if (!token) return { ok: false, status: 401, reason: 'No session' };
	const { session, user } = await validateSessionToken(db, token);
	if (!session) return { ok: false, status: 401, reason: 'Session expired' };

	if (!ID_PATTERN.test(documentId)) return { ok: false, status: 404, reason: 'Unknown document' };
	const access = await documentAccess(db, user, documentId);
	if (access.status === 'not_found') return { ok: false, status: 404, reason: 'Unknown document' };
	if (access.status === 'forbidden')
		return { ok: false, status: 403, reason: 'No access to this document' };
	return {
		ok: true,
		context: {
			documentId,
			sessionId: session.id,
			sessionEndsAt: sessionEnd(session),
			user,
			canEdit: access.canEdit
		}
	};
}
