// Yjs updates as the browser editor makes them (random documents of the editor's schema, moved
// into a Y.Doc by y-tiptap's updateYFragment, as the binding does), and the forbidden changes
// the server must refuse. Shared by the unit property test and the collaboration test.
import fc from 'fast-check';
import * as Y from 'yjs';
import { updateYFragment } from '@tiptap/y-tiptap';
import type { Node as PMNode } from '@tiptap/pm/model';
import { DOCUMENT_FRAGMENT, documentSchema } from '../../src/lib/documents/schema';

export const schema = documentSchema();

// ---- documents of the editor's schema --------------------------------------------------

const words = fc.string({ minLength: 1, maxLength: 8 }).filter((s) => s.trim().length > 0);
const href = fc.constantFrom(
	'https://www.service-public.fr/',
	'http://intranet.cc-exemple.fr/rh',
	'mailto:dgs@mairie-exemple.fr'
);
const marks = fc.oneof(
	fc.constant([{ type: 'code' }]),
	fc
		.subarray(['bold', 'italic', 'strike', 'underline'])
		.chain((names) =>
			fc
				.option(href, { nil: undefined })
				.map((link) => [
					...names.map((type) => ({ type })),
					...(link ? [{ type: 'link', attrs: { href: link } }] : [])
				])
		)
);
const textNode = fc.record({ type: fc.constant('text'), text: words, marks });
const inline = fc.array(
	fc.oneof({ weight: 5, arbitrary: textNode }, fc.constant({ type: 'hardBreak' })),
	{
		maxLength: 4
	}
);
const align = fc.constantFrom(null, 'left', 'center', 'right', 'justify');

const { block } = fc.letrec((tie) => {
	const blocks = fc.array(tie('block'), { minLength: 1, maxLength: 3 });
	const paragraph = fc
		.record({ textAlign: align, content: inline })
		.map(({ textAlign, content }) => ({ type: 'paragraph', attrs: { textAlign }, content }));
	const item = (type: string, attrs: object) =>
		fc.tuple(paragraph, fc.array(tie('block'), { maxLength: 1 })).map(([first, rest]) => ({
			type,
			attrs,
			content: [first, ...rest]
		}));
	const cell = fc
		.tuple(
			fc.constantFrom('tableCell', 'tableHeader'),
			fc.array(paragraph, { minLength: 1, maxLength: 2 })
		)
		.map(([type, content]) => ({ type, content }));
	return {
		block: fc.oneof(
			{ depthSize: 'small', withCrossShrink: true },
			paragraph,
			fc
				.record({ level: fc.integer({ min: 1, max: 6 }), textAlign: align, content: inline })
				.map(({ content, ...attrs }) => ({ type: 'heading', attrs, content })),
			fc
				.record({ language: fc.constantFrom(null, 'js', 'sql'), text: words })
				.map(({ language, text }) => ({
					type: 'codeBlock',
					attrs: { language },
					content: [{ type: 'text', text }]
				})),
			fc.constant({ type: 'horizontalRule' }),
			blocks.map((content) => ({ type: 'blockquote', content })),
			fc.array(item('listItem', {}), { minLength: 1, maxLength: 3 }).map((content) => ({
				type: 'bulletList',
				content
			})),
			fc
				.tuple(
					fc.integer({ min: 1, max: 20 }),
					fc.array(item('listItem', {}), { minLength: 1, maxLength: 3 })
				)
				.map(([start, content]) => ({ type: 'orderedList', attrs: { start }, content })),
			fc
				.array(
					fc.boolean().chain((checked) => item('taskItem', { checked })),
					{ minLength: 1, maxLength: 3 }
				)
				.map((content) => ({ type: 'taskList', content })),
			fc
				.array(fc.array(cell, { minLength: 1, maxLength: 3 }), { minLength: 1, maxLength: 3 })
				.map((rows) => ({
					type: 'table',
					content: rows.map((content) => ({ type: 'tableRow', content }))
				}))
		)
	};
}) as { block: fc.Arbitrary<object> };

/** A valid document of the schema (ProseMirror's own check), as the editor would hold it. */
export const documentArbitrary = fc
	.array(block, { minLength: 1, maxLength: 5 })
	.map((content) => schema.nodeFromJSON({ type: 'doc', content }))
	.filter((node) => {
		try {
			node.check();
			return true;
		} catch {
			return false;
		}
	});

// ---- the editor's side: each version of the document becomes Yjs updates ------------------

