// The server's check of a Yjs update before it is applied: the document must stay within the
// editor's schema, and the update must be complete. The browser editor drops what its schema
// cannot build — by deleting it, under an innocent editor's name — and nothing else would:
// exports, publications and e-mails would carry a `javascript:` link or an <iframe>. So the
// server refuses, before applying:
//   - root types other than the `default` fragment, and nested types other than elements and
//     texts (no maps, arrays, embeds, sub-documents);
//   - a node whose type is unknown or not allowed in its parent (the types its parent's content
//     rule names: a paragraph in a paragraph, a table row in a list are refused);
//   - an attribute unknown to its node, or a value of the wrong shape;
//   - a mark unknown, not allowed in its block (code blocks take none), with unknown attributes,
//     or a link whose scheme is not http, https or mailto;
//   - missing dependencies: a parent, origin or deleted range neither stored nor in the update,
//     and clock gaps (Yjs would keep such an update pending, forever: clocks up to 2^52 were
//     accepted).
// Only what the update adds is examined (items the document already has are skipped), so the
// cost follows the update's size, not the document's. A parent named only through an item's
// origin is found with Y.getItem in the stored document, or among the update's own items.
import * as Y from 'yjs';
import type { MarkType, NodeType, Schema } from '@tiptap/pm/model';
import { DOCUMENT_FRAGMENT, documentSchema, isAllowedLink } from '../../documents/schema';

/** Where a new item goes: what the server knows of its parent. */
type Parent =
	| { kind: 'root' } // the `default` fragment: the document node
	// A Y.XmlElement (born: made by the update), `depth` levels below the document.
	| { kind: 'element'; node: string; depth: number; born?: Y.Item }
	| { kind: 'text'; block: string | null } // a Y.XmlText, inside the element `block`
	| { kind: 'dropped' } // next to collected content: Yjs turns the item into a GC struct
	| { kind: 'refused'; reason: string };

/** Where an item goes: its parent, and the attribute (map key) it is written under, if any. */
type Placement = { parent: Parent; sub: string | null };

type Rules = {
	schema: Schema;
	/** For each node type, the node types its content rule accepts anywhere (`text` included). */
	children: Map<string, Set<string>>;
};

let rules: Rules | null = null;

function schemaRules(): Rules {
	if (rules) return rules;
	const schema = documentSchema();
	const children = new Map<string, Set<string>>();
	for (const [name, type] of Object.entries(schema.nodes))
		children.set(name, allowedChildren(type));
	rules = { schema, children };
	return rules;
}

/** Every node type reachable in `type`'s content automaton. */
function allowedChildren(type: NodeType): Set<string> {
	const names = new Set<string>();
	const seen = new Set<unknown>();
	const stack = [type.contentMatch];
	while (stack.length) {
		const match = stack.pop()!;
		if (seen.has(match)) continue;
		seen.add(match);
		for (let i = 0; i < match.edgeCount; i++) {
			const edge = match.edge(i);
			names.add(edge.type.name);
			stack.push(edge.next);
		}
	}
	return names;
}

// ---- attribute values ---------------------------------------------------------------------

const ALIGNMENTS = ['left', 'center', 'right', 'justify'];
const isAlignment = (v: unknown) => v === null || ALIGNMENTS.includes(v as string);
const isIntegerIn = (min: number, max: number) => (v: unknown) =>
	Number.isInteger(v) && (v as number) >= min && (v as number) <= max;
const isShortString = (max: number, pattern?: RegExp) => (v: unknown) =>
	v === null || (typeof v === 'string' && v.length <= max && (!pattern || pattern.test(v)));
const isColumnWidths = (v: unknown) =>
	v === null || (Array.isArray(v) && v.length <= 1000 && v.every(isIntegerIn(0, 100_000)));

