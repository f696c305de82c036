// The comment threads of the open document, as the page shows them: loaded from the server,
// kept live by the frames of the collaboration socket (asked again after each reconnection),
// drawn in the editor (highlights.ts), written through the JSON routes. The server decides who
// writes what; this state only mirrors its answers.
/* eslint-disable svelte/prefer-svelte-reactivity -- maps here are replaced whole ($state.raw). */
import type { EditorState } from '@tiptap/pm/state';
import type { Editor } from '@tiptap/core';
import { ySyncPluginKey } from '@tiptap/y-tiptap';
import type * as Y from 'yjs';
import type { SessionHooks } from '$lib/editor/session.svelte';
import {
	anchorOf,
	decodeAnchor,
	encodeAnchor,
	type Anchor,
	type EncodedAnchor,
	type PmMapping
} from './anchor';
import {
	commentHighlights,
	innermost,
	refreshHighlights,
	type HighlightedThread,
	type Ranges
} from './highlights';
import type { CommentEvent, Mentionable, ThreadView } from './types';

export interface Refusal {
	message: string;
	cannotRead?: Mentionable[];
	canInvite?: boolean;
}

export type Outcome = { ok: true; thread: ThreadView | null } | ({ ok: false } & Refusal);

export interface SelectionToComment {
	anchor: EncodedAnchor;
	quote: string;
}

function sameRanges(a: Ranges, b: Ranges): boolean {
	if (a.size !== b.size) return false;
	for (const [id, range] of a) {
		const other = b.get(id);
		if (!other || other.from !== range.from || other.to !== range.to) return false;
	}
	return true;
}

const NETWORK = 'Le serveur est injoignable : rien n’a été enregistré. Réessayez.';

export class CommentThreads {
	threads = $state.raw<ThreadView[]>([]);
	mentionables = $state.raw<Mentionable[]>([]);
	clubs = $state.raw<{ id: string; name: string }[]>([]);
	/** The list was received at least once (until then the panel says it is loading). */
	loaded = $state(false);
	/** The last attempt to get the list failed (the panel offers to try again). */
	loadFailed = $state(false);
	/** Threads whose passage has not reached this device yet (not deleted: on its way). */
	pending = $state.raw<ReadonlySet<string>>(new Set());
	/** The viewer's live rights (the page follows them when they change while it is open). */
	rights = $state({ canAnnotate: false, canManage: false, canEdit: false });
	/** Where each passage is now in the live editor (absent: deleted, or the editor is not ready). */
	ranges = $state.raw<Ranges>(new Map());
	/** The editor is live and has read the anchors at least once. */
	placed = $state(false);
	/** The thread whose passage holds the cursor, or chosen in the panel. */
	activeId = $state<string | null>(null);
	/** The current selection in the editor, when there is text to comment. */
	selection = $state.raw<{ from: number; to: number; text: string } | null>(null);
	/** Asked by Ctrl+Alt+M in the editor: the panel opens its form. */
	composeRequested = $state(0);
	/** Bumped when a thread arrives from someone else (the page refreshes the bell). */
	received = $state(0);

	#editor: Editor | null = null;
	#doc: Y.Doc | null = null;
	#fragment: Y.XmlFragment | null = null;
	#anchors = new Map<string, { key: string; anchor: Anchor | null }>();

	constructor(
		readonly documentId: string,
		readonly meId: string
	) {
		// Asked as soon as the page's script runs, beside the editor's own start.
		if (typeof window !== 'undefined') void this.load();
	}

	/** Plugs the threads into the editor session. */
	hooks(): SessionHooks {
		return {
			extensions: (doc, fragment) => {
				this.#doc = doc;
				this.#fragment = fragment;
				return [
					commentHighlights(doc, fragment, {
						threads: () => this.#highlighted(),
						activeId: () => this.activeId,
						onReading: ({ ranges, pending }) => {
							if (!sameRanges(ranges, this.ranges)) this.ranges = ranges;
							if (
								pending.size !== this.pending.size ||
								[...pending].some((id) => !this.pending.has(id))
							)
								this.pending = pending;
							this.placed = true;
						},
						onMoved: (moved) => this.#follow(moved),
						onSelection: (state) => this.#followSelection(state),
						onClickThread: (id) => this.activate(id),
						onCommentShortcut: () => this.composeRequested++
					})
				];
			},
			onComments: (json) => this.#receive(json),
			// No access any more (or no session): nothing can be written from this page.
			onStopped: () => (this.rights = { canAnnotate: false, canManage: false, canEdit: false }),
			onSynced: () => void this.load()
		};
	}

