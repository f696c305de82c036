// Anchored passages drawn in the editor as ProseMirror decorations: seen by everyone who has the
// document open, never part of the document's content (nor of what is stored or exported).
//
// Positions come from the anchors' Yjs relative positions, read with the y-sync binding's
// mapping. That mapping is brought up to date in the binding's own view update, after
// decorations are drawn for a transaction: so each transaction first maps the drawn highlights
// (exact for local typing — text typed at an edge stays outside), then, once the view has
// updated, they are read again from the anchors and redrawn (remote edits, undo, merges).
import { Extension } from '@tiptap/core';
import { Plugin, PluginKey, type EditorState } from '@tiptap/pm/state';
import { Decoration, DecorationSet, type EditorView } from '@tiptap/pm/view';
import { ySyncPluginKey } from '@tiptap/y-tiptap';
import * as Y from 'yjs';
import { resolveAnchor, type Anchor, type PmMapping } from './anchor';

export interface HighlightedThread {
	id: string;
	anchor: Anchor;
	open: boolean;
}

export type Ranges = ReadonlyMap<string, { from: number; to: number }>;

export interface HighlightSource {
	threads(): readonly HighlightedThread[];
	activeId(): string | null;
	/** Where each thread's passage is now (threads whose passage is gone are absent). */
	onRanges(ranges: Ranges): void;
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
}

export const commentHighlightsKey = new PluginKey<HighlightState>('comment-highlights');

const REFRESH = 'refresh';

/** Asks the open editor to read the anchors again (threads or the active one changed). */
export function refreshHighlights(view: EditorView | null | undefined): void {
	if (view && !view.isDestroyed)
		view.dispatch(view.state.tr.setMeta(commentHighlightsKey, REFRESH));
}

function read(
	view: EditorView,
	doc: Y.Doc,
	fragment: Y.XmlFragment,
	source: HighlightSource
): HighlightState | null {
	const binding = ySyncPluginKey.getState(view.state)?.binding as
		{ mapping?: PmMapping } | undefined;
	if (!binding?.mapping) return null;
	const ranges = new Map<string, { from: number; to: number }>();
	const decorations: Decoration[] = [];
	const active = source.activeId();
	const size = view.state.doc.content.size;
	for (const thread of source.threads()) {
		const range = resolveAnchor(doc, fragment, binding.mapping, thread.anchor);
		if (!range || range.to > size) continue;
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
	return { decorations: DecorationSet.create(view.state.doc, decorations), ranges, stale: false };
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
					init: () => ({ decorations: DecorationSet.empty, ranges: new Map(), stale: true }),
					apply(tr, value) {
						const meta = tr.getMeta(commentHighlightsKey) as
							HighlightState | typeof REFRESH | undefined;
						if (meta === REFRESH) return { ...value, stale: true };
						if (meta) return meta;
						if (!tr.docChanged) return value;
						const ranges = new Map<string, { from: number; to: number }>();
						for (const [id, range] of value.ranges) {
							const from = tr.mapping.map(range.from, 1);
							const to = tr.mapping.map(range.to, -1);
							if (from < to) ranges.set(id, { from, to });
						}
						return { decorations: value.decorations.map(tr.mapping, tr.doc), ranges, stale: true };
					}
				},
				props: {
					decorations: (state) => commentHighlightsKey.getState(state)?.decorations,
					handleClick(view, pos) {
						const ranges = commentHighlightsKey.getState(view.state)?.ranges;
						if (!ranges) return false;
						// The innermost (shortest) passage holding the click.
						let best: { id: string; length: number } | null = null;
						for (const [id, range] of ranges)
							if (
								range.from <= pos &&
								pos <= range.to &&
								(!best || range.to - range.from < best.length)
							)
								best = { id, length: range.to - range.from };
						if (best) source.onClickThread(best.id);
						return false;
					}
				},
				view: (view) => {
					let scheduled = false;
					const update = (view: EditorView, previous?: EditorState) => {
						const state = commentHighlightsKey.getState(view.state);
						if (
							!previous ||
							!previous.selection.eq(view.state.selection) ||
							previous.doc !== view.state.doc
						)
							source.onSelection(view.state);
						if (!state?.stale || scheduled) return;
						scheduled = true;
						// After every plugin view has updated (the binding's mapping among them).
						queueMicrotask(() => {
							scheduled = false;
							if (view.isDestroyed) return;
							const next = read(view, doc, fragment, source);
							if (!next) return;
							source.onRanges(next.ranges);
							view.dispatch(
								view.state.tr.setMeta(commentHighlightsKey, next).setMeta('addToHistory', false)
							);
						});
					};
					update(view);
					return { update };
				}
			})
		]
	});
}
