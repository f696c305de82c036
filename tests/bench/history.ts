// Workload 8, version history (issue 11), in this process on a real SQLite database (no
// server: the history pages call these functions directly). The `automerge-paper` trace is
// replayed into the document fragment — paragraphs, a newline of the trace splitting one, as
// the editor stores text — and stored as the collaboration server would store it, cut into
// VERSIONS equal runs of edits: each run's Yjs updates are appended to the journal (one row per
// ROW_UPDATES consecutive updates of one author, through the journal writer's own append), then
// an automatic version is recorded and thinned as the version recorder does, one simulated
// minute after the previous (all within the last day: thinning folds none). Then timed, median
// of several runs after one warm-up, one run after another and each right after the server's
// idle memory release (a full GC): listing the history (what the versions page does), opening a
// version in the middle, comparing two distant versions (what the compare page does); and the
// bytes one more version costs for a one-word change.
// Alone: `npm run bench -- --only history` (add `--quick` for a short version).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as Y from 'yjs';
import { migrateToLatest, openDatabase, sqliteHandle, type Db } from '../../src/lib/server/db';
import {
	appendJournal,
	appendJournalNow,
	journalEntry,
	type JournalAppend
} from '../../src/lib/server/documents/journal';
import { compareSeqs, renderComparison } from '../../src/lib/server/documents/compare';
import {
	listVersions,
	peopleByIds,
	recordVersion,
	stateAt,
	thinVersions,
	withAuthorNames
} from '../../src/lib/server/documents/versions';
import { renderDocHtml } from '../../src/lib/server/documents/render';
import { DOCUMENT_FRAGMENT } from '../../src/lib/documents/schema';
import { buildDocument, buildTerritory, buildUser } from '../helpers/factories';
import type { EditingTrace } from '../helpers/traces';
import { releaseMemory } from '../../server/collab/release-memory';
import { QUICK, log } from './harness';

export const HISTORY = QUICK
	? { txns: 20_000, versions: 50, samples: 3, openAt: 25, compare: [10, 40] as const }
	: { txns: Infinity, versions: 500, samples: 7, openAt: 250, compare: [100, 400] as const };
/** Consecutive updates of one author stored in one journal row (the server shares rows the same way). */
export const ROW_UPDATES = 50;
export const TARGETS = { listMs: 50, openMs: 150, compareMs: 300 };
const MINUTE = 60_000;
const ONE_WORD = ' budget';

export interface Timing {
	warm: number;
	afterRelease: number;
	/**
	 * The same medians in CPU time of this process (user + system, every thread): on a machine
	 * shared with other work, wall time also counts the waits for a core.
	 */
	warmCpu: number;
	afterReleaseCpu: number;
}

/** Bytes of one table (its rows and its indexes), as SQLite stores them. */
export interface TableBytes {
	/** Record bytes (keys, header and columns) in the table's and its indexes' b-trees (dbstat). */
	payload: number;
	/** Pages of those b-trees × page size: what the file holds for them. */
	pages: number;
	/** Sum of length() of the blob column (data, state), 0 for the version tables. */
	blob: number;
	rows: number;
}

const TABLES = [
	'document_update',
	'document_version',
	'document_version_author',
	'document_checkpoint'
] as const;
type TableName = (typeof TABLES)[number];
type Storage = Record<TableName, TableBytes>;