/** Node attributes, `node.attribute`: anything not listed is refused. */
const NODE_ATTRIBUTES: Record<string, (value: unknown) => boolean> = {
	'paragraph.textAlign': isAlignment,
	'heading.textAlign': isAlignment,
	'heading.level': isIntegerIn(1, 6),
	'codeBlock.language': isShortString(64, /^[\w+#.-]*$/),
	'orderedList.start': isIntegerIn(0, 1_000_000_000),
	'orderedList.type': isShortString(1, /^[1aAiI]?$/),
	'taskItem.checked': (v) => typeof v === 'boolean',
	'tableCell.colspan': isIntegerIn(1, 1000),
	'tableCell.rowspan': isIntegerIn(1, 1000),
	'tableCell.colwidth': isColumnWidths,
	'tableCell.align': isAlignment,
	'tableHeader.colspan': isIntegerIn(1, 1000),
	'tableHeader.rowspan': isIntegerIn(1, 1000),
	'tableHeader.colwidth': isColumnWidths,
	'tableHeader.align': isAlignment
};

/** Mark attributes, `mark.attribute`. */
const MARK_ATTRIBUTES: Record<string, (value: unknown) => boolean> = {
	'link.href': (v) => typeof v === 'string' && v.length <= 2048 && isAllowedLink(v),
	'link.target': (v) => v === null || v === '_blank',
	'link.rel': isShortString(100, /^[a-z ]*$/),
	'link.class': (v) => v === null,
	'link.title': isShortString(500)
};

function checkMarkValue(mark: MarkType, value: unknown): string | null {
	if (value === null) return null; // the end of a formatted run
	if (typeof value !== 'object' || Array.isArray(value)) return `mark ${mark.name}: not an object`;
	for (const [key, attribute] of Object.entries(value as Record<string, unknown>)) {
		const valid = MARK_ATTRIBUTES[`${mark.name}.${key}`];
		if (!valid || !valid(attribute)) return `mark ${mark.name}: attribute ${key} refused`;
	}
	if (mark.name === 'link' && !('href' in (value as object))) return 'link without href';
	return null;
}

/** A mark's name as y-tiptap reads a format key (its `yattr2markname`). */
function markName(key: string): string {
	const overlapping = /(.*)(--[a-zA-Z0-9+/=]{8})$/.exec(key);
	return overlapping ? overlapping[1] : key;
}

// ---- finding items ------------------------------------------------------------------------

/** The update's items, per client, in clock order, to find the one holding an ID. */
class UpdateItems {
	private readonly byClient = new Map<number, (Y.Item | Y.GC)[]>();
	/** How many structs the update holds. */
	readonly size: number;

	constructor(structs: (Y.Item | Y.GC | Y.Skip)[]) {
		this.size = structs.length;
		for (const struct of structs) {
			if (struct instanceof Y.Skip) continue;
			let list = this.byClient.get(struct.id.client);
			if (!list) this.byClient.set(struct.id.client, (list = []));
			list.push(struct);
		}
		for (const list of this.byClient.values()) list.sort((a, b) => a.id.clock - b.id.clock);
	}

	clients(): [number, (Y.Item | Y.GC)[]][] {
		return [...this.byClient];
	}

	/** One past the highest clock the update brings for `client` (0: none). */
	end(client: number): number {
		const list = this.byClient.get(client);
		if (!list) return 0;
		const last = list[list.length - 1];
		return last.id.clock + last.length;
	}

	find(id: Y.ID): Y.Item | Y.GC | null {
		const list = this.byClient.get(id.client);
		if (!list) return null;
		let low = 0;
		let high = list.length - 1;
		while (low <= high) {
			const mid = (low + high) >> 1;
			const struct = list[mid];
			if (id.clock < struct.id.clock) high = mid - 1;
			else if (id.clock >= struct.id.clock + struct.length) low = mid + 1;
			else return struct;
		}
		return null;
	}
}

/** The stored document's struct holding `id`, or null when it has none. */
function storedStruct(doc: Y.Doc, id: Y.ID): Y.Item | Y.GC | null {
	if (id.clock >= Y.getState(doc.store, id.client)) return null;
	return Y.getItem(doc.store, id) as Y.Item | Y.GC;
}

// ---- the check ----------------------------------------------------------------------------

class UpdateCheck {
	private readonly rules = schemaRules();
	private readonly placements = new Map<Y.Item, Placement>();
	/** The children given to each element the update makes (to check its content rule). */
	private readonly childrenOf = new Map<Y.Item, Y.Item[]>();

	constructor(
		private readonly doc: Y.Doc,
		private readonly items: UpdateItems
	) {}

	/**
	 * The struct holding `id`: the stored document's when it has that clock — Yjs ignores an
	 * update's copy of a struct it already has, so a copy (a GC struct, another item) must not
	 * decide anything — else the update's own.
	 */
	private structAt(id: Y.ID): { struct: Y.Item | Y.GC | null; stored: boolean } {
		if (id.clock < Y.getState(this.doc.store, id.client))
			return { struct: storedStruct(this.doc, id), stored: true };
		return { struct: this.items.find(id), stored: false };
	}

	/**
	 * Where the update's item `item` goes: its parent, and the attribute it is written under.
	 * An item without parent information goes where its origin (or right origin) is: the chain
	 * of origins is followed iteratively (a pasted text is thousands of items long) and every
	 * item met is remembered, so each item is resolved once.
	 */
	placementOf(item: Y.Item): Placement {
		const chain: Y.Item[] = [];
		let current = item;
		let placement: Placement | undefined;
		while (!placement) {
			placement = this.placements.get(current);
			if (placement) break;
			chain.push(current);
			if (current.parent !== null) {
				placement = { parent: this.ownParent(current), sub: current.parentSub };
				break;
			}
			const neighbour = current.origin ?? current.rightOrigin;
			if (!neighbour) {
				placement = { parent: { kind: 'refused', reason: 'item without parent' }, sub: null };
				break;
			}
			const { struct, stored } = this.structAt(neighbour);
			if (stored) {
				placement = this.storedNeighbourPlacement(neighbour);
				break;
			}
			if (struct instanceof Y.Item) {
				if (chain.length > this.items.size) {
					placement = { parent: { kind: 'refused', reason: 'origin cycle' }, sub: null };
					break;
				}
				current = struct;
				continue;
			}
			placement = struct
				? { parent: { kind: 'dropped' }, sub: null } // next to a collected struct
				: { parent: { kind: 'refused', reason: 'missing dependency (origin)' }, sub: null };
		}
		for (const met of chain) this.placements.set(met, placement);
		return placement;
	}

	/** The parent an item names itself: a root type by name, or a nested type by its item's ID. */
	private ownParent(item: Y.Item): Parent {
		if (typeof item.parent === 'string')
			return item.parent === DOCUMENT_FRAGMENT
				? { kind: 'root' }
				: { kind: 'refused', reason: `root type ${item.parent}` };
		if (item.parent instanceof Y.ID) return this.typeAt(item.parent);
		return { kind: 'refused', reason: 'parent refused' };
	}

	private storedNeighbourPlacement(id: Y.ID): Placement {
		const stored = storedStruct(this.doc, id);
		if (!stored)
			return { parent: { kind: 'refused', reason: 'missing dependency (origin)' }, sub: null };
		if (!(stored instanceof Y.Item)) return { parent: { kind: 'dropped' }, sub: null };
		return {
			parent: this.describeType(stored.parent as Y.AbstractType<unknown>),
			sub: stored.parentSub
		};
	}

	/** The type created by the item at `id` (a nested type's parent is named by its item's ID). */
	private typeAt(id: Y.ID): Parent {
		const { struct: inUpdate, stored: known } = this.structAt(id);
		if (!known && inUpdate instanceof Y.Item) {
			if (!(inUpdate.content instanceof Y.ContentType))
				return { kind: 'refused', reason: 'parent is not a type' };
			const type = inUpdate.content.type;
			if (type instanceof Y.XmlText) {
				const around = this.placementOf(inUpdate).parent;
				return { kind: 'text', block: around.kind === 'element' ? around.node : null };
			}
			if (type instanceof Y.XmlElement) {
				const around = this.placementOf(inUpdate).parent;
				const depth = (around.kind === 'element' ? around.depth : 0) + 1;
				return { kind: 'element', node: type.nodeName, depth, born: inUpdate };
			}
			return { kind: 'refused', reason: 'parent type refused' };
		}
		if (!known && inUpdate) return { kind: 'dropped' };
		const stored = known ? inUpdate : null;
		if (!stored) return { kind: 'refused', reason: 'missing dependency (parent)' };
		if (!(stored instanceof Y.Item)) return { kind: 'dropped' };
		// A parent deleted meanwhile (a concurrent edit): Yjs drops the item, as with a GC.
		if (stored.content instanceof Y.ContentDeleted) return { kind: 'dropped' };
		if (!(stored.content instanceof Y.ContentType))
			return { kind: 'refused', reason: 'parent is not a type' };
		return this.describeType(stored.content.type);
	}

	/** A type of the stored document. */
	private describeType(type: Y.AbstractType<unknown>): Parent {
		if (type._item === null) {
			return type === this.doc.share.get(DOCUMENT_FRAGMENT)
				? { kind: 'root' }
				: { kind: 'refused', reason: 'foreign root type' };
		}
		if (type instanceof Y.XmlText) {
			const block = type.parent instanceof Y.XmlElement ? type.parent.nodeName : null;
			return { kind: 'text', block };
		}
		if (type instanceof Y.XmlElement) {
			let depth = 0;
			for (
				let item: Y.Item | null = type._item;
				item;
				item = (item.parent as Y.AbstractType<unknown>)._item
			)
				depth++;
			return { kind: 'element', node: type.nodeName, depth };
		}
		return { kind: 'refused', reason: 'parent type refused' };
	}

	/** Null when `item` may go into `parent`, else why not. */
	checkItem(item: Y.Item): string | null {
		const { parent, sub } = this.placementOf(item);
		if (parent.kind === 'refused') return parent.reason;
		if (parent.kind === 'dropped') return null;
		const content = item.content;
		if (content instanceof Y.ContentDeleted) return null; // arrives deleted: adds nothing
		const { schema, children } = this.rules;
		switch (parent.kind) {
			case 'root':
				if (sub !== null) return 'attribute on the document';
				return this.checkChild(content, 'doc');
			case 'element': {
				if (sub !== null) {
					const valid = NODE_ATTRIBUTES[`${parent.node}.${sub}`];
					if (!valid) return `attribute ${sub} refused on ${parent.node}`;
					if (!(content instanceof Y.ContentAny) || content.arr.length !== 1)
						return `attribute ${sub}: not a single value`;
					return valid(content.arr[0]) ? null : `attribute ${sub}: value refused`;
				}
				if (parent.born) {
					const siblings = this.childrenOf.get(parent.born) ?? [];
					siblings.push(item);
					this.childrenOf.set(parent.born, siblings);
				}
				// Bindings rebuild documents recursively: a nesting a thousand levels deep
				// exhausts every reader's stack (y-tiptap throws from about 2,000).
				if (parent.depth >= MAX_DEPTH && content instanceof Y.ContentType)
					return 'nesting too deep';
				return this.checkChild(content, parent.node);
			}
			case 'text': {
				if (sub !== null) return 'attribute on a text';
				if (content instanceof Y.ContentString) return null;
				if (!(content instanceof Y.ContentFormat)) return 'text content refused';
				// y-tiptap's own reading: only a final `--` and 8-character hash is stripped
				// (overlapping marks); `bold--x` is no mark a binding could build.
				const name = markName(content.key);
				const mark = schema.marks[name];
				if (!mark) return `mark ${name} unknown`;
				const block = parent.block ? schema.nodes[parent.block] : null;
				if (!block || !children.get(block.name)?.has('text')) return 'text outside a text block';
				if (!block.allowsMarkType(mark)) return `mark ${name} refused in ${block.name}`;
				return checkMarkValue(mark, content.value);
			}
		}
	}

	/**
	 * Each element the update makes comes with the content its rule requires (the binding
	 * makes a node and its children in one transaction): a table with rows, a list with items,
	 * a list item starting with a paragraph. Clients' bindings delete an element they cannot
	 * build; concurrent edits may still leave odd shapes, which ProseMirror tolerates.
	 */
	checkNewElements(newItems: Y.Item[]): string | null {
		const { schema } = this.rules;
		for (const item of newItems) {
			if (!(item.content instanceof Y.ContentType)) continue;
			const element = item.content.type;
			if (!(element instanceof Y.XmlElement)) continue;
			const type = schema.nodes[element.nodeName];
			if (!type) continue; // refused already
			const children = this.childrenOf.get(item) ?? [];
			if (children.length === 0) {
				if (!type.contentMatch.validEnd) return `${type.name} without content`;
				continue;
			}
			const first = children.find((child) => child.origin === null);
			const firstType = first?.content instanceof Y.ContentType ? first.content.type : null;
			const firstName =
				firstType instanceof Y.XmlText
					? 'text'
					: firstType instanceof Y.XmlElement
						? firstType.nodeName
						: null;
			if (
				firstName &&
				schema.nodes[firstName] &&
				!type.contentMatch.matchType(schema.nodes[firstName])
			)
				return `${type.name} cannot start with ${firstName}`;
		}
		return null;
	}

	/** A child of the node `parentNode`: an element of an allowed type, or text. */
	private checkChild(content: Y.Item['content'], parentNode: string): string | null {
		if (!(content instanceof Y.ContentType)) return `content refused in ${parentNode}`;
		const allowed = this.rules.children.get(parentNode);
		const type = content.type;
		if (type instanceof Y.XmlText)
			return allowed?.has('text') ? null : `text refused in ${parentNode}`;
		if (type instanceof Y.XmlElement) {
			const name = type.nodeName;
			if (!this.rules.schema.nodes[name] || name === 'text' || name === 'doc')
				return `node ${name} unknown`;
			return allowed?.has(name) ? null : `node ${name} refused in ${parentNode}`;
		}
		return `type refused in ${parentNode}`;
	}
}

/** New Yjs client ids one update may bring (an editor's binding brings one). */
const MAX_NEW_CLIENTS = 64;

/** Deepest nesting of elements accepted (tables in lists in quotes stay far below). */
const MAX_DEPTH = 100;

/** Highest clock a struct may reach (2^40: a million edits a second for twelve days). */
const MAX_CLOCK = 2 ** 40;

export interface UpdateVerdict {
	/** Null when the update may be applied, else why not (for the log; never shown to users). */
	refusal: string | null;
	/** Client ids the update brings new structs of (the sender speaks for them from now on). */
	authors: number[];
}

/**
 * Whether `update` may be applied to `doc`. `claimedByOther(client)` says whether another
 * participant speaks for a client id: nobody may bring new structs in another's name — not
 * even deleted or collected ones, which would take the clocks the owner's next edits need,
 * and Yjs would then drop those edits silently. Throws when the update cannot be decoded (a
 * malformed frame).
 */
export function judgeUpdate(
	doc: Y.Doc,
	update: Uint8Array,
	claimedByOther: (client: number) => boolean = () => false
): UpdateVerdict {
	const { structs, ds } = Y.decodeUpdate(update);
	const items = new UpdateItems(structs);
	const authors: number[] = [];
	const refuse = (refusal: string) => ({ refusal, authors: [] });
	for (const struct of structs) {
		if (struct instanceof Y.Skip) return refuse('clock gap (skip)');
		// Yjs computes with clocks as doubles: far beyond any real editing, they break it for
		// every later transaction (a deleted struct of length 2^60 silently stopped the journal).
		if (struct.id.clock + struct.length > MAX_CLOCK) return refuse('clock out of range');
	}

	// Complete: each client's run starts at or before what the document has, without gaps.
	for (const [client, list] of items.clients()) {
		const known = Y.getState(doc.store, client);
		let expected = known;
		for (const struct of list) {
			if (struct.id.clock > expected) return refuse('clock gap');
			expected = Math.max(expected, struct.id.clock + struct.length);
		}
		if (expected > known) {
			if (claimedByOther(client)) return refuse(`client id ${client} of another participant`);
			authors.push(client);
		}
		// Every client id stays in the state vector for good (and in every newcomer's sync).
		if (authors.length > MAX_NEW_CLIENTS) return refuse('too many new client ids');
	}
	for (const [client, ranges] of ds.clients) {
		const known = Math.max(Y.getState(doc.store, client), items.end(client));
		for (const range of ranges)
			if (range.clock + range.len > known) return refuse('missing dependency (deletion)');
	}

	const check = new UpdateCheck(doc, items);
	const newItems: Y.Item[] = [];
	for (const struct of structs) {
		if (!(struct instanceof Y.Item)) continue;
		const known = Y.getState(doc.store, struct.id.client);
		// Already in the document entirely: nothing new to check (Yjs ignores it).
		if (struct.id.clock + struct.length <= known) continue;
		// Partly known: Yjs would graft its tail after the stored struct, whatever parent the
		// copy names. Encoders start at the receiver's state; nothing legitimate overlaps.
		if (struct.id.clock < known) return refuse('overlaps stored structs');
		const parentId = struct.parent instanceof Y.ID ? struct.parent : null;
		for (const dependency of [struct.origin, struct.rightOrigin, parentId]) {
			if (!dependency) continue;
			// A struct names only structs that existed when it was made: of its own client,
			// earlier clocks (a forward reference made Yjs throw halfway through applying).
			if (dependency.client === struct.id.client && dependency.clock >= struct.id.clock)
				return refuse('forward reference');
			if (!items.find(dependency) && !storedStruct(doc, dependency))
				return refuse('missing dependency (origin)');
		}
		const refusal = check.checkItem(struct);
		if (refusal) return refuse(refusal);
		newItems.push(struct);
	}
	const shape = check.checkNewElements(newItems);
	if (shape) return refuse(shape);
	return { refusal: null, authors };
}

/** Null when `update` may be applied to `doc`, else why not (see judgeUpdate). */
export function checkUpdate(doc: Y.Doc, update: Uint8Array): string | null {
	return judgeUpdate(doc, update).refusal;
}
