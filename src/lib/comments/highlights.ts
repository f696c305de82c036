// Anchored passages drawn in the editor as ProseMirror decorations: seen by everyone who has the
// document open, never part of the document's content (nor of what is stored or exported).
//
// Positions come from the anchors' Yjs relative positions, read with the y-sync binding's
// mapping. That mapping is brought up to date in the binding's own view update, after
// decorations are drawn for a transaction: so each transaction first maps the drawn highlights
// (exact for local typing — text typed at an edge stays outside), then, once the view has
// updated, they are read again from the anchors and redrawn (remote edits, undo, merges).
//
// Splitting or joining a paragraph, or turning it into a heading, gives its characters new Yjs
// identities (y-tiptap rewrites the block): the anchor no longer finds them, but ProseMirror,
// which made the edit here, still maps the passage exactly. When only this editor's own edits
// happened since the last reading and the two disagree, the mapped passage is drawn and a new
// anchor on it is proposed (`onMoved`: sent to the server, which checks it, by writers).
import { Extension } from '@tiptap/core';
import { Plugin, PluginKey, type EditorState, type Transaction } from '@tiptap/pm/state';
import { Decoration, DecorationSet, type EditorView } from '@tiptap/pm/view';
import { ySyncPluginKey } from '@tiptap/y-tiptap';
import * as Y from 'yjs';
import { anchorOf, notYetReceived, resolveAnchor, type Anchor, type PmMapping } from './anchor';

export interface HighlightedThread {
	id: string;
	anchor: Anchor;
	open: boolean;
}

export type Ranges = ReadonlyMap<string, { from: number; to: number }>;

export interface Reading {
	/** Where each thread's passage is now (threads whose passage is gone are absent). */
	ranges: Ranges;
	/** Threads whose characters have not reached this copy yet (not deleted: on their way). */
	pending: ReadonlySet<string>;
}

export interface HighlightSource {
	threads(): readonly HighlightedThread[];
	activeId(): string | null;
	onReading(reading: Reading): void;
	/** Passages this editor's own edit moved out of their anchors' reach: new anchors for them. */
	onMoved(moved: { id: string; anchor: Anchor }[]): void;
	/** The selection moved (to tell which thread's passage holds it, and what may be commented). */
	onSelection(state: EditorState): void;
	onClickThread(id: string): void;
	/** Ctrl+Alt+M: comment the selection. */
	onCommentShortcut(): void;
}

interface HighlightState {
	decorations: DecorationSet;
	ranges: Ranges;
	/** Read the anchors again after this transaction (threads changed, or the text did). */
	stale: boolean;
	/** Only this editor's own edits since the last reading: the mapped ranges are exact. */
	ownEditsOnly: boolean;
	/** Read at once (threads changed, or someone else's edit); else after typing pauses. */
	urgent: boolean;
}

export const commentHighlightsKey = new PluginKey<HighlightState>('comment-highlights');

const REFRESH = 'refresh';
/** While typing, anchors are read again once the keyboard rests (the mapped ones are exact). */
const TYPING_PAUSE_MS = 150;

/** Asks the open editor to read the anchors again (threads or the active one changed). */
export function refreshHighlights(view: EditorView | null | undefined): void {
	if (view && !view.isDestroyed)
		view.dispatch(view.state.tr.setMeta(commentHighlightsKey, REFRESH));
}

/** The innermost (shortest) passage holding `pos` among `ids` (all when not given). */
export function innermost(ranges: Ranges, pos: number, ids?: ReadonlySet<string>): string | null {
	let best: { id: string; length: number } | null = null;
	for (const [id, range] of ranges)
		if (
			(!ids || ids.has(id)) &&
			range.from <= pos &&
			pos <= range.to &&
			(!best || range.to - range.from < best.length)
		)
			best = { id, length: range.to - range.from };
	return best?.id ?? null;
}

const isRemote = (tr: Transaction) =>
	Boolean((tr.getMeta(ySyncPluginKey) as { isChangeOrigin?: boolean } | undefined)?.isChangeOrigin);