export interface HistoryResult {
	versions: number;
	updates: number;
	journalRows: number;
	edits: number;
	/** Replaying the trace and storing it as versions, whole (s). */
	buildSeconds: number;
	/** recordVersion + thinVersions per version, as the version recorder runs them (ms). */
	recordP50Ms: number;
	recordMaxMs: number;
	/** The same for the versions that wrote a checkpoint (a full state), median. */
	recordCheckpointP50Ms: number;
	/**
	 * Medians in ms over `samples` runs after one warm-up: `warm`, one run after the other (a
	 * busy server); `afterRelease`, each run right after the server's idle memory release (a
	 * full GC: the server runs it once no document has been loaded for 5 s).
	 */
	list: Timing;
	open: Timing;
	/** The parts of a warm open: stateAt (checkpoint + journal rows), then the render. */
	openStateAtMs: number;
	openRenderMs: number;
	/** Updates replayed from the nearest checkpoint to open the middle version. */
	openReplayedUpdates: number;
	/** null when compareSeqs / renderComparison failed (compareNote says why). */
	compare: Timing | null;
	compareNote: string;
	openedVersion: number;
	comparedVersions: readonly [number, number];
	samples: number;
	lastVersionEqualsTrace: boolean;
	oneWordVersionEqualsTrace: boolean;
	/** What one more version holding a one-word change (one update, one row) added. */
	oneWord: Record<TableName, TableBytes> & { payloadTotal: number; blobTotal: number };
	/** After the VERSIONS versions, before the one-word change. */
	storage: Storage;
	checkpoints: number;
	/** The final document as one Yjs update, for scale. */
	documentStateBytes: number;
	/** What a full state stored at every version would have cost instead (sum of their sizes). */
	statePerVersionBytes: number;
	databaseFileBytes: number;
}

// ---- the trace as paragraphs --------------------------------------------------------------

/**
 * The trace's text kept as the editor keeps it: one paragraph per line of the text, each a
 * Y.XmlElement('paragraph') holding one Y.XmlText. Inserting a newline splits a paragraph (the
 * rest of the line moves to a new paragraph after it); deleting one merges the next paragraph
 * into it. Positions are found from a cursor (edits are local), with the lines mirrored as
 * strings; paragraphs are inserted with insertAfter (the fragment's index walk is linear).
 */
class ParagraphText {
	private readonly fragment: Y.XmlFragment;
	private readonly elements: Y.XmlElement[] = [];
	private readonly texts: Y.XmlText[] = [];
	private readonly lines: string[] = [];
	private cursor = 0;
	private cursorStart = 0;

	constructor(readonly doc: Y.Doc) {
		this.fragment = doc.getXmlFragment(DOCUMENT_FRAGMENT);
		doc.transact(() => this.addParagraph(-1, ''));
	}

	private addParagraph(after: number, content: string): void {
		const element = new Y.XmlElement('paragraph');
		this.fragment.insertAfter(after < 0 ? null : this.elements[after], [element]);
		const text = new Y.XmlText();
		element.insert(0, [text]);
		if (content) text.insert(0, content);
		this.elements.splice(after + 1, 0, element);
		this.texts.splice(after + 1, 0, text);
		this.lines.splice(after + 1, 0, content);
	}

	/** The paragraph holding position `pos` of the whole text (its end: before the newline). */
	private locate(pos: number): [number, number] {
		while (pos < this.cursorStart) {
			this.cursor--;
			this.cursorStart -= this.lines[this.cursor].length + 1;
		}
		while (pos > this.cursorStart + this.lines[this.cursor].length) {
			this.cursorStart += this.lines[this.cursor].length + 1;
			this.cursor++;
		}
		return [this.cursor, pos - this.cursorStart];
	}

	insert(pos: number, inserted: string): void {
		const [i, offset] = this.locate(pos);
		const parts = inserted.split('\n');
		const line = this.lines[i];
		if (parts.length === 1) {
			this.texts[i].insert(offset, inserted);
			this.lines[i] = line.slice(0, offset) + inserted + line.slice(offset);
			return;
		}
		const tail = line.slice(offset);
		if (tail) this.texts[i].delete(offset, tail.length);
		if (parts[0]) this.texts[i].insert(offset, parts[0]);
		this.lines[i] = line.slice(0, offset) + parts[0];
		for (let k = 1; k < parts.length; k++)
			this.addParagraph(i + k - 1, parts[k] + (k === parts.length - 1 ? tail : ''));
	}

	delete(pos: number, length: number): void {
		while (length > 0) {
			const [i, offset] = this.locate(pos);
			const line = this.lines[i];
			const here = Math.min(length, line.length - offset);
			if (here > 0) {
				this.texts[i].delete(offset, here);
				this.lines[i] = line.slice(0, offset) + line.slice(offset + here);
				length -= here;
			}
			if (length === 0) break;
			// The newline after paragraph i: the next paragraph joins it.
			const next = this.lines[i + 1];
			if (next) this.texts[i].insert(this.lines[i].length, next);
			this.lines[i] += next;
			this.fragment.delete(i + 1, 1);
			this.elements.splice(i + 1, 1);
			this.texts.splice(i + 1, 1);
			this.lines.splice(i + 1, 1);
			length--;
		}
	}

