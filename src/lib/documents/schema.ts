// The document schema, shared by the browser editor and the server (seeding, templates,
// text extraction). Changing it changes what stored documents can contain.
import { getSchema, type AnyExtension } from '@tiptap/core';
import StarterKit from '@tiptap/starter-kit';
import { TaskItem, TaskList } from '@tiptap/extension-list';
import { Table, TableCell, TableHeader, TableRow } from '@tiptap/extension-table';
import TextAlign from '@tiptap/extension-text-align';

/** Name of the Y.XmlFragment that holds the document body (Tiptap Collaboration's default). */
export const DOCUMENT_FRAGMENT = 'default';

/** Only these link schemes: a `javascript:` link in a shared document would run in a colleague's session. */
export const LINK_PROTOCOLS = ['http', 'https', 'mailto'];

export function isAllowedLink(href: string): boolean {
	try {
		return LINK_PROTOCOLS.includes(new URL(href).protocol.replace(':', ''));
	} catch {
		return false;
	}
}

export function documentExtensions(): AnyExtension[] {
	return [
		StarterKit.configure({
			undoRedo: false, // Yjs provides undo/redo per user; StarterKit's own history would fight it
			link: {
				openOnClick: false,
				autolink: true,
				protocols: ['mailto'],
				isAllowedUri: (url) => isAllowedLink(url)
			}
		}),
		TaskList,
		// The checkbox is named in French after its task (its checked state is announced anyway).
		TaskItem.configure({
			nested: true,
			a11y: { checkboxLabel: (node) => `Tâche : ${node.textContent || 'sans texte'}` }
		}),
		Table.configure({ resizable: false }),
		TableRow,
		TableHeader,
		TableCell,
		TextAlign.configure({ types: ['heading', 'paragraph'] })
	];
}

export function documentSchema() {
	return getSchema(documentExtensions());
}

/** Small builders for ProseMirror JSON, used by seeds and templates. */
export type PMNode = {
	type: string;
	attrs?: Record<string, unknown>;
	content?: PMNode[];
	text?: string;
	marks?: { type: string }[];
};
const text = (value: string): PMNode[] => (value ? [{ type: 'text', text: value }] : []);
const cell = (type: 'tableHeader' | 'tableCell', value: string): PMNode => ({
	type,
	content: [{ type: 'paragraph', content: text(value) }]
});
export const pm = {
	doc: (...content: PMNode[]): PMNode => ({ type: 'doc', content }),
	h: (level: 1 | 2 | 3, value: string): PMNode => ({
		type: 'heading',
		attrs: { level },
		content: text(value)
	}),
	p: (value: string): PMNode => ({ type: 'paragraph', content: text(value) }),
	ul: (...items: string[]): PMNode => ({
		type: 'bulletList',
		content: items.map((item) => ({ type: 'listItem', content: [pm.p(item)] }))
	}),
	tasks: (...items: string[]): PMNode => ({
		type: 'taskList',
		content: items.map((item) => ({
			type: 'taskItem',
			attrs: { checked: false },
			content: [pm.p(item)]
		}))
	}),
	/** A table whose first row is a header row. */
	table: (header: string[], ...rows: string[][]): PMNode => ({
		type: 'table',
		content: [
			{ type: 'tableRow', content: header.map((h) => cell('tableHeader', h)) },
			...rows.map((row) => ({ type: 'tableRow', content: row.map((c) => cell('tableCell', c)) }))
		]
	})
};
