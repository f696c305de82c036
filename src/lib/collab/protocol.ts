// The wire vocabulary shared by the collaboration server and the browser editor.
// Imported by both: keep it free of Node and DOM APIs.

/** y-websocket message types (first varUint of every frame). */
export const MessageType = {
	sync: 0,
	awareness: 1,
	auth: 2,
	queryAwareness: 3,
	/** Ours, server to browser only: a comment thread changed (JSON, lib/comments/types.ts). */
	comments: 8
} as const;

/** The websocket path for a document: `/collab/<documentId>`. */
export const COLLAB_PATH_PREFIX = '/collab/';

export function collabUrl(origin: string, documentId: string): { serverUrl: string; room: string } {
	const url = new URL(origin);
	const protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
	return {
		serverUrl: `${protocol}//${url.host}${COLLAB_PATH_PREFIX.slice(0, -1)}`,
		room: documentId
	};
}

/**
 * Close codes sent by the server once a connection is open. They follow the y-websocket
 * client's convention: 4400–4499 are final (the client stops reconnecting), 4500–4599 are
 * "reconnect now", like the standard 1xxx codes. Refusals before the upgrade
 * are plain HTTP statuses (401, 403, 404), which browsers cannot read: the editor asks
 * `GET /documents/<id>/acces` to learn why it could not connect.
 */
export const CloseCode = {
	/** Standard "service restart": the server is shutting down; reconnect. */
	serverRestarting: 1012,
	/** Standard "internal error": the server failed on its side. */
	serverError: 1011,
	/** Standard "message too big": the frame exceeded the maximum payload. */
	messageTooBig: 1009,
	/** The frame could not be decoded. */
	malformedMessage: 4400,
	/** The session ended (logout, expiry). */
	sessionEnded: 4401,
	/** Access to the document was withdrawn. */
	accessRevoked: 4403,
	/** The document no longer exists. */
	documentNotFound: 4404,
	/** The document's stored state cannot be read: final until an administrator repairs it. */
	documentUnreadable: 4422,
	/** The user's rights changed: reconnect to get the new ones. */
	rightsChanged: 4509,
	/** The server could not store an update: reconnect so the client re-sends it. */
	storageFailure: 4500
} as const;

export type ConnectionProblem =
	| 'session'
	| 'forbidden'
	| 'not_found'
	| 'unreadable'
	| 'too_big'
	| 'malformed'
	| 'restarting'
	| 'storage'
	| 'server';

/** French messages the editor shows for each reason the connection could not be kept. */
export const problemMessages: Record<ConnectionProblem, string> = {
	session: 'Votre session a expiré : reconnectez-vous pour continuer.',
	forbidden: 'Accès refusé : vous ne participez plus à ce document.',
	not_found: 'Document introuvable : il a peut-être été supprimé.',
	unreadable: 'Ce document ne peut pas être lu ; l’administrateur est prévenu.',
	too_big: 'Modification trop volumineuse refusée par le serveur. Reconnexion…',
	malformed: 'Échange invalide avec le serveur. Reconnexion…',
	restarting: 'Le serveur redémarre. Reconnexion…',
	storage: 'Le serveur n’a pas pu enregistrer la dernière modification. Reconnexion…',
	server: 'Erreur du serveur. Reconnexion…'
};

export function problemFromCloseCode(code: number): ConnectionProblem | null {
	switch (code) {
		case CloseCode.serverRestarting:
			return 'restarting';
		case CloseCode.messageTooBig:
			return 'too_big';
		case CloseCode.malformedMessage:
			return 'malformed';
		case CloseCode.sessionEnded:
			return 'session';
		case CloseCode.accessRevoked:
			return 'forbidden';
		case CloseCode.documentNotFound:
			return 'not_found';
		case CloseCode.documentUnreadable:
			return 'unreadable';
		case CloseCode.storageFailure:
			return 'storage';
		case CloseCode.serverError:
			return 'server';
		default:
			return null;
	}
}

export function problemFromHttpStatus(status: number): ConnectionProblem | null {
	if (status === 401) return 'session';
	if (status === 403) return 'forbidden';
	if (status === 404) return 'not_found';
	return null;
}

/** Problems after which reconnecting cannot help until the user acts. */
export function isFinalProblem(problem: ConnectionProblem): boolean {
	return (
		problem === 'session' ||
		problem === 'forbidden' ||
		problem === 'not_found' ||
		problem === 'unreadable'
	);
}

/** Identity the server stamps on every awareness entry: clients cannot choose it. */
export interface PresenceUser {
	id: string;
	name: string;
	organisation: string;
	color: string;
	canEdit: boolean;
}
