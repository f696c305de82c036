// What a page knows of comment threads: the server's JSON answers and the frames it sends on
// the collaboration socket. Shared by the browser and the server.
import type { EncodedAnchor } from './anchor';

export interface PersonView {
	id: string;
	name: string;
	organisationId: string;
	organisationName: string;
}

export interface CommentView {
	id: string;
	author: PersonView;
	/** Empty once deleted. */
	body: string;
	createdAt: number;
	editedAt: number | null;
	deleted: boolean;
}

export interface ThreadView {
	id: string;
	documentId: string;
	author: PersonView;
	/** Posted au nom du club. */
	club: { id: string; name: string } | null;
	/** Null: about the whole document (an observation may be). */
	anchor: EncodedAnchor | null;
	/** The passage when the thread was opened ('' without anchor). */
	quote: string;
	/** An observation of a consultation: blocking until the binôme answers it. */
	observation: {
		consultationId: string;
		blocking: boolean;
		answer: 'accepted' | 'rejected' | null;
		answerReason: string | null;
		answeredBy: string | null;
		answeredAt: number | null;
	} | null;
	status: 'open' | 'resolved';
	resolvedBy: string | null;
	resolvedAt: number | null;
	createdAt: number;
	updatedAt: number;
	/** The first one opens the thread. */
	comments: CommentView[];
}

/** A frame of our own on the collaboration socket (MessageType.comments), as JSON. */
export type CommentEvent =
	{ type: 'thread'; thread: ThreadView } | { type: 'thread-removed'; threadId: string };

/** Someone who can read the document, offered after « @ ». */
export interface Mentionable {
	id: string;
	name: string;
	organisationName: string;
}

export const COMMENT_MAX_LENGTH = 10_000;
