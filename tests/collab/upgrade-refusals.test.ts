import { beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../src/lib/server/db';
import { freshDb } from '../helpers/db';
import { buildDocument, buildTerritory, buildUser, type TestUser } from '../helpers/factories';
import { rawConnect, startCollabServer } from '../helpers/collab';

let db: Db;
let port: number;
let member: TestUser;
let outsider: TestUser;
let foreigner: TestUser;
let documentId: string;

beforeAll(async () => {
	({ db } = await freshDb());
	const territory = await buildTerritory(db);
	const otherTerritory = await buildTerritory(db);
	member = await buildUser(db, territory, territory.epciId);
	outsider = await buildUser(db, territory, territory.communeId);
	foreigner = await buildUser(db, otherTerritory, otherTerritory.communeId);
	documentId = await buildDocument(db, member);
	({ port } = await startCollabServer(db, { origin: 'https://assemblier.example' }));
});

describe('websocket upgrade is authorised before any Yjs message', () => {
	it('no session cookie → 401', async () => {
		expect((await rawConnect(port, documentId, null)).status).toBe(401);
	});

	it('an invalid or expired session token → 401', async () => {
		expect((await rawConnect(port, documentId, 'forged-token')).status).toBe(401);
	});

	it('a territory member who does not take part in the document → 403', async () => {
		expect((await rawConnect(port, documentId, outsider.token)).status).toBe(403);
	});

	it('an unknown document → 404, and a document of another territory looks unknown too', async () => {
		expect((await rawConnect(port, 'aaaaaaaaaaaaaaaa', member.token)).status).toBe(404);
		expect((await rawConnect(port, 'not-an-id', member.token)).status).toBe(404);
		expect((await rawConnect(port, documentId, foreigner.token)).status).toBe(404);
	});

	it('a foreign Origin (cross-site websocket hijacking) → 403, the right Origin → accepted', async () => {
		expect(
			(await rawConnect(port, documentId, member.token, { origin: 'https://evil.example' })).status
		).toBe(403);
		const ok = await rawConnect(port, documentId, member.token, {
			origin: 'https://assemblier.example'
		});
		expect(ok.status).toBe(101);
		ok.ws?.close();
	});

	it('a member with a valid session is accepted', async () => {
		const ok = await rawConnect(port, documentId, member.token);
		expect(ok.status).toBe(101);
		ok.ws?.close();
	});
});
