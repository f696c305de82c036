// The journal's two write paths (Kysely, and the synchronous SQLite fast path) store the same
// rows; the shared writer stores several documents in one go and isolates a failing one.
import { beforeEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import type { Db } from '../../src/lib/server/db';
import {
	appendJournal,
	appendJournalNow,
	journalEntry,
	loadStoredState,
	type JournalAppend
} from '../../src/lib/server/documents/journal';
import { JournalWriter, type JournalSource } from '../../server/collab/journal-writer';
import { freshDb, storedDoc, storedText } from '../helpers/db';
import { paragraph } from '../helpers/content';
import { TEST_DIALECT } from '../helpers/dialect';
import { buildDocument, buildTerritory, buildUser, type TestUser } from '../helpers/factories';

let db: Db;
let author: TestUser;

beforeEach(async () => {
	({ db } = await freshDb());
	const territory = await buildTerritory(db);
	author = await buildUser(db, territory, territory.epciId);
});

/** An update of a given client: a new paragraph of the body holding `text`. */
function typing(text: string, clientID: number): Uint8Array {
	const doc = new Y.Doc();
	doc.clientID = clientID;
	paragraph(doc, 0).insert(0, text);
	return Y.encodeStateAsUpdate(doc);
}

async function journalRows(documentId: string) {
	const rows = await db
		.selectFrom('document_update')
		.selectAll()
		.where('document_id', '=', documentId)
		.orderBy('seq')
		.execute();
	return rows.map((r) => ({
		seq: Number(r.seq),
		user: r.user_id,
		data: Buffer.from(r.data).toString('hex'),
		at: Number(r.created_at)
	}));
}

describe('journal write paths', () => {
	it('store the same rows, with consecutive sequence numbers, author and time', async () => {
		const [a, b] = [await buildDocument(db, author), await buildDocument(db, author)];
		const base = { a: (await journalRows(a)).length, b: (await journalRows(b)).length };
		const batch = (documentId: string, afterSeq: number): JournalAppend => ({
			documentId,
			afterSeq,
			entries: [
				{ userId: author.id, data: typing('Bonjour', 11) },
				{ userId: null, data: typing(' à tous', 12) }
			]
		});
		// The synchronous fast path exists on SQLite only; elsewhere it declines and Kysely stores.
		expect(appendJournalNow(db, [batch(a, base.a)], 5_000)).toBe(TEST_DIALECT === 'sqlite');
		if (TEST_DIALECT !== 'sqlite') await appendJournal(db, [batch(a, base.a)], 5_000);
		await appendJournal(db, [batch(b, base.b)], 5_000);
		const [rowsA, rowsB] = [
			(await journalRows(a)).slice(base.a),
			(await journalRows(b)).slice(base.b)
		];
		expect(rowsA).toHaveLength(2);
		expect(rowsA).toEqual(rowsB);
		expect(rowsA.map((r) => [r.seq, r.user, r.at])).toEqual([
			[base.a + 1, author.id, 5_000],
			[base.a + 2, null, 5_000]
		]);
	});

	it('the Kysely path stores nothing of a batch that fails', async () => {
		const a = await buildDocument(db, author);
		const before = await journalRows(a);
		const good = { userId: author.id, data: typing('ok', 22) };
		await expect(
			appendJournal(db, [
				{ documentId: a, afterSeq: before.length, entries: [good] },
				{ documentId: 'inconnu', afterSeq: 0, entries: [good] }
			])
		).rejects.toThrow(/foreign key/i);
		expect(await journalRows(a)).toEqual(before);
	});

	it.runIf(TEST_DIALECT === 'sqlite')(
		'the fast path stores nothing of a batch that fails, and gives way inside a transaction',
		async () => {
			const a = await buildDocument(db, author);
			const before = await journalRows(a);
			const good = { userId: author.id, data: typing('ok', 21) };
			// The second document does not exist: the foreign key refuses it, the whole call rolls back.
			expect(() =>
				appendJournalNow(db, [
					{ documentId: a, afterSeq: before.length, entries: [good] },
					{ documentId: 'inconnu', afterSeq: 0, entries: [good] }
				])
			).toThrow(/FOREIGN KEY/);
			expect(await journalRows(a)).toEqual(before);
			await db.transaction().execute(async () => {
				expect(
					appendJournalNow(db, [{ documentId: a, afterSeq: before.length, entries: [good] }])
				).toBe(false);
			});
		}
	);
});

describe('journal rows holding several updates', () => {
	it('keep the author, count as one sequence number, and load as every update they hold', async () => {
		const a = await buildDocument(db, author);
		const before = await loadStoredState(db, a);
		// Three consecutive keystrokes of one client, as one socket read brings them.
		const doc = new Y.Doc();
		const keystrokes: Uint8Array[] = [];
		doc.on('update', (u: Uint8Array) => keystrokes.push(u));
		for (const ch of 'RH ')
			doc.transact(() => {
				const text = paragraph(doc, 0); // created with the first keystroke, in its update
				text.insert(text.length, ch);
			});
		const append = [
			{ documentId: a, afterSeq: before.lastSeq, entries: [journalEntry(author.id, keystrokes)] }
		];
		if (!appendJournalNow(db, append)) await appendJournal(db, append);
		const rows = (await journalRows(a)).slice(before.lastSeq);
		expect(rows.map((r) => [r.seq, r.user])).toEqual([[before.lastSeq + 1, author.id]]);
		const after = await loadStoredState(db, a);
		expect(after.lastSeq).toBe(before.lastSeq + 1);
		expect(after.updatesSinceSnapshot).toBe(before.updatesSinceSnapshot + 3);
		expect(paragraph(await storedDoc(db, a), 0).toString()).toBe('RH ');
	});
});

/** A document as the writer sees it: hands over its updates once, records what happens. */
class FakeSource implements JournalSource {
	outcome: 'waiting' | 'stored' | Error = 'waiting';
	/** Resolves with the outcome once the writer has reported it. */
	readonly settled: Promise<'stored' | Error>;
	private settle!: (outcome: 'stored' | Error) => void;
	constructor(private readonly append: JournalAppend) {
		this.settled = new Promise((resolve) => (this.settle = resolve));
	}
	takeBatch(): JournalAppend | null {
		return this.outcome === 'waiting' ? this.append : null;
	}
	stored(): void {
		this.settle((this.outcome = 'stored'));
	}
	storageFailed(error: Error): void {
		this.settle((this.outcome = error));
	}
}

describe('JournalWriter', () => {
	it('stores the documents requested in the same turn, and only the culprit fails', async () => {
		const [a, b] = [await buildDocument(db, author), await buildDocument(db, author)];
		const [seqA, seqB] = [(await journalRows(a)).length, (await journalRows(b)).length];
		const sources = [
			new FakeSource({
				documentId: a,
				afterSeq: seqA,
				entries: [{ userId: author.id, data: typing('Ordre du jour', 31) }]
			}),
			new FakeSource({
				documentId: 'supprimé',
				afterSeq: 0,
				entries: [{ userId: author.id, data: typing('perdu', 32) }]
			}),
			new FakeSource({
				documentId: b,
				afterSeq: seqB,
				entries: [{ userId: author.id, data: typing('Relevé de décisions', 33) }]
			})
		];
		const writer = new JournalWriter(db);
		for (const source of sources) writer.request(source);
		const [outcomeA, outcomeMissing, outcomeB] = await Promise.all(sources.map((s) => s.settled));
		expect(outcomeA).toBe('stored');
		// The document does not exist: the foreign key refuses its row, and only its row.
		expect(outcomeMissing).toBeInstanceOf(Error);
		expect((outcomeMissing as Error).message).toMatch(/FOREIGN KEY|foreign key/);
		expect(outcomeB).toBe('stored');
		expect(await storedText(db, a)).toBe('Ordre du jour');
		expect(await storedText(db, b)).toBe('Relevé de décisions');
		expect((await journalRows(a)).map((r) => r.user).slice(seqA)).toEqual([author.id]);
		// Last activity follows within a second, in one statement apart from the journal.
		await db.updateTable('document').set({ updated_at: 1 }).where('id', 'in', [a, b]).execute();
		const flushedFrom = Date.now();
		await writer.flushTouches();
		const touched = await db
			.selectFrom('document')
			.select(['id', 'updated_at'])
			.where('id', 'in', [a, b])
			.execute();
		expect(touched).toHaveLength(2);
		for (const row of touched) expect(Number(row.updated_at)).toBeGreaterThanOrEqual(flushedFrom);
	});
});
