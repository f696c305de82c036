// The stored document as read-only HTML, sent with the document page so that its text shows at
// once on a slow line; the live editor replaces it when ready. Built from a throwaway Y.Doc
// loaded from storage — never from a live room's document, where the editor binding's clean-up
// of unknown nodes would be stored and broadcast — and rendered by a whitelist: only the node
// types, marks and attributes of the editor's schema come out; text and attributes are escaped;
// links keep only the schemes the editor allows.
import type * as Y from 'yjs';
import { yXmlFragmentToProsemirrorJSON } from '@tiptap/y-tiptap';
import type { Db } from '../db';
import { DOCUMENT_FRAGMENT, isAllowedLink } from '../../documents/schema';
import { readStoredDocument } from './journal';

export interface JsonNode {
	type: string;
	attrs?: Record<string, unknown>;
	content?: JsonNode[];
	text?: string;
	marks?: { type: string; attrs?: Record<string, unknown> }[];
}

/** A document held in a Y.Doc (a version, say), through the same whitelist. */
export function renderDocHtml(doc: Y.Doc): string {
	const json = yXmlFragmentToProsemirrorJSON(doc.getXmlFragment(DOCUMENT_FRAGMENT)) as JsonNode;
	return renderDocumentHtml(json);
}

export async function renderStoredHtml(db: Db, documentId: string): Promise<string> {
	const doc = await readStoredDocument(db, documentId);
	try {
		return renderDocHtml(doc);
	} catch (error) {
		// Stored content y-tiptap cannot serialise (written before the server checked updates):
		// the page still opens, without its read-only copy; the live editor shows what it can.
		console.error(
			`render: stored document ${documentId} not rendered: ${(error as Error).message}`
		);
		return '';
	} finally {
		doc.destroy();
	}
}

