// Issue 12: a club's members annotate the documents it is invited to, for as long as they are
// members. Leaving the club (or being removed) closes their open sockets on every such document
// at once (4509); the reconnection is refused, while a member whose role did not change keeps
// their socket.
import { beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../src/lib/server/db';
import {
	addClubMember,
	createClub,
	inviteClub,
	leaveClub,
	removeClubMember
} from '../../src/lib/server/clubs';
import { settleClub } from '../../src/lib/server/clubs/page-access';
import { CloseCode } from '../../src/lib/collab/protocol';
import { freshDb } from '../helpers/db';
import { buildDocument, buildTerritory, buildUser, type TestUser } from '../helpers/factories';
import {
	connectProvider,
	nextClose,
	rawConnect,
	startCollabServer,
	synced,
	waitFor
} from '../helpers/collab';
import type { CollabServer } from '../../server/collab';

let db: Db;
let port: number;
let collab: CollabServer;
let coLead: TestUser;
let animateur: TestUser;
let member: TestUser;

beforeAll(async () => {
	({ db } = await freshDb());
	const territory = await buildTerritory(db);
	const admin = await buildUser(db, territory, territory.epciId, { role: 'admin' });
	coLead = await buildUser(db, territory, territory.epciId);
	animateur = await buildUser(db, territory, territory.communeId);
	member = await buildUser(db, territory, territory.communeId);
	({ port, collab } = await startCollabServer(db));
	const club = await createClub(db, admin, {
		name: 'Club RH',
		theme: 'rh',
		description: '',
		animateurs: [animateur.id]
	});
	if (!club.ok) throw new Error(club.message);
	clubId = club.clubId;
});
let clubId: string;

describe('leaving a club', () => {
	it('closes the member’s open sockets on every document the club is invited to (4509), and they cannot come back', async () => {
		const first = await buildDocument(db, coLead, [], 'Premier.');
		const second = await buildDocument(db, coLead, [], 'Second.');
		await inviteClub(db, coLead, first, { clubId });
		await inviteClub(db, coLead, second, { clubId });
		await addClubMember(db, animateur, clubId, { userId: member.id });

		const onFirst = connectProvider(port, first, member.token);
		const onSecond = connectProvider(port, second, member.token);
		const animating = connectProvider(port, first, animateur.token);
		await Promise.all([
			synced(onFirst.provider),
			synced(onSecond.provider),
			synced(animating.provider)
		]);
		const closedFirst = nextClose(onFirst.provider);
		const closedSecond = nextClose(onSecond.provider);
		let animateurClosed = false;
		animating.provider.on('connection-close', (event: { code: number } | null) => {
			if (event) animateurClosed = true;
		});

		const result = await settleClub(collab, leaveClub(db, member, clubId));
		expect(result.ok).toBe(true);
		expect(await closedFirst).toBe(CloseCode.rightsChanged);
		expect(await closedSecond).toBe(CloseCode.rightsChanged);
		// The reconnection is now refused by the policy: no part in either document.
		onFirst.provider.disconnect();
		onSecond.provider.disconnect();
		expect((await rawConnect(port, first, member.token)).status).toBe(403);
		expect((await rawConnect(port, second, member.token)).status).toBe(403);
		// The animateur's rights did not change: their editor stays connected.
		expect(animateurClosed).toBe(false);
		expect(animating.provider.wsconnected).toBe(true);
	});

	it('a member removed by the animateur is cut off too; joining back lets them in again', async () => {
		const documentId = await buildDocument(db, coLead, [], 'Texte.');
		await inviteClub(db, coLead, documentId, { clubId });
		await addClubMember(db, animateur, clubId, { userId: member.id });
		const connection = connectProvider(port, documentId, member.token);
		await synced(connection.provider);
		const closed = nextClose(connection.provider);
		await settleClub(collab, removeClubMember(db, animateur, clubId, { userId: member.id }));
		expect(await closed).toBe(CloseCode.rightsChanged);
		connection.provider.disconnect();

		await settleClub(collab, addClubMember(db, animateur, clubId, { userId: member.id }));
		connection.provider.connect();
		await waitFor(() => connection.provider.wsconnected, 5_000, 'the member reconnects');
		await synced(connection.provider);
		expect(connection.provider.wsconnected).toBe(true);
	});
});
