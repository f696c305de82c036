import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import type * as Y from 'yjs';

export interface EditingTrace {
	startContent: string;
	endContent: string;
	txns: { time: string; patches: [number, number, string][] }[];
}

const TRACE_DIR = path.resolve(import.meta.dirname, '../fixtures/editing-traces');

export function loadTrace(name: 'automerge-paper' | 'seph-blog1'): EditingTrace {
	return JSON.parse(
		zlib.gunzipSync(fs.readFileSync(path.join(TRACE_DIR, `${name}.json.gz`))).toString('utf8')
	);
}

/**
 * Applies one transaction of a trace to a text (a paragraph's Y.XmlText: tests/helpers/content.ts),
 * as a person typing would (one Yjs transaction).
 */
export function applyTxn(text: Y.Text | Y.XmlText, txn: EditingTrace['txns'][number]): void {
	text.doc!.transact(() => {
		for (const [pos, del, ins] of txn.patches) {
			if (del) text.delete(pos, del);
			if (ins) text.insert(pos, ins);
		}
	});
}