	/** Types `word` at the end of the middle paragraph, as one transaction. */
	typeInMiddle(word: string): void {
		const i = Math.floor(this.lines.length / 2);
		this.doc.transact(() => this.texts[i].insert(this.lines[i].length, word));
		this.lines[i] += word;
	}

	toString(): string {
		return this.lines.join('\n');
	}
}

/** A document's text as paragraphs joined by newlines, exactly (no trimming). */
function documentText(doc: Y.Doc): string {
	return doc
		.getXmlFragment(DOCUMENT_FRAGMENT)
		.toArray()
		.map((block) =>
			((block as Y.XmlElement).toArray() as Y.XmlText[])
				.map((text) =>
					(text.toDelta() as { insert: unknown }[])
						.map((d) => (typeof d.insert === 'string' ? d.insert : ''))
						.join('')
				)
				.join('')
		)
		.join('\n');
}

// ---- measuring ----------------------------------------------------------------------------

function median(values: number[]): number {
	const s = [...values].sort((a, b) => a - b);
	const middle = Math.floor(s.length / 2);
	return s.length % 2 ? s[middle] : (s[middle - 1] + s[middle]) / 2;
}

/**
 * One warm-up, then `samples` runs one after the other, then `samples` runs each right after
 * the server's own memory release (releaseMemory: a full GC, then malloc_trim): medians in ms.
 * `run` is told which kind of run it is (the warm-up is 'warm-up').
 */
async function timed(
	what: string,
	samples: number,
	run: (kind: 'warm-up' | 'warm' | 'afterRelease') => Promise<unknown>
): Promise<Timing> {
	await run('warm-up');
	const times = { warm: 0, afterRelease: 0, warmCpu: 0, afterReleaseCpu: 0 };
	for (const kind of ['warm', 'afterRelease'] as const) {
		const wall: number[] = [];
		const cpu: number[] = [];
		for (let i = 0; i < samples; i++) {
			if (kind === 'afterRelease') releaseMemory();
			const cpuStart = process.cpuUsage();
			const start = performance.now();
			await run(kind);
			wall.push(performance.now() - start);
			const used = process.cpuUsage(cpuStart);
			cpu.push((used.user + used.system) / 1000);
		}
		log(
			`  ${what}, ${kind}: ${wall.map((t, i) => `${t.toFixed(1)} (cpu ${cpu[i].toFixed(1)})`).join(', ')} ms`
		);
		times[kind] = median(wall);
		times[`${kind}Cpu`] = median(cpu);
	}
	return times;
}

function storage(db: Db): Storage {
	const sqlite = sqliteHandle(db)!;
	// dbstat in aggregate mode: one row per b-tree (a table or one of its indexes).
	const trees = sqlite
		.prepare(
			`select m.tbl_name as tbl, s.payload, s.pgsize from dbstat('main', 1) s
			 join sqlite_schema m on m.name = s.name`
		)
		.all() as { tbl: string; payload: number; pgsize: number }[];
	const blobColumn: Record<TableName, string | null> = {
		document_update: 'data',
		document_version: null,
		document_version_author: null,
		document_checkpoint: 'state'
	};
	const result = {} as Storage;
	for (const table of TABLES) {
		const column = blobColumn[table];
		const row = sqlite
			.prepare(
				`select count(*) as rows, ${column ? `coalesce(sum(length(${column})), 0)` : '0'} as blob from ${table}`
			)
			.get() as { rows: number; blob: number };
		const mine = trees.filter((t) => t.tbl === table);
		result[table] = {
			payload: mine.reduce((n, t) => n + t.payload, 0),
			pages: mine.reduce((n, t) => n + t.pgsize, 0),
			blob: row.blob,
			rows: row.rows
		};
	}
	return result;
}

