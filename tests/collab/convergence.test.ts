import { beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../src/lib/server/db';
import { freshDb, storedText } from '../helpers/db';
import { buildDocument, buildTerritory, buildUser, type TestUser } from '../helpers/factories';
import { connectProvider, startCollabServer, synced, waitFor } from '../helpers/collab';

let db: Db;
let port: number;
let epciUser: TestUser;
let communeUser: TestUser;
let documentId: string;

beforeAll(async () => {
	({ db } = await freshDb());
	const territory = await buildTerritory(db);
	epciUser = await buildUser(db, territory, territory.epciId, { name: 'Claire Martin' });
	communeUser = await buildUser(db, territory, territory.communeId, { name: 'Thomas Girard' });
	documentId = await buildDocument(db, epciUser, [[communeUser, 'editor']], 'Texte initial. ');
	({ port } = await startCollabServer(db));
});

describe('two real y-websocket clients', () => {
	it('receive the stored text, converge on concurrent edits, and the server stores each update with its author', async () => {
		const a = connectProvider(port, documentId, epciUser.token);
		const b = connectProvider(port, documentId, communeUser.token);
		await Promise.all([synced(a.provider), synced(b.provider)]);
		expect(a.doc.getText('t').toString()).toBe('Texte initial. ');

		a.doc.getText('t').insert(0, 'EPCI ');
		b.doc.getText('t').insert(b.doc.getText('t').length, 'Commune.');
		await waitFor(() => a.doc.getText('t').toString() === b.doc.getText('t').toString() && a.doc.getText('t').length === 'EPCI Texte initial. Commune.'.length, 5000, 'convergence');
		expect(a.doc.getText('t').toString()).toBe('EPCI Texte initial. Commune.');

		const rows = await db.selectFrom('document_update').select(['user_id']).where('document_id', '=', documentId).orderBy('seq').execute();
		const authors = new Set(rows.map((r) => r.user_id));
		expect(authors).toContain(epciUser.id);
		expect(authors).toContain(communeUser.id);

		expect(await storedText(db, documentId)).toBe('EPCI Texte initial. Commune.');
	});

	it('stamps presence with the session identity, whatever the client claims', async () => {
		const a = connectProvider(port, documentId, epciUser.token);
		const b = connectProvider(port, documentId, communeUser.token);
		await Promise.all([synced(a.provider), synced(b.provider)]);
		b.provider.awareness.setLocalStateField('user', { name: 'Le Préfet', organisation: 'Préfecture', color: '#000' });
		await waitFor(() => {
			const seen = a.provider.awareness.getStates().get(b.doc.clientID) as { user?: { name: string } } | undefined;
			return seen?.user?.name === 'Thomas Girard';
		}, 5000, 'stamped presence');
		const seen = a.provider.awareness.getStates().get(b.doc.clientID) as { user: Record<string, unknown> };
		expect(seen.user).toMatchObject({ id: communeUser.id, name: 'Thomas Girard', organisation: 'Commune Test', canEdit: true });
	});
});
