// Flagged passages drawn as ProseMirror decorations: a highlight seen only by the user whose
// edits merged, never written into the shared document.
import { Extension } from '@tiptap/core';
import { Plugin, PluginKey } from '@tiptap/pm/state';
import { Decoration, DecorationSet } from '@tiptap/pm/view';
import type { Node as PmNode } from '@tiptap/pm/model';
import * as Y from 'yjs';
import { passagesOf } from './passages';

export const mergeFlagsKey = new PluginKey('merge-flags');

/** Child indexes from the fragment down to `element` (they match ProseMirror's above text blocks). */
function pathOf(element: Y.XmlElement, fragment: Y.XmlFragment): number[] | null {
	const path: number[] = [];
	let current: Y.XmlElement | Y.XmlFragment = element;
	while (current !== fragment) {
		const parent = current.parent as Y.XmlElement | Y.XmlFragment | null;
		if (!parent) return null; // deleted meanwhile
		const index = parent.toArray().indexOf(current as Y.XmlElement);
		if (index < 0) return null;
		path.unshift(index);
		current = parent;
	}
	return path;
}

function rangeAt(doc: PmNode, path: number[]): { from: number; node: PmNode } | null {
	let node = doc;
	let pos = 0;
	for (const [depth, index] of path.entries()) {
		if (index >= node.childCount) return null;
		if (depth > 0) pos += 1; // the parent's opening token
		for (let i = 0; i < index; i++) pos += node.child(i).nodeSize;
		node = node.child(index);
	}
	return { from: pos, node };
}

/**
 * `flagged()` gives the Yjs ids of the passages to highlight; dispatch a transaction with
 * `mergeFlagsKey` meta to redraw after it changes.
 */
export function mergeFlags(fragment: () => Y.XmlFragment, flagged: () => ReadonlySet<string>) {
	return Extension.create({
		name: 'mergeFlags',
		addProseMirrorPlugins: () => [
			new Plugin({
				key: mergeFlagsKey,
				props: {
					decorations(state) {
						const ids = flagged();
						if (ids.size === 0) return DecorationSet.empty;
						const decorations: Decoration[] = [];
						for (const passage of passagesOf(fragment())) {
							if (!ids.has(passage.id)) continue;
							const path = pathOf(passage.element, fragment());
							const range = path && rangeAt(state.doc, path);
							// Local typing updates ProseMirror before Yjs: skip a stale path, the next
							// transaction draws it again.
							if (!range || range.node.type.name !== passage.element.nodeName) continue;
							decorations.push(
								Decoration.node(range.from, range.from + range.node.nodeSize, {
									class: 'merge-flag',
									'data-merge-flag': passage.id
								})
							);
						}
						return DecorationSet.create(state.doc, decorations);
					}
				}
			})
		]
	});
}