// ---- the workload -------------------------------------------------------------------------

export async function versionHistory(trace: EditingTrace): Promise<HistoryResult> {
	const { versions, samples, openAt } = HISTORY;
	const count = Math.min(HISTORY.txns, trace.txns.length);
	// BENCH_HISTORY_DB=file keeps the database there (to look into it afterwards).
	const kept = process.env.BENCH_HISTORY_DB;
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'assemblier-history-'));
	const databaseFile = kept ? path.resolve(kept) : path.join(dir, 'history.sqlite');
	if (kept)
		for (const suffix of ['', '-wal', '-shm']) fs.rmSync(databaseFile + suffix, { force: true });
	const db = openDatabase(databaseFile);
	try {
		await migrateToLatest(db);
		const territory = await buildTerritory(db);
		// Two authors of two organisations take turns, one run of edits each.
		const writer = await buildUser(db, territory, territory.epciId, {
			name: 'Rédacteur de mesure'
		});
		const partner = await buildUser(db, territory, territory.communeId, {
			name: 'Co-pilote de mesure'
		});
		const documentId = await buildDocument(db, writer, [], undefined, partner);

		const append = async (afterSeq: number, entries: JournalAppend['entries'], now: number) => {
			const batch = [{ documentId, afterSeq, entries }];
			if (!appendJournalNow(db, batch, now)) await appendJournal(db, batch, now);
			return afterSeq + entries.length;
		};
		const record = async (now: number) => {
			const start = performance.now();
			const version = await recordVersion(db, documentId, { kind: 'auto', now });
			await thinVersions(db, documentId, now);
			return { version: version!, ms: performance.now() - start };
		};

		log(`version history: replaying ${count} edits into paragraphs as ${versions} versions…`);
		const buildStart = performance.now();
		const doc = new Y.Doc();
		let pending: Uint8Array[] = [];
		doc.on('update', (update: Uint8Array) => pending.push(update));
		const text = new ParagraphText(doc); // its first paragraph is the first update
		const base = Date.now() - (versions + 2) * MINUTE;
		const seqs: number[] = [];
		const recordTimes: number[] = [];
		const checkpointRecordTimes: number[] = [];
		const countCheckpoints = sqliteHandle(db)!
			.prepare('select count(*) as n from document_checkpoint where document_id = ?')
			.pluck();
		let checkpointsSoFar = 0;
		let statePerVersionBytes = 0;
		let lastSeq = 0;
		let updates = 0;
		let edits = 0;
		for (let run = 0; run < versions; run++) {
			const end = Math.floor(((run + 1) * count) / versions);
			for (let t = Math.floor((run * count) / versions); t < end; t++) {
				doc.transact(() => {
					for (const [pos, del, ins] of trace.txns[t].patches) {
						if (del) text.delete(pos, del);
						if (ins) text.insert(pos, ins);
						edits++;
					}
				});
			}
			const author = run % 2 ? partner.id : writer.id;
			const entries = [];
			for (let i = 0; i < pending.length; i += ROW_UPDATES)
				entries.push(journalEntry(author, pending.slice(i, i + ROW_UPDATES)));
			updates += pending.length;
			pending = [];
			statePerVersionBytes += Y.encodeStateAsUpdate(doc).length;
			const now = base + run * MINUTE;
			lastSeq = await append(lastSeq, entries, now);
			const { version, ms } = await record(now);
			seqs.push(version.seq);
			recordTimes.push(ms);
			const checkpoints = countCheckpoints.get(documentId) as number;
			if (checkpoints > checkpointsSoFar) checkpointRecordTimes.push(ms);
			checkpointsSoFar = checkpoints;
		}
		const buildSeconds = (performance.now() - buildStart) / 1000;
		const finalText = count >= trace.txns.length ? trace.endContent : text.toString();
		const documentStateBytes = Y.encodeStateAsUpdate(doc).length;
		log(`  built in ${buildSeconds.toFixed(1)} s: ${updates} updates, ${lastSeq} journal rows`);

		const last = await stateAt(db, documentId, seqs[versions - 1]);
		const lastVersionEqualsTrace =
			text.toString() === finalText && documentText(last) === finalText;
		last.destroy();

		// Listing the history: the versions page's query and names.
		log('  timing the history list, a version opened, a comparison…');
		const list = await timed('list', samples, async () =>
			withAuthorNames(db, await listVersions(db, documentId, { limit: 30 }))
		);
		// Opening the version in the middle: its state, then the read-only render.
		const openSeq = seqs[openAt - 1];
		const openParts = { stateAt: [] as number[], render: [] as number[] };
		const open = await timed('open', samples, async (kind) => {
			const t0 = performance.now();
			const opened = await stateAt(db, documentId, openSeq);
			const t1 = performance.now();
			renderDocHtml(opened);
			if (kind === 'warm') {
				openParts.stateAt.push(t1 - t0);
				openParts.render.push(performance.now() - t1);
			}
			opened.destroy();
		});
		const checkpointBefore = sqliteHandle(db)!
			.prepare('select max(seq) as seq from document_checkpoint where document_id = ? and seq <= ?')
			.get(documentId, openSeq) as { seq: number | null };
		const replayedRows = sqliteHandle(db)!
			.prepare(
				'select coalesce(sum(updates), 0) as n from document_update where document_id = ? and seq > ? and seq <= ?'
			)
			.get(documentId, checkpointBefore.seq ?? 0, openSeq) as { n: number };

		// Comparing two distant versions, as the compare page does (names included).
		const [fromVersion, toVersion] = HISTORY.compare;
		let compare: Timing | null = null;
		let compareNote = `compareSeqs + author names + renderComparison, versions ${fromVersion} → ${toVersion}`;
		try {
			compare = await timed('compare', samples, async () => {
				const comparison = await compareSeqs(
					db,
					documentId,
					seqs[fromVersion - 1],
					seqs[toVersion - 1]
				);
				const people = await peopleByIds(
					db,
					comparison.summary.authors.flatMap((a) => (a.userId ? [a.userId] : []))
				);
				return renderComparison(
					comparison,
					comparison.summary.authors.map((a) => ({
						userId: a.userId,
						name: (a.userId && people.get(a.userId)?.displayName) || 'Assemblier'
					}))
				);
			});
		} catch (error) {
			compareNote = `failed: ${(error as Error).message}`;
			log(`  compare failed: ${(error as Error).stack}`);
		}

		// One more version for a one-word change: one update, one journal row.
		const before = storage(db);
		text.typeInMiddle(ONE_WORD);
		const [wordUpdate] = pending;
		pending = [];
		lastSeq = await append(
			lastSeq,
			[journalEntry(writer.id, [wordUpdate])],
			base + versions * MINUTE
		);
		const { version: wordVersion } = await record(base + versions * MINUTE);
		const after = storage(db);
		const withWord = await stateAt(db, documentId, wordVersion.seq);
		const oneWordVersionEqualsTrace = documentText(withWord) === text.toString();
		withWord.destroy();
		doc.destroy();

		const oneWord = {} as HistoryResult['oneWord'];
		for (const table of TABLES)
			oneWord[table] = {
				payload: after[table].payload - before[table].payload,
				pages: after[table].pages - before[table].pages,
				blob: after[table].blob - before[table].blob,
				rows: after[table].rows - before[table].rows
			};
		oneWord.payloadTotal = TABLES.reduce((n, t) => n + oneWord[t].payload, 0);
		oneWord.blobTotal = TABLES.reduce((n, t) => n + oneWord[t].blob, 0);

		const sortedRecord = [...recordTimes].sort((a, b) => a - b);
		return {
			versions,
			updates,
			journalRows: before.document_update.rows,
			edits,
			buildSeconds,
			recordP50Ms: median(recordTimes),
			recordMaxMs: sortedRecord.at(-1)!,
			recordCheckpointP50Ms: median(checkpointRecordTimes),
			list,
			open,
			openStateAtMs: median(openParts.stateAt),
			openRenderMs: median(openParts.render),
			openReplayedUpdates: replayedRows.n,
			compare,
			compareNote,
			openedVersion: openAt,
			comparedVersions: HISTORY.compare,
			samples,
			lastVersionEqualsTrace,
			oneWordVersionEqualsTrace,
			oneWord,
			storage: before,
			checkpoints: before.document_checkpoint.rows,
			documentStateBytes,
			statePerVersionBytes,
			databaseFileBytes: fs.statSync(databaseFile).size
		};
	} finally {
		await db.destroy();
		fs.rmSync(dir, { recursive: true, force: true });
	}
}

