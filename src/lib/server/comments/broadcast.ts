// Comment threads reach the open pages over the document's collaboration socket, as a frame
// of our own (MessageType.comments) beside sync and awareness: the page already holds that
// socket, which follows the viewer's rights (closed at once when they change) and reconnects
// by itself; a server-sent event stream would be a second connection per page to authorise
// and keep alive. A page that was offline asks the list again when its socket syncs.
import { json } from '@sveltejs/kit';
import type { CollabHub } from '../runtime';
import type { CommentEvent, ThreadView } from '../../comments/types';
import { NO_STORE, refusal } from '../http/json';
import type { CommentResult } from './commands';

type Hub = Pick<CollabHub, 'sendComments'> | null;

function send(hub: Hub, documentId: string, event: CommentEvent): void {
	hub?.sendComments(documentId, JSON.stringify(event));
}

/** Sends a command's thread to every page that has the document open (form actions). */
export function broadcastFor(
	hub: Hub,
	result: { documentId: string; thread: ThreadView | null; removedThreadId?: string | null }
): void {
	if (result.thread) send(hub, result.documentId, { type: 'thread', thread: result.thread });
	if (result.removedThreadId)
		send(hub, result.documentId, { type: 'thread-removed', threadId: result.removedThreadId });
}

/**
 * A route's answer to a comment command: a refusal as JSON with its status; a success sent to
 * every page that has the document open, then answered (`status`: 201 for what was created).
 */
export function answerAndBroadcast(
	hub: Hub,
	result: CommentResult<{ thread: ThreadView | null; removedThreadId?: string | null }>,
	status = 200
): Response {
	if (!result.ok) return refusal(result);
	broadcastFor(hub, result);
	return json(
		{
			message: result.message,
			thread: result.thread,
			removedThreadId: result.removedThreadId ?? null
		},
		{ status, headers: NO_STORE }
	);
}
