// Who wrote what (issue 11). « Qui a écrit ce passage ? »: the users whose updates produced a
// block's current text — who typed the characters still there, and who removed characters
// from it — found from the Yjs items' ids (client id → the author of the journal rows that
// brought that client's structs). Per document: contributions by organisation, summed from
// the versions' contributors (a table the élus' traceability dashboard can query too).
import * as Y from 'yjs';
import type { Db } from '../db';
import { DOCUMENT_FRAGMENT } from '../../documents/schema';
import { journalUpdates, readStoredDocument, toBytes } from './journal';
import { breather, historyWork } from './history-work';

export interface PassageAuthor {
	userId: string;
	/** Characters of the passage's current text they typed. */
	charsWritten: number;
	/** Characters they removed from the passage. */
	charsRemoved: number;
}

export interface PassageAttribution {
	text: string;
	authors: PassageAuthor[];
}

/** The block at `path` (indices from the body down), or null when there is none. */
function blockAt(doc: Y.Doc, path: number[]): Y.XmlElement | null {
	let type: Y.XmlFragment | Y.XmlElement = doc.getXmlFragment(DOCUMENT_FRAGMENT);
	for (const index of path) {
		if (!Number.isInteger(index) || index < 0 || index >= type.length) return null;
		const child: unknown = type.get(index);
		if (!(child instanceof Y.XmlElement)) return null;
		type = child;
	}
	return type instanceof Y.XmlElement ? type : null;
}

/** Every item inside a type, deleted ones included. */
function itemsWithin(type: Y.AbstractType<unknown>, into: Y.Item[] = []): Y.Item[] {
	for (let item = type._start; item !== null; item = item.right) {
		into.push(item);
		if (item.content instanceof Y.ContentType)
			itemsWithin(item.content.type as Y.AbstractType<unknown>, into);
	}
	return into;
}

/**
 * Who wrote the block at `path` of the stored document: null when the path leads nowhere.
 * Reads the whole journal (the authors of client ids, and who deleted what): one request's
 * work, measured in the README.
 */
export function attributePassage(
	db: Db,
	documentId: string,
	path: number[]
): Promise<PassageAttribution | null> {
	return historyWork(() => attributeNow(db, documentId, path));
}

async function attributeNow(
	db: Db,
	documentId: string,
	path: number[]
): Promise<PassageAttribution | null> {
	const doc = await readStoredDocument(db, documentId);
	try {
		const block = blockAt(doc, path);
		if (!block) return null;
		const items = itemsWithin(block as unknown as Y.AbstractType<unknown>);
		const rows = await db
			.selectFrom('document_update')
			.select(['user_id', 'updates', 'data'])
			.where('document_id', '=', documentId)
			.orderBy('seq')
			.execute();
		// Who brought each client's clock range: one client id may write for several people
		// (the room's own Y.Doc writes every restore, each for its restorer).
		const clientRanges = new Map<number, { from: number; to: number; userId: string }[]>();
		// Deleted characters (a deleted text item keeps its length once garbage-collected).
		const deletedHere = items.filter((item) => item.deleted && item.parent instanceof Y.XmlText);
		const removedBy = new Map<string, number>();
		const pause = breather();
		for (const row of rows) {
			await pause();
			if (!row.user_id) continue; // written by the server itself (a template)
			for (const update of journalUpdates(toBytes(row.data), Number(row.updates))) {
				const meta = Y.parseUpdateMeta(update);
				for (const [client, to] of meta.to) {
					const ranges = clientRanges.get(client) ?? [];
					ranges.push({ from: meta.from.get(client) ?? 0, to, userId: row.user_id });
					clientRanges.set(client, ranges);
				}
				if (deletedHere.length === 0) continue;
				const { ds } = Y.decodeUpdate(update);
				for (const item of deletedHere) {
					const ranges = ds.clients.get(item.id.client);
					if (!ranges) continue;
					for (const range of ranges) {
						const from = Math.max(range.clock, item.id.clock);
						const to = Math.min(range.clock + range.len, item.id.clock + item.length);
						if (to > from)
							removedBy.set(row.user_id, (removedBy.get(row.user_id) ?? 0) + to - from);
					}
				}
			}
		}
		const authors = new Map<string, PassageAuthor>();
		const authorOf = (userId: string) => {
			let entry = authors.get(userId);
			if (!entry) authors.set(userId, (entry = { userId, charsWritten: 0, charsRemoved: 0 }));
			return entry;
		};
		let text = '';
		for (const item of items) {
			if (item.deleted || !(item.content instanceof Y.ContentString)) continue;
			text += item.content.str;
			// An item lies within the range of the update that brought it (items are only ever split).
			const userId = clientRanges
				.get(item.id.client)
				?.find((r) => r.from <= item.id.clock && item.id.clock < r.to)?.userId;
			if (userId) authorOf(userId).charsWritten += item.content.str.length;
		}
		for (const [userId, count] of removedBy) authorOf(userId).charsRemoved += count;
		return {
			text,
			authors: [...authors.values()].sort((a, b) => b.charsWritten - a.charsWritten)
		};
	} finally {
		doc.destroy();
	}
}

export interface OrganisationContribution {
	organisationId: string;
	organisationName: string;
	charsAdded: number;
	charsRemoved: number;
	versions: number;
}

/** Contributions to a document by organisation, over its recorded versions. */
export async function contributionsByOrganisation(
	db: Db,
	documentId: string
): Promise<OrganisationContribution[]> {
	const rows = await db
		.selectFrom('document_version_author')
		.innerJoin('document_version', 'document_version.id', 'document_version_author.version_id')
		.innerJoin('organisation', 'organisation.id', 'document_version_author.organisation_id')
		.select(({ fn }) => [
			'document_version_author.organisation_id as organisationId',
			'organisation.name as organisationName',
			fn.sum<number>('document_version_author.chars_added').as('charsAdded'),
			fn.sum<number>('document_version_author.chars_removed').as('charsRemoved'),
			fn.count<number>('document_version_author.version_id').distinct().as('versions')
		])
		.where('document_version.document_id', '=', documentId)
		.groupBy(['document_version_author.organisation_id', 'organisation.name'])
		.execute();
	return rows
		.map((r) => ({
			organisationId: r.organisationId,
			organisationName: r.organisationName,
			charsAdded: Number(r.charsAdded),
			charsRemoved: Number(r.charsRemoved),
			versions: Number(r.versions)
		}))
		.sort((a, b) => b.charsAdded - a.charsAdded);
}