/** A client that moves its Y.Doc from version to version as the editor's binding does. */
export class EditorClient {
	readonly doc = new Y.Doc();
	readonly updates: Uint8Array[] = [];
	constructor() {
		this.doc.on('update', (update: Uint8Array) => this.updates.push(update));
	}
	show(node: PMNode): void {
		const fragment = this.doc.getXmlFragment(DOCUMENT_FRAGMENT);
		this.doc.transact(() =>
			updateYFragment(this.doc, fragment, node, { mapping: new Map(), isOMark: new Map() })
		);
	}
	take(): Uint8Array[] {
		return this.updates.splice(0);
	}
}

// ---- one forbidden thing: each makes one transaction the server must refuse -------------------------------------------------------------------

export type Forbidden = (fragment: Y.XmlFragment, pick: number) => void;

/** The document's elements, depth first (to choose where the forbidden thing goes). */
export function elements(fragment: Y.XmlFragment): Y.XmlElement[] {
	const found: Y.XmlElement[] = [];
	const walk = (node: Y.XmlFragment | Y.XmlElement) => {
		for (const child of node.toArray())
			if (child instanceof Y.XmlElement) {
				found.push(child);
				walk(child);
			}
	};
	walk(fragment);
	return found;
}

export function texts(fragment: Y.XmlFragment): Y.XmlText[] {
	return elements(fragment).flatMap((e) => e.toArray().filter((c) => c instanceof Y.XmlText));
}

const at = <T>(list: T[], pick: number) => list[pick % list.length];

/** Some text to format: an existing one, or a new paragraph's. */
function someText(fragment: Y.XmlFragment, pick: number, block = 'paragraph'): Y.XmlText {
	const existing = texts(fragment).filter(
		(t) => (t.parent as Y.XmlElement).nodeName === block && t.length > 0
	);
	if (existing.length) return at(existing, pick);
	const element = new Y.XmlElement(block);
	const text = new Y.XmlText('texte');
	fragment.push([element]);
	element.insert(0, [text]);
	return text;
}

export const FORBIDDEN: Record<string, Forbidden> = {
	'unknown node': (f, pick) => {
		const parents = [f, ...elements(f).filter((e) => e.nodeName === 'blockquote')];
		const parent = at(parents, pick);
		parent.insert(pick % (parent.length + 1), [
			new Y.XmlElement(at(['script', 'iframe', 'img', 'div'], pick))
		]);
	},
	'node in the wrong parent': (f, pick) => {
		const paragraph = elements(f).find((e) => e.nodeName === 'paragraph');
		if (paragraph && pick % 2) paragraph.insert(0, [new Y.XmlElement('paragraph')]);
		else
			f.insert(pick % (f.length + 1), [
				new Y.XmlElement(at(['listItem', 'tableRow', 'tableCell'], pick))
			]);
	},
	'text outside a text block': (f, pick) => f.insert(pick % (f.length + 1), [new Y.XmlText('nu')]),
	'unknown attribute': (f, pick) =>
		at(elements(f), pick).setAttribute(at(['onclick', 'style', 'src'], pick), 'alert(1)'),
	'attribute value': (f, pick) => {
		const heading = new Y.XmlElement('heading');
		f.insert(pick % (f.length + 1), [heading]);
		heading.setAttribute('level', at([0, 7, '1', null], pick) as unknown as string);
	},
	'unknown mark': (f, pick) => {
		const text = someText(f, pick);
		text.format(0, text.length, { [at(['font', 'script', 'ychange'], pick)]: {} });
	},
	'link scheme': (f, pick) => {
		const text = someText(f, pick);
		const scheme = at(
			[
				'javascript:alert(1)',
				'data:text/html,<script>x</script>',
				'vbscript:msgbox',
				'JAVASCRIPT:alert(1)'
			],
			pick
		);
		text.format(0, text.length, { link: { href: scheme } });
	},
	'mark in a code block': (f, pick) => {
		const text = someText(f, pick, 'codeBlock');
		text.format(0, text.length, { bold: {} });
	},
	'root type other than the body': (f, pick) => {
		const doc = f.doc!;
		if (pick % 2) doc.getText('t').insert(0, 'hors du document');
		else doc.getMap('m').set('k', 'v');
	},
	'nested type other than elements and texts': (f, pick) => {
		const element = at(elements(f), pick);
		element.insert(0, [new Y.XmlFragment()] as unknown as Y.XmlElement[]);
	}
};
