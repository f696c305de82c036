// Comment threads reach the open pages over the document's collaboration socket, as a frame
// of our own (MessageType.comments) beside sync and awareness: the page already holds that
// socket, which follows the viewer's rights (closed at once when they change) and reconnects
// by itself; a server-sent event stream would be a second connection per page to authorise
// and keep alive. A page that was offline asks the list again when its socket syncs.
import type { CollabHub } from '../runtime';
import type { CommentEvent, ThreadView } from '../../comments/types';

type Hub = Pick<CollabHub, 'sendComments'> | null;

function send(hub: Hub, documentId: string, event: CommentEvent): void {
	hub?.sendComments(documentId, JSON.stringify(event));
}

export function broadcastThread(hub: Hub, thread: ThreadView): void {
	send(hub, thread.documentId, { type: 'thread', thread });
}

export function broadcastRemoved(hub: Hub, documentId: string, threadId: string): void {
	send(hub, documentId, { type: 'thread-removed', threadId });
}
