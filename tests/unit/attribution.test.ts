// Issue 11: « Qui a écrit ce passage ? » names everyone whose edits produced a paragraph's
// current text (typed it, or removed from it); contributions sum up by organisation.
import { beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import type { Db } from '../../src/lib/server/db';
import { appendUpdates } from '../../src/lib/server/documents/journal';
import {
	attributePassage,
	contributionsByOrganisation
} from '../../src/lib/server/documents/attribution';
import { recordVersion } from '../../src/lib/server/documents/versions';
import { freshDb } from '../helpers/db';
import { buildDocument, buildTwoOrganisations, type TestUser } from '../helpers/factories';
import { paragraph } from '../helpers/content';

let db: Db;
let epci: TestUser;
let commune: TestUser;

beforeAll(async () => {
	({ db } = await freshDb());
	({ epci, commune } = await buildTwoOrganisations(db));
});

/** Each user edits with a Y.Doc of their own (their own client id), as editors do. */
async function session(documentId: string) {
	const rows = await db
		.selectFrom('document_update')
		.select('data')
		.where('document_id', '=', documentId)
		.execute();
	let seq = rows.length;
	const docs = new Map<string, Y.Doc>();
	return async (user: TestUser, edit: (doc: Y.Doc) => void) => {
		let doc = docs.get(user.id);
		if (!doc) {
			doc = new Y.Doc();
			docs.set(user.id, doc);
		}
		// Catch up with what is stored, then edit.
		const stored = await db
			.selectFrom('document_update')
			.select(['data'])
			.where('document_id', '=', documentId)
			.orderBy('seq')
			.execute();
		for (const row of stored) Y.applyUpdate(doc, row.data);
		const before = Y.encodeStateVector(doc);
		edit(doc);
		seq = await appendUpdates(db, documentId, seq, [
			{ userId: user.id, data: Y.encodeStateAsUpdate(doc, before) }
		]);
	};
}

describe('attribution', () => {
	it('names both the writer of a paragraph and who edited it after', async () => {
		const documentId = await buildDocument(db, epci, [[commune, 'editor']], '');
		const edit = await session(documentId);
		await edit(epci, (doc) => paragraph(doc, 1).insert(0, 'Les agents de catégorie C.'));
		await edit(commune, (doc) => {
			const text = paragraph(doc, 1);
			text.delete(text.length - 1, 1); // the final dot
			text.insert(text.length, ' et B.');
		});

		const found = await attributePassage(db, documentId, [1]);
		expect(found?.text).toBe('Les agents de catégorie C et B.');
		expect(found?.authors).toEqual([
			{ userId: epci.id, charsWritten: 25, charsRemoved: 0 },
			{ userId: commune.id, charsWritten: 6, charsRemoved: 1 }
		]);
		// The other paragraph is nobody's yet; a path that leads nowhere is null.
		expect((await attributePassage(db, documentId, [0]))?.authors).toEqual([]);
		expect(await attributePassage(db, documentId, [7])).toBeNull();
		expect(await attributePassage(db, documentId, [1, 0])).toBeNull(); // text, not a block

		await recordVersion(db, documentId, { kind: 'auto' });
		const contributions = await contributionsByOrganisation(db, documentId);
		expect(
			contributions.map((c) => [c.organisationId, c.charsAdded, c.charsRemoved, c.versions])
		).toEqual([
			[epci.organisationId, 25 + 1, 0, 1], // the paragraph's text and the dot
			[commune.organisationId, 6, 1, 1]
		]);
	});

	it('credits a template’s text to nobody, not to the document’s creator', async () => {
		const documentId = await buildDocument(db, epci, [], 'Texte du modèle.');
		expect((await attributePassage(db, documentId, [0]))?.authors).toEqual([]);
		await recordVersion(db, documentId, { kind: 'auto' });
		expect(await contributionsByOrganisation(db, documentId)).toEqual([]);
	});
});
