// Reads a document's Y.XmlFragment as "passages" (paragraph, heading, list item, table cell),
// the unit in which the editor tells a user what changed: the text they had kept aside, the
// places both sides edited. Works on Yjs items, so it needs no ProseMirror view.
import * as Y from 'yjs';

/** What the server (or anyone) holds: the next clock per client, as Yjs encodes it. */
export type StateVector = Map<number, number>;

/** Containers read as one passage with everything inside them (a cell may hold two paragraphs). */
const PASSAGE_CONTAINERS = new Set(['tableCell', 'tableHeader', 'listItem', 'taskItem']);
/** Text blocks read as a passage when no container above them is one. */
const TEXT_BLOCKS = new Set(['paragraph', 'heading', 'codeBlock']);

export const PASSAGE_LABELS: Record<string, string> = {
	tableCell: 'Cellule de tableau',
	tableHeader: 'En-tête de tableau',
	listItem: 'Élément de liste',
	taskItem: 'Tâche',
	paragraph: 'Paragraphe',
	heading: 'Titre',
	codeBlock: 'Bloc de code'
};

export interface Passage {
	/** The block's own Yjs id (`client:clock`), the same on every replica and across reloads. */
	id: string;
	element: Y.XmlElement;
	/** Every item inside the block: the block's children and the characters of its text. */
	items: Y.Item[];
}

export function itemKey(item: Y.Item): string {
	return `${item.id.client}:${item.id.clock}`;
}

/** The passages of a fragment, in document order. */
export function passagesOf(fragment: Y.XmlFragment): Passage[] {
	const found: Passage[] = [];
	const visit = (type: Y.XmlFragment | Y.XmlElement) => {
		for (const child of type.toArray()) {
			if (!(child instanceof Y.XmlElement)) continue;
			const name = child.nodeName;
			if ((PASSAGE_CONTAINERS.has(name) || TEXT_BLOCKS.has(name)) && child._item) {
				found.push({
					id: itemKey(child._item),
					element: child,
					items: itemsWithin(child as unknown as Y.AbstractType<unknown>)
				});
			} else {
				visit(child);
			}
		}
	};
	visit(fragment);
	return found;
}

/** Items of a type and of everything it contains, deleted ones included (a deletion is an edit). */
function itemsWithin(type: Y.AbstractType<unknown>): Y.Item[] {
	const items: Y.Item[] = [];
	for (let item = type._start; item !== null; item = item.right) {
		items.push(item);
		if (item.content instanceof Y.ContentType)
			items.push(...itemsWithin(item.content.type as unknown as Y.AbstractType<unknown>));
	}
	return items;
}

/** Whether the item was created beyond `vector` (an item may straddle it: compare its last clock). */
export function isBeyond(item: Y.Item, vector: StateVector): boolean {
	return item.id.clock + item.length > (vector.get(item.id.client) ?? 0);
}

/** Visible text of a passage, for labels ("« 3 0002 800 »"). */
export function passageText(passage: Pick<Passage, 'element'>): string {
	return textOf(passage.element).replace(/\s+/g, ' ').trim();
}

function textOf(type: Y.XmlElement | Y.XmlText): string {
	if (type instanceof Y.XmlText)
		return (type.toDelta() as { insert: unknown }[])
			.map((op) => (typeof op.insert === 'string' ? op.insert : ''))
			.join('');
	return type
		.toArray()
		.map((child) =>
			child instanceof Y.XmlText || child instanceof Y.XmlElement ? textOf(child) : ''
		)
		.join(TEXT_BLOCKS.has(type.nodeName) ? '' : ' '); // inline runs touch; blocks do not
}