const ESCAPES: Record<string, string> = {
	'&': '&amp;',
	'<': '&lt;',
	'>': '&gt;',
	'"': '&quot;',
	"'": '&#39;'
};
const escape = (value: string) => value.replace(/[&<>"']/g, (c) => ESCAPES[c]);

const ALIGNMENTS = new Set(['left', 'center', 'right', 'justify']);
function alignment(node: JsonNode): string {
	const align = node.attrs?.textAlign;
	return typeof align === 'string' && ALIGNMENTS.has(align) && align !== 'left'
		? ` style="text-align: ${align}"`
		: '';
}

function span(node: JsonNode, name: 'colspan' | 'rowspan'): string {
	const value = Number(node.attrs?.[name]);
	return Number.isInteger(value) && value > 1 && value < 1000 ? ` ${name}="${value}"` : '';
}

/** Opening and closing tags of each node type the editor's schema knows; others keep only their content. */
const NODES: Record<string, (node: JsonNode) => [string, string]> = {
	doc: () => ['', ''],
	paragraph: (n) => [`<p${alignment(n)}>`, '</p>'],
	heading: (n) => {
		const level = Math.min(6, Math.max(1, Number(n.attrs?.level) || 1));
		return [`<h${level}${alignment(n)}>`, `</h${level}>`];
	},
	blockquote: () => ['<blockquote>', '</blockquote>'],
	bulletList: () => ['<ul>', '</ul>'],
	orderedList: (n) => {
		const start = Number(n.attrs?.start);
		return [Number.isInteger(start) && start !== 1 ? `<ol start="${start}">` : '<ol>', '</ol>'];
	},
	listItem: () => ['<li>', '</li>'],
	taskList: () => ['<ul data-type="taskList">', '</ul>'],
	taskItem: (n) => {
		const checked = n.attrs?.checked === true;
		return [
			`<li data-type="taskItem" data-checked="${checked}"><label><input type="checkbox" disabled${checked ? ' checked' : ''} aria-label="${checked ? 'Tâche faite' : 'Tâche à faire'}"></label><div>`,
			'</div></li>'
		];
	},
	codeBlock: () => ['<pre><code>', '</code></pre>'],
	horizontalRule: () => ['<hr>', ''],
	hardBreak: () => ['<br>', ''],
	table: () => ['<div class="tableWrapper"><table><tbody>', '</tbody></table></div>'],
	tableRow: () => ['<tr>', '</tr>'],
	tableHeader: (n) => [`<th${span(n, 'colspan')}${span(n, 'rowspan')}>`, '</th>'],
	tableCell: (n) => [`<td${span(n, 'colspan')}${span(n, 'rowspan')}>`, '</td>']
};

const MARKS: Record<
	string,
	(attrs: Record<string, unknown> | undefined) => [string, string] | null
> = {
	bold: () => ['<strong>', '</strong>'],
	italic: () => ['<em>', '</em>'],
	underline: () => ['<u>', '</u>'],
	strike: () => ['<s>', '</s>'],
	code: () => ['<code>', '</code>'],
	link: (attrs) => {
		const href = typeof attrs?.href === 'string' ? attrs.href : '';
		return isAllowedLink(href)
			? [`<a href="${escape(href)}" rel="noopener noreferrer nofollow">`, '</a>']
			: null;
	}
};

/** HTML of a ProseMirror JSON document, through the whitelist above. */
export function renderDocumentHtml(root: JsonNode): string {
	return renderNodeHtml(root, null);
}

/** Insertions and deletions to show in a rendered document (compare.ts), positions as ProseMirror counts them. */
export interface ChangeMarks {
	/** Display names of the authors, by index. */
	names?: string[];
	insertions: { from: number; to: number; author: number }[];
	/**
	 * What was deleted at a position of the rendered document: a text inside a paragraph, or
	 * whole blocks between blocks (rendered with the whitelist, their text struck through).
	 */
	deletions: { at: number; author: number; text?: string; blocks?: JsonNode[] }[];
}

/**
 * HTML of a ProseMirror JSON document, with the given changes shown in it. Positions are
 * counted as ProseMirror does: the root's content starts at 0, entering or leaving a node
 * counts 1, a character 1, a leaf node 1. `struckBy` renders a deleted block: all its text
 * struck through, credited to that author. Each change is announced to screen readers (which
 * do not read <ins> and <del>) by visually hidden words naming its author.
 */
export function renderNodeHtml(
	root: JsonNode,
	changes: ChangeMarks | null,
	struckBy: { author: number; names: string[] } | null = null
): string {
	const names = changes?.names ?? struckBy?.names ?? [];
	const nameOf = (author: number) => escape(names[author] ?? 'une personne inconnue');
	const attrs = (kind: 'ins' | 'del', author: number) =>
		` class="cmp-${kind} cmp-a${author % 6}" title="${kind === 'ins' ? 'Ajouté' : 'Supprimé'} par ${nameOf(author)}"`;
	const hidden = (text: string) => `<span class="visually-hidden">${text}</span>`;
	const struck = (html: string, author: number, first: boolean) =>
		`${first ? hidden(`[Supprimé par ${nameOf(author)} :] `) : ''}<del${attrs('del', author)}>${html}</del>`;
	const insertions = [...(changes?.insertions ?? [])].sort((a, b) => a.from - b.from);
	const deletionsAt = new Map<number, ChangeMarks['deletions']>();
	for (const deletion of changes?.deletions ?? [])
		deletionsAt.set(deletion.at, [...(deletionsAt.get(deletion.at) ?? []), deletion]);
	let pos = 0;
	let struckFirst = true;
	const announced = new Set<ChangeMarks['insertions'][number]>();

	/** What was deleted at `at`, once (the map entry is consumed). */
	const deletedAt = (at: number, inline: boolean): string => {
		const found = deletionsAt.get(at);
		if (!found) return '';
		deletionsAt.delete(at);
		return found
			.map((deletion) =>
				inline || deletion.text !== undefined
					? struck(escape(deletion.text ?? ''), deletion.author, true)
					: (deletion.blocks ?? [])
							.map((block) => renderNodeHtml(block, null, { author: deletion.author, names }))
							.join('')
			)
			.join('');
	};

	const insertionAt = (at: number) => insertions.find((i) => i.from <= at && at < i.to);

	const renderText = (node: JsonNode): string => {
		const text = node.text ?? '';
		const from = pos;
		const to = from + text.length;
		pos = to;
		const cuts = new Set([from, to]);
		for (const i of insertions) {
			if (i.from > from && i.from < to) cuts.add(i.from);
			if (i.to > from && i.to < to) cuts.add(i.to);
		}
		for (const at of deletionsAt.keys()) if (at > from && at < to) cuts.add(at);
		const points = [...cuts].sort((a, b) => a - b);
		let html = '';
		for (let k = 0; k < points.length - 1; k++) {
			const start = points[k];
			const end = points[k + 1];
			if (k > 0) html += deletedAt(start, true);
			let segment = escape(text.slice(start - from, end - from));
			for (const mark of node.marks ?? []) {
				const tags = MARKS[mark.type]?.(mark.attrs);
				if (tags) segment = tags[0] + segment + tags[1];
			}
			const inserted = insertionAt(start);
			if (struckBy) {
				html += struck(segment, struckBy.author, struckFirst);
				struckFirst = false;
			} else if (inserted) {
				// Named once per insertion, at its first piece of text.
				const first = !announced.has(inserted);
				announced.add(inserted);
				html +=
					(first ? hidden(`[Ajouté par ${nameOf(inserted.author)} :] `) : '') +
					`<ins${attrs('ins', inserted.author)}>${segment}</ins>`;
			} else html += segment;
		}
		return html;
	};

	const render = (node: JsonNode, isRoot: boolean): string => {
		const textblock = TEXT_BLOCKS.has(node.type);
		if (node.type === 'text') return renderText(node);
		const tags = NODES[node.type]?.(node);
		if (!isRoot && !node.content?.length && LEAVES.has(node.type)) {
			pos += 1;
			return tags ? tags[0] + tags[1] : '';
		}
		if (!isRoot) pos += 1;
		let inner = '';
		for (const child of node.content ?? []) {
			inner += deletedAt(pos, textblock) + render(child, false);
		}
		inner += deletedAt(pos, textblock);
		if (!isRoot) pos += 1;
		return tags ? tags[0] + inner + tags[1] : inner;
	};
	// A deleted block is rendered from its own root: the block itself, not only its content.
	return struckBy ? render({ type: 'doc', content: [root] }, true) : render(root, true);
}

/** Nodes whose content is inline (a deletion inside them is shown inline). */
const TEXT_BLOCKS = new Set(['paragraph', 'heading', 'codeBlock']);
/** Nodes without content: one position each. */
const LEAVES = new Set(['hardBreak', 'horizontalRule']);
