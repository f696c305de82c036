import { openDatabase, sqliteHandle } from '../../src/lib/server/db';
import { compareSeqs } from './tmp-compare-split';
import { compareSeqs as original } from '../../src/lib/server/documents/compare';
const db = openDatabase('/tmp/history-bench/h.sqlite');
const sqlite = sqliteHandle(db)!;
const { document_id: id } = sqlite.prepare('select document_id from document_version limit 1').get() as { document_id: string };
const seqs = (sqlite.prepare('select seq from document_version where document_id=? order by seq').all(id) as { seq: number }[]).map((r) => Number(r.seq));
const works = async (f: typeof original, a: number, b: number) => f(db, id, seqs[a - 1], seqs[b - 1]).then(() => true, () => false);
for (const [name, f] of [['split', compareSeqs], ['original', original]] as const) {
  let lo = 101, hi = 400; // first b with 100→b failing
  if (await works(f, 100, hi)) { console.log(name, '100→400 works'); continue; }
  while (lo < hi) { const mid = (lo + hi) >> 1; if (await works(f, 100, mid)) lo = mid + 1; else hi = mid; }
  console.log(name, 'first failing: 100 →', lo, '; 100 →', lo - 1, 'works; ', lo - 1, '→', lo, 'alone:', await works(f, lo - 1, lo));
}
await db.destroy();
