// The document schema, shared by the browser editor and the server (seeding, templates,
// text extraction). Changing it changes what stored documents can contain.
import { getSchema, type AnyExtension } from '@tiptap/core';
import StarterKit from '@tiptap/starter-kit';

/** Name of the Y.XmlFragment that holds the document body (Tiptap Collaboration's default). */
export const DOCUMENT_FRAGMENT = 'default';

export function documentExtensions(): AnyExtension[] {
	// Yjs provides undo/redo per user; StarterKit's own history would fight it.
	return [StarterKit.configure({ undoRedo: false, link: { openOnClick: false, protocols: ['mailto'] } })];
}

export function documentSchema() {
	return getSchema(documentExtensions());
}

/** Small builders for ProseMirror JSON, used by seeds and templates. */
export type PMNode = { type: string; attrs?: Record<string, unknown>; content?: PMNode[]; text?: string };
export const pm = {
	doc: (...content: PMNode[]): PMNode => ({ type: 'doc', content }),
	h: (level: 1 | 2 | 3, text: string): PMNode => ({ type: 'heading', attrs: { level }, content: [{ type: 'text', text }] }),
	p: (text: string): PMNode => (text ? { type: 'paragraph', content: [{ type: 'text', text }] } : { type: 'paragraph' }),
	ul: (...items: string[]): PMNode => ({
		type: 'bulletList',
		content: items.map((item) => ({ type: 'listItem', content: [{ type: 'paragraph', content: [{ type: 'text', text: item }] }] }))
	})
};
