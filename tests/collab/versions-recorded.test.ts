// Issue 11 (groundwork): the collaboration server records a version when a burst of editing
// ends (moved in time through injected timers, no sleeping) and when the last participant leaves.
import { beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../src/lib/server/db';
import { listVersions } from '../../src/lib/server/documents/versions';
import { VersionRecorder, type Timers } from '../../server/collab/version-recorder';
import * as Y from 'yjs';
import { appendUpdates } from '../../src/lib/server/documents/journal';
import { freshDb, journalLength, storedDoc, storedText } from '../helpers/db';
import { buildDocument, buildTwoOrganisations, type TestUser } from '../helpers/factories';
import { connectProvider, startCollabServer, synced, waitFor } from '../helpers/collab';
import { paragraph } from '../helpers/content';

let db: Db;
let port: number;
let epci: TestUser;
let commune: TestUser;

beforeAll(async () => {
	({ db } = await freshDb());
	({ epci, commune } = await buildTwoOrganisations(db));
	({ port } = await startCollabServer(db, { unloadDelayMs: 50 }));
});

/** Timers moved by hand: `fire()` runs what is due, as the clock reaching it would. */
function manualTimers() {
	const pending = new Map<number, { callback: () => void; ms: number }>();
	let next = 1;
	const timers: Timers = {
		set: (callback, ms) => {
			pending.set(next, { callback, ms });
			return next++;
		},
		clear: (handle) => pending.delete(handle as number)
	};
	return {
		timers,
		pending,
		fire() {
			for (const [handle, { callback }] of [...pending]) {
				pending.delete(handle);
				callback();
			}
		}
	};
}

describe('automatic versions', () => {
	it('one when a burst of editing has been quiet for the idle delay, with its contributors', async () => {
		const documentId = await buildDocument(db, epci, [[commune, 'editor']], 'Texte.');
		// The template's text is nobody's: epci writes something of their own.
		const doc = await storedDoc(db, documentId);
		const before = Y.encodeStateVector(doc);
		paragraph(doc).insert(6, ' Ajout.');
		await appendUpdates(db, documentId, await journalLength(db, documentId), [
			{ userId: epci.id, data: Y.encodeStateAsUpdate(doc, before) }
		]);
		const clock = manualTimers();
		const recorder = new VersionRecorder(db, documentId, 600_000, () => {}, clock.timers);
		recorder.changed();
		recorder.changed();
		expect([...clock.pending.values()].map((t) => t.ms)).toEqual([600_000]); // one timer, reset
		expect(await listVersions(db, documentId)).toEqual([]);
		clock.fire();
		await recorder.flush();
		const [version] = await listVersions(db, documentId);
		expect(version.kind).toBe('auto');
		expect(version.authors.map((a) => a.userId)).toEqual([epci.id]);
		// Nothing more stored: flushing records nothing new.
		recorder.changed();
		await recorder.flush();
		expect(await listVersions(db, documentId)).toHaveLength(1);
	});

	it('one when the last participant leaves, naming both organisations’ writers', async () => {
		const documentId = await buildDocument(db, epci, [[commune, 'editor']], '');
		const a = connectProvider(port, documentId, epci.token);
		const b = connectProvider(port, documentId, commune.token);
		await Promise.all([synced(a.provider), synced(b.provider)]);
		paragraph(a.doc).insert(0, 'Projet ');
		await waitFor(() => paragraph(b.doc).toString() === 'Projet ');
		paragraph(b.doc).insert(7, 'commun.');
		await waitFor(async () => (await storedText(db, documentId)) === 'Projet commun.');
		a.provider.destroy();
		b.provider.destroy();
		await waitFor(
			async () => (await listVersions(db, documentId)).length === 1,
			5_000,
			'the version'
		);
		const [version] = await listVersions(db, documentId);
		expect(new Set(version.authors.map((x) => x.organisationId))).toEqual(
			new Set([epci.organisationId, commune.organisationId])
		);
		expect(version.charsAdded).toBe('Projet commun.'.length);
	});
});
