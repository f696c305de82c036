import { openDatabase, sqliteHandle } from '../../src/lib/server/db';
import { compareSeqs, renderComparison } from './tmp-compare-split';
const db = openDatabase('/tmp/history-bench/h.sqlite');
const sqlite = sqliteHandle(db)!;
const { document_id: id } = sqlite.prepare('select document_id from document_version limit 1').get() as { document_id: string };
const seqs = (sqlite.prepare('select seq from document_version where document_id=? order by seq').all(id) as { seq: number }[]).map((r) => Number(r.seq));
const g = globalThis as any;
for (const [a, b] of [[238, 239], [100, 110], [100, 400], [100, 400], [100, 400]]) {
  g.readMs = g.mapMs = g.addStepsMs = 0;
  try {
    const s = performance.now(); const c = await compareSeqs(db, id, seqs[a - 1], seqs[b - 1]); const t1 = performance.now();
    const html = renderComparison(c, c.summary.authors.map((x) => ({ userId: x.userId, name: 'n' }))); const t2 = performance.now();
    console.log(`${a}→${b}: compareSeqs ${(t1 - s).toFixed(0)} ms (readDoc ${g.readMs.toFixed(0)}, blockStepMap ${g.mapMs.toFixed(0)}, addSteps ${g.addStepsMs.toFixed(0)}), render ${(t2 - t1).toFixed(0)} ms, changes ${c.changes.length}, words +${c.summary.wordsAdded} -${c.summary.wordsRemoved}, html ${html.length}`);
  } catch (e) { console.log(a, b, 'fails', (e as Error).stack?.split('\n').slice(0, 4).join(' | ')); }
}
await db.destroy();
