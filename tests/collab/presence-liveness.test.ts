// A colleague whose connection dropped without a goodbye (a laptop closed, a train tunnel) must
// not stay "present" for long: with the default settings the server notices within 10 s.
import { beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../src/lib/server/db';
import { COLLAB_DEFAULTS } from '../../src/lib/server/config';
import { freshDb } from '../helpers/db';
import { buildDocument, buildTerritory, buildUser, type TestUser } from '../helpers/factories';
import { connectProvider, startCollabServer, synced, waitFor } from '../helpers/collab';

let db: Db;
let coLead: TestUser;
let colleague: TestUser;

beforeAll(async () => {
	({ db } = await freshDb());
	const territory = await buildTerritory(db);
	coLead = await buildUser(db, territory, territory.epciId);
	colleague = await buildUser(db, territory, territory.communeId);
});

describe('presence of a peer that stopped answering', () => {
	it('disappears from the others’ presence within 10 s with the default ping interval', async () => {
		const documentId = await buildDocument(db, coLead, [[colleague, 'editor']], 'Base.');
		const server = await startCollabServer(db, { pingIntervalMs: COLLAB_DEFAULTS.pingIntervalMs });
		const observer = connectProvider(server.port, documentId, coLead.token);
		const frozen = connectProvider(server.port, documentId, colleague.token);
		await Promise.all([synced(observer.provider), synced(frozen.provider)]);
		frozen.provider.awareness.setLocalStateField('typing', false);
		const frozenId = frozen.doc.clientID;
		await waitFor(() => observer.provider.awareness.getStates().has(frozenId), 5_000, 'presence');

		// The laptop freezes: its socket stays open but nothing answers any more, and it stops
		// reconnecting (a real frozen client would not run its timers either).
		const ws = frozen.provider.ws as unknown as { _autoPong: boolean };
		ws._autoPong = false;
		frozen.provider.shouldConnect = false;
		const frozenAt = Date.now();
		await waitFor(
			() => !observer.provider.awareness.getStates().has(frozenId),
			10_000,
			'presence gone'
		);
		expect(Date.now() - frozenAt).toBeLessThanOrEqual(10_000);
	}, 20_000);
});