	/** The session's current editor (replaced after text is kept aside). */
	attach(editor: Editor | null): void {
		this.#editor = editor;
		if (editor) refreshHighlights(editor.view);
	}

	#url(path = ''): string {
		return `/documents/${this.documentId}/commentaires${path}`;
	}

	#loading: Promise<void> | null = null;
	/** Counts the threads received or removed here: a list asked before them must not undo them. */
	#changes = 0;
	#changedAt = new Map<string, number>();

	/** Asks the server for the list (one request at a time; one more if asked meanwhile). */
	load(): Promise<void> {
		this.#loading ??= this.#fetchList().finally(() => (this.#loading = null));
		return this.#loading;
	}

	async #fetchList(): Promise<void> {
		const asked = this.#changes;
		try {
			const response = await fetch(this.#url(), {
				headers: { accept: 'application/json' },
				cache: 'no-store'
			});
			if (!response.ok) {
				this.loadFailed = !this.loaded;
				return;
			}
			const body = (await response.json()) as {
				threads: ThreadView[];
				mentionables: Mentionable[];
				clubs: { id: string; name: string }[];
			};
			// What the list says, except where this page learnt something newer since it asked:
			// a thread received or removed meanwhile keeps its newer state; unchanged threads
			// keep their object, so their cards stay as they are.
			const local = new Map(this.threads.map((t) => [t.id, t]));
			const newer = (id: string) => (this.#changedAt.get(id) ?? -1) >= asked;
			const next: ThreadView[] = [];
			for (const thread of body.threads) {
				const mine = local.get(thread.id);
				if (newer(thread.id)) {
					if (mine) next.push(mine); // else removed meanwhile
				} else next.push(mine && mine.updatedAt >= thread.updatedAt ? mine : thread);
				local.delete(thread.id);
			}
			for (const [id, thread] of local) if (newer(id)) next.push(thread);
			if (next.length !== this.threads.length || next.some((t, i) => t !== this.threads[i]))
				this.threads = next;
			this.mentionables = body.mentionables;
			this.clubs = body.clubs;
			this.loaded = true;
			this.loadFailed = false;
			this.#redraw();
		} catch {
			// Offline: the next synced socket asks again.
			this.loadFailed = !this.loaded;
		}
	}

	#receive(json: string): void {
		let event: CommentEvent;
		try {
			event = JSON.parse(json) as CommentEvent;
		} catch {
			return;
		}
		if (event.type === 'thread' && event.thread?.id) {
			const fromSomeoneElse = !this.threads.some(
				(t) => t.id === event.thread.id && t.updatedAt === event.thread.updatedAt
			);
			this.#put(event.thread);
			if (fromSomeoneElse) this.received++;
		} else if (event.type === 'thread-removed') this.#remove(event.threadId);
	}

	#remove(id: string): void {
		this.#changedAt.set(id, ++this.#changes);
		if (this.activeId === id) this.activeId = null;
		this.threads = this.threads.filter((t) => t.id !== id);
		this.#redraw();
	}

	#put(thread: ThreadView): void {
		this.#changedAt.set(thread.id, ++this.#changes);
		const at = this.threads.findIndex((t) => t.id === thread.id);
		if (at >= 0 && this.threads[at].updatedAt > thread.updatedAt) return; // an older frame
		// A thread just resolved leaves the text: no longer drawn, even where the cursor is.
		if (
			at >= 0 &&
			thread.status === 'resolved' &&
			this.threads[at].status === 'open' &&
			this.activeId === thread.id
		)
			this.activeId = null;
		this.threads = at >= 0 ? this.threads.with(at, thread) : [...this.threads, thread];
		this.#redraw();
	}

	#redraw(): void {
		refreshHighlights(this.#editor?.view);
	}

	#anchorOf(thread: ThreadView): Anchor | null {
		if (!thread.anchor) return null; // about the whole document
		const key = `${thread.anchor.start}|${thread.anchor.end}`;
		const cached = this.#anchors.get(thread.id);
		if (cached?.key === key) return cached.anchor;
		const anchor = decodeAnchor(thread.anchor)?.anchor ?? null;
		this.#anchors.set(thread.id, { key, anchor });
		return anchor;
	}

	#highlighted(): HighlightedThread[] {
		const list: HighlightedThread[] = [];
		for (const thread of this.threads) {
			const anchor = this.#anchorOf(thread);
			if (anchor) list.push({ id: thread.id, anchor, open: thread.status === 'open' });
		}
		return list;
	}

	#followSelection(state: EditorState): void {
		const { from, to, empty } = state.selection;
		const text = empty ? '' : state.doc.textBetween(from, to, ' ', ' ').trim();
		this.selection = text ? { from, to, text } : null;
		// The cursor inside a passage makes its thread the active one (the innermost open one).
		const open = new Set(this.threads.filter((t) => t.status === 'open').map((t) => t.id));
		const id = innermost(this.ranges, from, open);
		if (id && id !== this.activeId) this.activate(id);
	}

	// Anchors moved by this editor's own edit of the text's structure: proposed to the server
	// (writers only; it checks them), the latest per thread, once typing rests.
	#moves = new Map<string, Anchor>();
	#moveTimer: ReturnType<typeof setTimeout> | null = null;
	#follow(moved: { id: string; anchor: Anchor }[]): void {
		if (!this.rights.canEdit) return;
		for (const { id, anchor } of moved) this.#moves.set(id, anchor);
		if (this.#moveTimer) clearTimeout(this.#moveTimer);
		this.#moveTimer = setTimeout(() => {
			const moves = [...this.#moves];
			this.#moves.clear();
			for (const [id, anchor] of moves)
				void this.#send(`/${id}`, 'PATCH', { anchor: encodeAnchor(anchor) });
		}, 300);
	}

	/** Makes a thread the active one: drawn stronger in the text. */
	activate(id: string | null): void {
		if (this.activeId === id) return;
		this.activeId = id;
		this.#redraw();
	}

	/** The current selection as an anchor the server will check, or null. */
	selectionToComment(): SelectionToComment | null {
		const editor = this.#editor;
		const selection = this.selection;
		if (!editor || editor.isDestroyed || !selection || !this.#doc || !this.#fragment) return null;
		const binding = ySyncPluginKey.getState(editor.state)?.binding as
			{ mapping?: PmMapping } | undefined;
		if (!binding?.mapping) return null;
		const anchor = anchorOf(
			this.#doc,
			this.#fragment,
			binding.mapping,
			selection.from,
			selection.to
		);
		return { anchor: encodeAnchor(anchor), quote: selection.text };
	}

	/** Selects the thread's passage in the text and brings it into view. */
	showPassage(id: string): boolean {
		const range = this.ranges.get(id);
		const editor = this.#editor;
		if (!range || !editor || editor.isDestroyed) return false;
		this.activate(id);
		editor.chain().setTextSelection(range).scrollIntoView().run();
		editor.view.focus();
		const { node } = editor.view.domAtPos(range.from);
		const element = node instanceof Element ? node : node.parentElement;
		element?.scrollIntoView({ block: 'center', behavior: 'smooth' });
		return true;
	}

	async #send(path: string, method: string, body?: object): Promise<Outcome> {
		let response: Response;
		try {
			response = await fetch(this.#url(path), {
				method,
				headers: {
					accept: 'application/json',
					...(body ? { 'content-type': 'application/json' } : {})
				},
				body: body ? JSON.stringify(body) : undefined
			});
		} catch {
			return { ok: false, message: NETWORK };
		}
		let answer: {
			message?: string;
			thread?: ThreadView | null;
			removedThreadId?: string | null;
		} & Refusal;
		try {
			answer = await response.json();
		} catch {
			return { ok: false, message: `Erreur du serveur (${response.status}) : réessayez.` };
		}
		if (!response.ok)
			return {
				ok: false,
				message: answer.message ?? `Erreur ${response.status}.`,
				cannotRead: answer.cannotRead,
				canInvite: answer.canInvite
			};
		if (answer.thread) this.#put(answer.thread);
		if (answer.removedThreadId) this.#remove(answer.removedThreadId);
		return { ok: true, thread: answer.thread ?? null };
	}

	open(anchor: EncodedAnchor, body: string, clubId: string | null): Promise<Outcome> {
		return this.#send('', 'POST', { anchor, body, clubId });
	}
	reply(threadId: string, body: string): Promise<Outcome> {
		return this.#send(`/${threadId}`, 'POST', { body });
	}
	setStatus(threadId: string, status: 'open' | 'resolved'): Promise<Outcome> {
		return this.#send(`/${threadId}`, 'PATCH', { status });
	}
	edit(threadId: string, commentId: string, body: string): Promise<Outcome> {
		return this.#send(`/${threadId}/messages/${commentId}`, 'PATCH', { body });
	}
	remove(threadId: string, commentId: string): Promise<Outcome> {
		return this.#send(`/${threadId}/messages/${commentId}`, 'DELETE');
	}
}