function read(
	view: EditorView,
	doc: Y.Doc,
	fragment: Y.XmlFragment,
	source: HighlightSource
): { state: HighlightState; reading: Reading; moved: { id: string; anchor: Anchor }[] } | null {
	const binding = ySyncPluginKey.getState(view.state)?.binding as
		{ mapping?: PmMapping } | undefined;
	const before = commentHighlightsKey.getState(view.state);
	if (!binding?.mapping || !before) return null;
	const ranges = new Map<string, { from: number; to: number }>();
	const pending = new Set<string>();
	const moved: { id: string; anchor: Anchor }[] = [];
	const decorations: Decoration[] = [];
	const active = source.activeId();
	const size = view.state.doc.content.size;
	for (const thread of source.threads()) {
		let range = resolveAnchor(doc, fragment, binding.mapping, thread.anchor);
		const mapped = before.ownEditsOnly ? before.ranges.get(thread.id) : undefined;
		if (
			mapped &&
			mapped.to <= size &&
			(!range || range.from !== mapped.from || range.to !== mapped.to)
		) {
			range = mapped;
			moved.push({
				id: thread.id,
				anchor: anchorOf(doc, fragment, binding.mapping, mapped.from, mapped.to)
			});
		}
		if (!range || range.to > size) {
			if (notYetReceived(doc, thread.anchor.start) || notYetReceived(doc, thread.anchor.end))
				pending.add(thread.id);
			continue;
		}
		ranges.set(thread.id, range);
		if (!thread.open && thread.id !== active) continue;
		decorations.push(
			Decoration.inline(
				range.from,
				range.to,
				{
					class: thread.id === active ? 'comment-mark comment-mark-active' : 'comment-mark',
					'data-thread': thread.id
				},
				{ inclusiveStart: false, inclusiveEnd: false, thread: thread.id }
			)
		);
	}
	return {
		state: {
			decorations: DecorationSet.create(view.state.doc, decorations),
			ranges,
			stale: false,
			ownEditsOnly: true,
			urgent: false
		},
		reading: { ranges, pending },
		moved
	};
}

export function commentHighlights(doc: Y.Doc, fragment: Y.XmlFragment, source: HighlightSource) {
	return Extension.create({
		name: 'commentHighlights',
		addKeyboardShortcuts: () => ({
			'Mod-Alt-m': () => {
				source.onCommentShortcut();
				return true;
			}
		}),
		addProseMirrorPlugins: () => [
			new Plugin<HighlightState>({
				key: commentHighlightsKey,
				state: {
					init: () => ({
						decorations: DecorationSet.empty,
						ranges: new Map(),
						stale: true,
						ownEditsOnly: false,
						urgent: true
					}),
					apply(tr, value) {
						const meta = tr.getMeta(commentHighlightsKey) as
							HighlightState | typeof REFRESH | undefined;
						if (meta === REFRESH) return { ...value, stale: true, urgent: true };
						if (meta) return meta;
						if (!tr.docChanged) return value;
						const remote = isRemote(tr);
						const ranges = new Map<string, { from: number; to: number }>();
						for (const [id, range] of value.ranges) {
							const from = tr.mapping.map(range.from, 1);
							const to = tr.mapping.map(range.to, -1);
							if (from < to) ranges.set(id, { from, to });
						}
						return {
							decorations: value.decorations.map(tr.mapping, tr.doc),
							ranges,
							stale: true,
							ownEditsOnly: value.ownEditsOnly && !remote,
							urgent: value.urgent || remote
						};
					}
				},
				props: {
					decorations: (state) => commentHighlightsKey.getState(state)?.decorations,
					handleClick(view, pos) {
						const ranges = commentHighlightsKey.getState(view.state)?.ranges;
						if (!ranges) return false;
						const open = new Set(
							source
								.threads()
								.filter((t) => t.open)
								.map((t) => t.id)
						);
						const id = innermost(ranges, pos, open);
						if (id) source.onClickThread(id);
						return false;
					}
				},
				view: (view) => {
					let timer: ReturnType<typeof setTimeout> | null = null;
					let queued = false;
					const readNow = () => {
						timer = null;
						queued = false;
						if (view.isDestroyed) return;
						const next = read(view, doc, fragment, source);
						if (!next) return;
						source.onReading(next.reading);
						view.dispatch(
							view.state.tr.setMeta(commentHighlightsKey, next.state).setMeta('addToHistory', false)
						);
						if (next.moved.length) source.onMoved(next.moved);
					};
					const update = (view: EditorView, previous?: EditorState) => {
						const state = commentHighlightsKey.getState(view.state);
						if (
							!previous ||
							!previous.selection.eq(view.state.selection) ||
							previous.doc !== view.state.doc
						)
							source.onSelection(view.state);
						if (!state?.stale) return;
						if (state.urgent) {
							if (timer) clearTimeout(timer);
							timer = null;
							// After every plugin view has updated (the binding's mapping among them).
							if (!queued) {
								queued = true;
								queueMicrotask(readNow);
							}
						} else if (!queued) {
							if (timer) clearTimeout(timer);
							timer = setTimeout(readNow, TYPING_PAUSE_MS);
						}
					};
					update(view);
					return {
						update,
						destroy: () => {
							if (timer) clearTimeout(timer);
						}
					};
				}
			})
		]
	});
}
