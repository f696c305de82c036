// 9. A document with 500 comment threads, in Chromium (issue 12): from navigation to the 500
// threads counted and listed in the side panel (its first page of 50, in the order of the text)
// *and* their 500 passages highlighted in the live editor,
// against the same page and text without threads — the difference is what the threads cost.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium } from '@playwright/test';
import * as Y from 'yjs';
import { findChromium } from '../../server/scripts/ensure-chromium.js';
import { migrateToLatest, openDatabase } from '../../src/lib/server/db';
import { SESSION_COOKIE } from '../../src/lib/server/auth/cookie';
import { appendUpdates, loadStoredState } from '../../src/lib/server/documents/journal';
import { updateFromProsemirrorJson } from '../../src/lib/server/documents/content';
import { pm } from '../../src/lib/documents/schema';
import { newId } from '../../src/lib/server/ids';
import { buildDocument, buildTerritory, buildUser } from '../helpers/factories';
import { anchorOn } from '../helpers/anchors';
import { log, startOurs, stop } from './harness';

export interface CommentsResult {
	threads: number;
	paragraphs: number;
	/** Navigation → 500 threads listed and highlighted (median). */
	withThreadsMs: number;
	/** Navigation → the same page without threads, editor live (median). */
	withoutThreadsMs: number;
	/** What the threads add. */
	threadsCostMs: number;
}

const THREADS = 500;
const PARAGRAPHS = 250;

export async function setupCommentsBench() {
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'assemblier-bench-comments-'));
	const databaseFile = path.join(dir, 'bench.sqlite');
	const db = openDatabase(databaseFile);
	await migrateToLatest(db);
	const territory = await buildTerritory(db);
	const writer = await buildUser(db, territory, territory.epciId, { name: 'Rédacteur de mesure' });
	const partner = await buildUser(db, territory, territory.communeId, {
		name: 'Co-pilote de mesure'
	});
	const body = pm.doc(
		...Array.from({ length: PARAGRAPHS }, (_, i) =>
			pm.p(
				`Paragraphe ${i} : la commune précise sa position sur repere${2 * i}x la cotation des postes et sur repere${2 * i + 1}x le plafond de l’IFSE par groupe de fonctions.`
			)
		)
	);
	const ids: string[] = [];
	for (let n = 0; n < 2; n++) {
		const id = await buildDocument(db, writer, [], undefined, partner);
		await appendUpdates(db, id, 0, [{ userId: writer.id, data: updateFromProsemirrorJson(body) }]);
		ids.push(id);
	}
	const [withThreads, withoutThreads] = ids;
	const doc = new Y.Doc();
	Y.applyUpdate(doc, (await loadStoredState(db, withThreads)).state);
	const now = Date.now();
	for (let i = 0; i < THREADS; i++) {
		const anchor = anchorOn(doc, `repere${i}x`);
		const threadId = newId();
		await db
			.insertInto('comment_thread')
			.values({
				id: threadId,
				document_id: withThreads,
				author_id: i % 2 ? partner.id : writer.id,
				club_id: null,
				anchor_start: Buffer.from(anchor.start, 'base64'),
				anchor_end: Buffer.from(anchor.end, 'base64'),
				quote: `repere${i}x`,
				status: 'open',
				resolved_by: null,
				resolved_at: null,
				created_at: now + i,
				updated_at: now + i
			})
			.execute();
		await db
			.insertInto('comment')
			.values({
				id: newId(),
				thread_id: threadId,
				author_id: i % 2 ? partner.id : writer.id,
				body: `Remarque ${i} : à reformuler avant la commission.`,
				created_at: now + i,
				edited_at: null,
				deleted_at: null
			})
			.execute();
	}
	doc.destroy();
	await db.destroy();
	return { dir, databaseFile, withThreads, withoutThreads, token: writer.token };
}

export async function commentsWorkload(samples: number): Promise<CommentsResult> {
	log(`document with ${THREADS} comment threads…`);
	const { dir, databaseFile, withThreads, withoutThreads, token } = await setupCommentsBench();
	const server = await startOurs(databaseFile);
	const browser = await chromium.launch({
		executablePath: findChromium() ?? undefined,
		args: ['--no-sandbox', '--disable-gpu']
	});
	const base = `http://127.0.0.1:${server.port}`;
	const time = async (documentId: string, threads: number) => {
		const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
		await context.addCookies([{ name: SESSION_COOKIE, value: token, url: base }]);
		const page = await context.newPage();
		await page.goto(`${base}/documents/${documentId}`, { waitUntil: 'commit' });
		// performance.now() counts from the navigation's start.
		const handle = await page.waitForFunction(
			(expected) => {
				const live = document.querySelector('.document-body[role="textbox"]');
				if (!live || !live.textContent?.includes('Paragraphe 249')) return false;
				// The panel lists a page of 50 (in text order) and counts them all.
				const listed = document.querySelectorAll('.comments-panel article.thread').length;
				const counted = document.querySelector('.comments-title .badge')?.textContent?.trim();
				const marked = new Set(
					[...document.querySelectorAll<HTMLElement>('.document-body .comment-mark')].map(
						(e) => e.dataset.thread
					)
				).size;
				const empty = document
					.querySelector('.comments-panel')
					?.textContent?.includes('Aucun commentaire');
				return (
					(expected === 0
						? empty
						: listed === Math.min(expected, 50) &&
							counted === String(expected) &&
							marked === expected) && performance.now()
				);
			},
			threads,
			{ polling: 'raf', timeout: 60_000 }
		);
		const ms = (await handle.jsonValue()) as number;
		await context.close();
		return ms;
	};
	try {
		// One warm-up of each (the server's first open of a document loads it).
		await time(withThreads, THREADS);
		await time(withoutThreads, 0);
		const withRuns: number[] = [];
		const withoutRuns: number[] = [];
		for (let i = 0; i < samples; i++) {
			withRuns.push(await time(withThreads, THREADS));
			withoutRuns.push(await time(withoutThreads, 0));
		}
		const median = (values: number[]) =>
			[...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
		const withThreadsMs = median(withRuns);
		const withoutThreadsMs = median(withoutRuns);
		return {
			threads: THREADS,
			paragraphs: PARAGRAPHS,
			withThreadsMs,
			withoutThreadsMs,
			threadsCostMs: withThreadsMs - withoutThreadsMs
		};
	} finally {
		await browser.close();
		await stop(server);
		fs.rmSync(dir, { recursive: true, force: true });
	}
}

export function printCommentsTable(result: CommentsResult): void {
	console.log(
		`\n9. A document with ${result.threads} comment threads (${result.paragraphs} paragraphs), Chromium, median`
	);
	console.log(
		`   navigation → ${result.threads} threads listed and highlighted : ${result.withThreadsMs.toFixed(0)} ms`
	);
	console.log(
		`   navigation → same page without threads, editor live   : ${result.withoutThreadsMs.toFixed(0)} ms`
	);
	console.log(
		`   what the threads add                                    : ${result.threadsCostMs.toFixed(0)} ms (target < 300 ms)`
	);
}