// ---- printing -----------------------------------------------------------------------------

export function printHistoryTable(h: HistoryResult): void {
	const ms = (v: number) => v.toFixed(1);
	const kb = (v: number) => (v / 1024).toFixed(1);
	const yes = (v: boolean) => (v ? 'yes' : 'no');
	const timing = (t: Timing | null, target: number, note = '') =>
		t
			? [
					`${ms(t.warm)}${note} / ${ms(t.afterRelease)} (cpu ${ms(t.warmCpu)} / ${ms(t.afterReleaseCpu)})`,
					`< ${target} ${t.warm < target ? '✔' : '✘'} / ${t.afterRelease < target ? '✔' : '✘'}`
				]
			: ['failed (see below)', `< ${target}`];
	const w = h.oneWord;
	const s = h.storage;
	const lines: string[][] = [
		['version history (warm / after the idle memory release)', 'figure', 'target'],
		['List the history: 30 versions with names (ms)', ...timing(h.list, TARGETS.listMs)],
		[
			`Open version ${h.openedVersion} of ${h.versions}: stateAt + render (ms)`,
			...timing(h.open, TARGETS.openMs, ` (${ms(h.openStateAtMs)} + ${ms(h.openRenderMs)})`)
		],
		[
			`Compare versions ${h.comparedVersions[0]} and ${h.comparedVersions[1]} (ms)`,
			...timing(h.compare, TARGETS.compareMs)
		],
		[
			'One-word version: bytes added (journal + version + authors + checkpoint)',
			`${w.payloadTotal} (${w.document_update.payload} + ${w.document_version.payload} + ${w.document_version_author.payload} + ${w.document_checkpoint.payload})`,
			''
		],
		[
			'… of which Yjs update bytes / file pages added',
			`${w.blobTotal} / ${kb(TABLES.reduce((n, t) => n + w[t].pages, 0))} KB`,
			''
		],
		[
			`Checkpoints over ${h.versions} versions: count, KB`,
			`${h.checkpoints}, ${kb(s.document_checkpoint.blob)}`,
			''
		],
		[`Journal: ${h.updates} updates in ${h.journalRows} rows, KB`, kb(s.document_update.blob), ''],
		[
			'Versions + authors stored (KB)',
			kb(s.document_version.payload + s.document_version_author.payload),
			''
		],
		[
			'Final document state, one update / a state at every version instead (KB)',
			`${kb(h.documentStateBytes)} / ${kb(h.statePerVersionBytes)}`,
			''
		],
		[
			'Recording a version (+ thinning), p50 / max / p50 with a checkpoint (ms)',
			`${ms(h.recordP50Ms)} / ${ms(h.recordMaxMs)} / ${ms(h.recordCheckpointP50Ms)}`,
			''
		],
		['Last version equals the trace', yes(h.lastVersionEqualsTrace), 'yes'],
		['One-word version equals the text typed', yes(h.oneWordVersionEqualsTrace), 'yes']
	];
	const widths = lines[0].map((_, i) => Math.max(...lines.map((l) => l[i].length)));
	for (const [i, line] of lines.entries()) {
		console.log(`| ${line.map((c, j) => c.padEnd(widths[j])).join(' | ')} |`);
		if (i === 0) console.log(`|${widths.map((x) => '-'.repeat(x + 2)).join('|')}|`);
	}
	console.log(
		`(${h.edits} edits, ${h.versions} versions, medians of ${h.samples} after a warm-up; open replays ${h.openReplayedUpdates} updates after its checkpoint; compare: ${h.compareNote}; built in ${h.buildSeconds.toFixed(1)} s)`
	);
}
