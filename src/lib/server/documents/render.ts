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

interface JsonNode {
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

function renderText(node: JsonNode): string {
	let html = escape(node.text ?? '');
	for (const mark of node.marks ?? []) {
		const tags = MARKS[mark.type]?.(mark.attrs);
		if (tags) html = tags[0] + html + tags[1];
	}
	return html;
}

/** HTML of a ProseMirror JSON document, through the whitelist above. */
export function renderDocumentHtml(root: JsonNode): string {
	const render = (node: JsonNode): string => {
		if (node.type === 'text') return renderText(node);
		const inner = (node.content ?? []).map(render).join('');
		const tags = NODES[node.type]?.(node);
		return tags ? tags[0] + inner + tags[1] : inner;
	};
	return render(root);
}
