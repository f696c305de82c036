// Issue 11 (groundwork): versions are points of the journal, with who contributed; opening one
// gives exactly the document at its seq, from a checkpoint or from the start.
import { beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import type { Db } from '../../src/lib/server/db';
import { appendUpdates } from '../../src/lib/server/documents/journal';
import {
	CHECKPOINT_EVERY,
	listVersions,
	recordVersion,
	stateAt,
	thinVersions,
	type VersionCursor
} from '../../src/lib/server/documents/versions';
import { fromStoredChanges } from '../../src/lib/server/documents/compare';
import { freshDb } from '../helpers/db';
import { buildDocument, buildTwoOrganisations, type TestUser } from '../helpers/factories';
import { bodyText, paragraph } from '../helpers/content';

let db: Db;
let epci: TestUser;
let commune: TestUser;

beforeAll(async () => {
	({ db } = await freshDb());
	({ epci, commune } = await buildTwoOrganisations(db));
});

/** Applies the document's journal as created to `doc`; returns its last seq. */
async function loadCreated(documentId: string, doc: Y.Doc): Promise<number> {
	const rows = await db
		.selectFrom('document_update')
		.select('data')
		.where('document_id', '=', documentId)
		.execute();
	for (const row of rows) Y.applyUpdate(doc, row.data);
	return rows.length;
}

/** Types `text` at the end of the body's first paragraph as `user`; returns the new last seq. */
async function type(
	documentId: string,
	doc: Y.Doc,
	seq: number,
	user: TestUser,
	text: string
): Promise<number> {
	const before = Y.encodeStateVector(doc);
	const target = paragraph(doc);
	target.insert(target.length, text);
	return appendUpdates(db, documentId, seq, [
		{ userId: user.id, data: Y.encodeStateAsUpdate(doc, before) }
	]);
}

describe('versions', () => {
	it('are recorded with their contributors, not twice for nothing, and open exactly', async () => {
		const documentId = await buildDocument(db, epci, [[commune, 'editor']]);
		const doc = new Y.Doc();
		let seq = await loadCreated(documentId, doc);
		seq = await type(documentId, doc, seq, epci, 'Projet ');
		const first = await recordVersion(db, documentId, { kind: 'auto', now: 1_000 });
		expect(first).toMatchObject({ seq, fromSeq: 0, kind: 'auto' });
		const atFirst = Y.encodeStateAsUpdate(doc);

		seq = await type(documentId, doc, seq, commune, 'commun.');
		const second = await recordVersion(db, documentId, { kind: 'auto', now: 2_000 });
		expect(second?.authors).toEqual([
			{
				userId: commune.id,
				organisationId: commune.organisationId,
				updates: 1,
				charsAdded: 7,
				charsRemoved: 0
			}
		]);
		// Nothing stored since: no automatic version; a named one is always recorded.
		expect(await recordVersion(db, documentId, { kind: 'auto', now: 3_000 })).toBeNull();
		const named = await recordVersion(db, documentId, {
			kind: 'named',
			name: 'Projet v1 pour le bureau',
			by: epci.id,
			now: 4_000
		});
		expect(named).toMatchObject({ seq, kind: 'named', updates: 0 });

		const listed = await listVersions(db, documentId);
		expect(listed.map((v) => v.kind)).toEqual(['named', 'auto', 'auto']);

		// Opening the first version gives exactly the document at its seq.
		const opened = await stateAt(db, documentId, first!.seq);
		const expected = new Y.Doc();
		Y.applyUpdate(expected, atFirst);
		expect(bodyText(opened)).toBe('Projet');
		expect(Y.encodeStateVector(opened)).toEqual(Y.encodeStateVector(expected));
	});

	it('keep a checkpoint every CHECKPOINT_EVERY updates, and open the same from it', async () => {
		const documentId = await buildDocument(db, epci);
		const doc = new Y.Doc();
		let seq = await loadCreated(documentId, doc);
		for (let i = 0; i < CHECKPOINT_EVERY + 10; i++) {
			seq = await type(documentId, doc, seq, i % 2 ? epci : commune, 'x');
			if (i === CHECKPOINT_EVERY + 4) await recordVersion(db, documentId, { kind: 'auto' });
		}
		const version = await recordVersion(db, documentId, { kind: 'auto' });
		const checkpoints = await db
			.selectFrom('document_checkpoint')
			.select('seq')
			.where('document_id', '=', documentId)
			.execute();
		expect(checkpoints.length).toBe(1);
		const opened = await stateAt(db, documentId, version!.seq);
		expect(bodyText(opened)).toBe(bodyText(doc));
		expect(Y.encodeStateVector(opened)).toEqual(Y.encodeStateVector(doc));
	});

	it('thinning keeps named versions, one automatic version per hour after a day, and loses no update', async () => {
		const documentId = await buildDocument(db, epci, [[commune, 'editor']]);
		const doc = new Y.Doc();
		let seq = await loadCreated(documentId, doc);
		const HOUR = 60 * 60 * 1000;
		const start = Date.UTC(2026, 10, 1, 9);
		// Six automatic versions within one hour, a named one among them, two days ago.
		for (let i = 0; i < 6; i++) {
			seq = await type(documentId, doc, seq, i % 2 ? epci : commune, `${i}`);
			await recordVersion(db, documentId, { kind: 'auto', now: start + i * 5 * 60_000 });
			if (i === 2)
				await recordVersion(db, documentId, {
					kind: 'named',
					name: 'Pour le bureau',
					now: start + 11 * 60_000
				});
		}
		// And one an hour later.
		seq = await type(documentId, doc, seq, epci, 'z');
		await recordVersion(db, documentId, { kind: 'auto', now: start + HOUR + 60_000 });
		const before = await listVersions(db, documentId);
		const total = (list: typeof before) => list.reduce((n, v) => n + v.updates, 0);

		const thinned = await thinVersions(db, documentId, start + 2 * 24 * HOUR);
		const after = await listVersions(db, documentId);
		expect(thinned).toBe(5); // five of the six in the first hour
		expect(after.map((v) => v.kind)).toEqual(['auto', 'auto', 'named']);
		expect(total(after)).toBe(total(before)); // every update still accounted for
		// The kept version of the first hour covers the ones folded into it, both authors too.
		const firstHour = after[1];
		expect(new Set(firstHour.authors.map((a) => a.userId))).toEqual(new Set([epci.id, commune.id]));
		expect(
			await db
				.selectFrom('document_update')
				.select('seq')
				.where('document_id', '=', documentId)
				.execute()
		).toHaveLength(seq); // the journal is never touched
		// Thinning again changes nothing.
		expect(await thinVersions(db, documentId, start + 2 * 24 * HOUR)).toBe(0);
	});

	it('thinning keeps what a restore brought back and the state just before a restore', async () => {
		const documentId = await buildDocument(db, epci, [[commune, 'editor']]);
		const doc = new Y.Doc();
		let seq = await loadCreated(documentId, doc);
		const start = Date.UTC(2026, 9, 1, 9);
		const ids: string[] = [];
		for (let i = 0; i < 5; i++) {
			seq = await type(documentId, doc, seq, epci, `${i}`);
			const v = await recordVersion(db, documentId, { kind: 'auto', now: start + i * 60_000 });
			ids.push(v!.id);
		}
		// A restore of the second version, just after the fourth; a later version closes the hour.
		seq = await type(documentId, doc, seq, epci, 'r');
		await recordVersion(db, documentId, {
			kind: 'restore',
			restoredFrom: ids[1],
			now: start + 4 * 60_000 + 1
		});
		await type(documentId, doc, seq, epci, 'z');
		await recordVersion(db, documentId, { kind: 'auto', now: start + 50 * 60_000 });

		await thinVersions(db, documentId, start + 3 * 24 * 60 * 60_000);
		const left = new Set((await listVersions(db, documentId)).map((v) => v.id));
		expect(left.has(ids[1])).toBe(true); // restored from
		expect(left.has(ids[4])).toBe(true); // the state just before the restore
		expect(left.has(ids[0]) || left.has(ids[2]) || left.has(ids[3])).toBe(false);
	});

	it('pages through versions that share a journal position without skipping any', async () => {
		const documentId = await buildDocument(db, epci);
		// 45 named versions without an edit between them: all at the same position, some in the
		// same millisecond.
		for (let i = 0; i < 45; i++)
			await recordVersion(db, documentId, {
				kind: 'named',
				name: `v${i}`,
				now: 1_000 + Math.floor(i / 3)
			});
		const seen: string[] = [];
		let before: VersionCursor | undefined;
		for (;;) {
			const page = await listVersions(db, documentId, { before, limit: 20 });
			if (page.length === 0) break;
			seen.push(...page.map((v) => v.id));
			const last = page[page.length - 1];
			before = { seq: last.seq, createdAt: last.createdAt, id: last.id };
		}
		expect(seen).toHaveLength(45);
		expect(new Set(seen).size).toBe(45);
	});

	it('thinning folds the stored changes too: the kept versions still compare without replay', async () => {
		const documentId = await buildDocument(db, epci, [[commune, 'editor']]);
		const doc = new Y.Doc();
		let seq = await loadCreated(documentId, doc);
		const start = Date.UTC(2026, 9, 5, 9);
		for (let i = 0; i < 6; i++) {
			seq = await type(documentId, doc, seq, i % 2 ? epci : commune, ` mot${i}`);
			await recordVersion(db, documentId, { kind: 'auto', now: start + i * 60_000 });
		}
		expect(await thinVersions(db, documentId, start + 3 * 24 * 60 * 60_000)).toBe(5);
		const [kept] = await listVersions(db, documentId);
		const comparison = await fromStoredChanges(db, documentId, kept.fromSeq, kept.seq);
		expect(comparison).not.toBeNull();
		expect(comparison!.after.textContent.trim()).toBe(bodyText(doc));
		expect(new Set(comparison!.summary.authors.map((a) => a.userId))).toEqual(
			new Set([epci.id, commune.id])
		);
	});
});
