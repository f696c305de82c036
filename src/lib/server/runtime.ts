// Process-wide state: the configuration, the database and the collaboration hub. The production
// process loads this module once (server/index.ts only hands requests to the SvelteKit bundle,
// which holds every server module), so plain module state is the single copy.
import { readConfig, type Config } from './config';
import { openDatabase, type Db } from './db';

/** What the collaboration server exposes to HTTP routes (e.g. to cut a demoted user off). */
export interface CollabHub {
	closeUserConnections(documentId: string, userId: string, code: number, reason: string): number;
	closeSessionConnections(sessionId: string, code: number, reason: string): number;
	closeOrganisationConnections(
		documentId: string,
		organisationId: string,
		code: number,
		reason: string
	): number;
	/** Stores what a loaded document has pending (nothing to do when it is not loaded). */
	flushDocument(documentId: string): Promise<void>;
	/**
	 * A change made by the server on a user's behalf (a restore), through the document's room
	 * (loaded if need be): stored with that user as author, seen live by everyone connected.
	 * Resolves with whether it changed anything.
	 */
	/** The loaded document's live Y.Doc (null when it is not loaded): read it, never change it. */
	liveDocument(documentId: string): import('yjs').Doc | null;
	/**
	 * Sends one frame of our own (MessageType.comments: a comment thread changed) to every page
	 * that has the document open. Returns how many received it.
	 */
	sendComments(documentId: string, json: string): number;
	applyServerChange(
		documentId: string,
		userId: string,
		change: (doc: import('yjs').Doc) => void
	): Promise<boolean>;
}

interface Runtime {
	config: Config;
	db: Db;
	collab: CollabHub | null;
	log: (message: string) => void;
}

let current: Runtime | null = null;

export function runtime(): Runtime {
	if (!current) {
		const config = readConfig();
		current = {
			config,
			db: openDatabase(config.databaseUrl),
			collab: null,
			log: config.logLevel === 'silent' ? () => {} : (message) => console.log(message)
		};
	}
	return current;
}

export function db(): Db {
	return runtime().db;
}

/** Closes the database and forgets the state (graceful shutdown, one-off commands). */
export async function disposeRuntime(): Promise<void> {
	const rt = current;
	if (!rt) return;
	current = null;
	await rt.db.destroy();
}
