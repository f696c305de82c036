// Issue 10, defect 6, through the real collaboration server: an editor's update that would make
// the document leave the editor's schema is refused before it is applied — the editor's client
// is told (permission denied, so it keeps its text aside and resyncs), nothing is stored, and no
// other participant receives it. Updates of the editor's own schema go through.
import { beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import * as Y from 'yjs';
import type { Db } from '../../src/lib/server/db';
import { DOCUMENT_FRAGMENT } from '../../src/lib/documents/schema';
import { freshDb, storedDoc } from '../helpers/db';
import { buildDocument, buildTerritory, buildUser, type TestUser } from '../helpers/factories';
import {
	connectProvider,
	nextPermissionDenied,
	startCollabServer,
	synced,
	waitFor
} from '../helpers/collab';
import { documentArbitrary, EditorClient, FORBIDDEN } from '../helpers/editor-updates';

let db: Db;
let port: number;
let editor: TestUser;
let colleague: TestUser;

beforeAll(async () => {
	({ db } = await freshDb());
	const territory = await buildTerritory(db);
	editor = await buildUser(db, territory, territory.epciId);
	colleague = await buildUser(db, territory, territory.communeId);
	({ port } = await startCollabServer(db));
});

const sameState = (a: Y.Doc, b: Y.Doc) =>
	Buffer.from(Y.encodeStateVector(a)).equals(Buffer.from(Y.encodeStateVector(b)));

describe('an editor update outside the schema, sent to the server', () => {
	it('is refused whole: its sender is told, nothing stored, nobody else receives it', async () => {
		await fc.assert(
			fc.asyncProperty(
				documentArbitrary,
				fc.constantFrom(...Object.keys(FORBIDDEN)),
				fc.nat(),
				async (version, kind, pick) => {
					const documentId = await buildDocument(db, editor, [[colleague, 'editor']]);
					const writer = new EditorClient();
					const a = connectProvider(port, documentId, editor.token, writer.doc);
					const b = connectProvider(port, documentId, colleague.token);
					try {
						await Promise.all([synced(a.provider), synced(b.provider)]);
						// A valid version first: accepted and shared.
						writer.show(version);
						await waitFor(() => sameState(writer.doc, b.doc), 5_000, 'the valid version');
						const shared = Y.encodeStateAsUpdate(b.doc);

						const denied = nextPermissionDenied(a.provider);
						writer.doc.transact(() =>
							FORBIDDEN[kind](writer.doc.getXmlFragment(DOCUMENT_FRAGMENT), pick)
						);
						expect(await denied).toBe('invalid-content');

						// The colleague's client and the stored document stay as they were.
						const stored = await storedDoc(db, documentId);
						expect(sameState(stored, b.doc)).toBe(true);
						expect(sameState(stored, writer.doc)).toBe(false);
						expect(Y.encodeStateAsUpdate(b.doc)).toEqual(shared);
					} finally {
						a.provider.destroy();
						b.provider.destroy();
					}
				}
			),
			{ numRuns: 15 }
		);
	});
});
