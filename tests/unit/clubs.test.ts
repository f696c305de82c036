// Clubs métiers (issue 12): who creates and manages a club, joining and leaving, and the
// annotator right that an invited club gives its members through the one access policy.
import { beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../src/lib/server/db';
import {
	addClubMember,
	answerJoinRequest,
	createClub,
	inviteClub,
	leaveClub,
	listClubs,
	listClubMembers,
	listInvitedClubs,
	removeClubMember,
	requestToJoin,
	setClubRole,
	uninviteClub,
	closeRightsChangedOn
} from '../../src/lib/server/clubs';
import { documentAccess } from '../../src/lib/server/documents';
import type { RightsHub } from '../../src/lib/server/documents/commands/result';
import { CloseCode } from '../../src/lib/collab/protocol';
import { freshDb } from '../helpers/db';
import {
	buildDocument,
	buildTerritory,
	buildUser,
	type TestTerritory,
	type TestUser
} from '../helpers/factories';

let db: Db;
let territory: TestTerritory;
let admin: TestUser;
let direction: TestUser;
let animateur: TestUser;
let member: TestUser;
let colleague: TestUser;
let foreigner: TestUser;

beforeAll(async () => {
	({ db } = await freshDb());
	territory = await buildTerritory(db);
	admin = await buildUser(db, territory, territory.epciId, { role: 'admin' });
	direction = await buildUser(db, territory, territory.epciId, { role: 'direction' });
	animateur = await buildUser(db, territory, territory.communeId, { name: 'Anne Animatrice' });
	member = await buildUser(db, territory, territory.epciId, { name: 'Mehdi Membre' });
	colleague = await buildUser(db, territory, territory.communeId, { name: 'Colette Collègue' });
	const elsewhere = await buildTerritory(db);
	foreigner = await buildUser(db, elsewhere, elsewhere.communeId, { role: 'admin' });
});

let counter = 0;
async function newClub(animateurs: TestUser[] = [animateur], members: TestUser[] = []) {
	const result = await createClub(db, admin, {
		name: `Club RH ${++counter}`,
		theme: 'rh',
		description: 'Les responsables RH du territoire.',
		animateurs: animateurs.map((a) => a.id)
	});
	if (!result.ok) throw new Error(result.message);
	for (const m of members) {
		const added = await addClubMember(db, admin, result.clubId, { userId: m.id });
		if (!added.ok) throw new Error(added.message);
	}
	return result.clubId;
}

async function notifications(userId: string, kind: string) {
	return db
		.selectFrom('notification')
		.selectAll()
		.where('user_id', '=', userId)
		.where('kind', '=', kind as never)
		.execute();
}

describe('creating a club', () => {
	it('admin and direction create clubs with one or two animateurs of the territory; the animateurs are told', async () => {
		const byDirection = await createClub(db, direction, {
			name: 'Club finances',
			theme: 'finances',
			description: '',
			animateurs: [animateur.id, member.id]
		});
		expect(byDirection).toMatchObject({ ok: true });
		const clubId = (byDirection as { clubId: string }).clubId;
		const people = await listClubMembers(db, clubId);
		expect(people.map((p) => [p.displayName, p.role])).toEqual([
			['Anne Animatrice', 'animateur'],
			['Mehdi Membre', 'animateur']
		]);
		expect(
			(await notifications(animateur.id, 'club_joined')).some((n) => n.club_id === clubId)
		).toBe(true);
	});

	it('a member of the territory cannot create a club (403)', async () => {
		const result = await createClub(db, member, {
			name: 'Club pirate',
			theme: 'rh',
			description: '',
			animateurs: [member.id]
		});
		expect(result).toMatchObject({ ok: false, status: 403, denied: true });
	});

	it('refuses bad input with a French message and the field, storing nothing', async () => {
		const base = {
			name: 'Club urbanisme',
			theme: 'urbanisme',
			description: '',
			animateurs: [animateur.id]
		};
		const cases: [Partial<typeof base> & Record<string, unknown>, string, RegExp][] = [
			[{ name: '   ' }, 'name', /Indiquez le nom du club/],
			[{ name: 'x'.repeat(101) }, 'name', /ne doit pas dépasser 100 caractères/],
			[{ name: 'Club\u202e RH' }, 'name', /caractères invisibles/],
			[{ name: '<b>Club</b>' }, 'name', /< ou >/],
			[{ theme: 'astrologie' }, 'theme', /thème/],
			[{ description: 'x'.repeat(1001) }, 'description', /1000 caractères/],
			[{ animateurs: [] }, 'animateurs', /un ou deux animateurs/],
			[{ animateurs: [animateur.id, member.id, colleague.id] }, 'animateurs', /un ou deux/],
			[{ animateurs: [foreigner.id] }, 'animateurs', /personnes du territoire/]
		];
		for (const [change, field, message] of cases) {
			const result = await createClub(db, admin, { ...base, ...change } as typeof base);
			expect(result, JSON.stringify(change).slice(0, 60)).toMatchObject({
				ok: false,
				status: 400,
				field
			});
			expect((result as { message: string }).message).toMatch(message);
		}
		expect(
			(await listClubs(db, territory.territoryId, admin.id)).some((c) => c.name === base.name)
		).toBe(false);
		await createClub(db, admin, base);
		expect(await createClub(db, admin, { ...base, name: 'club URBANISME' })).toMatchObject({
			ok: false,
			status: 400,
			field: 'name',
			message: 'Un club du territoire porte déjà ce nom.'
		});
	});
});

describe('managing members', () => {
	it('an animateur adds and removes members of any organisation; a plain member cannot (403)', async () => {
		const clubId = await newClub([animateur], [member]);
		expect(await addClubMember(db, member, clubId, { userId: colleague.id })).toMatchObject({
			ok: false,
			status: 403,
			denied: true
		});
		expect(await removeClubMember(db, member, clubId, { userId: animateur.id })).toMatchObject({
			ok: false,
			status: 403
		});
		expect(await addClubMember(db, animateur, clubId, { userId: colleague.id })).toMatchObject({
			ok: true
		});
		expect(await addClubMember(db, animateur, clubId, { userId: colleague.id })).toMatchObject({
			ok: false,
			status: 400,
			field: 'userId'
		});
		expect(await addClubMember(db, animateur, clubId, { userId: foreigner.id })).toMatchObject({
			ok: false,
			status: 400,
			message: 'Choisissez une personne du territoire.'
		});
		expect(await removeClubMember(db, animateur, clubId, { userId: member.id })).toMatchObject({
			ok: true
		});
		expect((await listClubMembers(db, clubId)).map((m) => m.displayName).sort()).toEqual([
			'Anne Animatrice',
			'Colette Collègue'
		]);
	});

	it('a club keeps one or two animateurs', async () => {
		const clubId = await newClub([animateur], [member, colleague]);
		expect(await removeClubMember(db, admin, clubId, { userId: animateur.id })).toMatchObject({
			ok: false,
			status: 400
		});
		expect(
			await setClubRole(db, animateur, clubId, { userId: animateur.id, role: 'membre' })
		).toMatchObject({ ok: false, status: 400, field: 'role' });
		expect(
			await setClubRole(db, animateur, clubId, { userId: member.id, role: 'animateur' })
		).toMatchObject({ ok: true });
		expect(
			await setClubRole(db, animateur, clubId, { userId: colleague.id, role: 'animateur' })
		).toMatchObject({
			ok: false,
			status: 400,
			message: expect.stringMatching(/deux animateurs au plus/)
		});
		expect(
			await setClubRole(db, animateur, clubId, { userId: colleague.id, role: 'chef' })
		).toMatchObject({ ok: false, status: 400 });
		// Two animateurs now: the first may step down.
		expect(
			await setClubRole(db, member, clubId, { userId: animateur.id, role: 'membre' })
		).toMatchObject({ ok: true });
	});

	it('another territory’s club, or an unknown id, does not exist (404)', async () => {
		const clubId = await newClub();
		for (const result of [
			await addClubMember(db, foreigner, clubId, { userId: foreigner.id }),
			await requestToJoin(db, foreigner, clubId, { message: '' }),
			await leaveClub(db, foreigner, clubId),
			await addClubMember(db, admin, 'aaaaaaaaaaaaaaaa', { userId: member.id }),
			await requestToJoin(db, member, null, { message: '' })
		])
			expect(result).toMatchObject({
				ok: false,
				status: 404,
				denied: true,
				message: 'Club introuvable.'
			});
		expect(
			(await listClubs(db, foreigner.territoryId, foreigner.id)).some((c) => c.id === clubId)
		).toBe(false);
	});
});

describe('joining and leaving', () => {
	it('anyone of the territory asks once; animateurs are notified; accepting makes a member and tells them', async () => {
		const clubId = await newClub([animateur]);
		const first = await requestToJoin(db, colleague, clubId, {
			message: 'Je suis RH à la commune.'
		});
		expect(first).toMatchObject({ ok: true, alreadyPending: false });
		expect(await requestToJoin(db, colleague, clubId, { message: 'Encore' })).toMatchObject({
			ok: true,
			alreadyPending: true
		});
		const told = (await notifications(animateur.id, 'club_join_request')).filter(
			(n) => n.club_id === clubId
		);
		expect(told).toHaveLength(1);
		expect(told[0].excerpt).toBe('Je suis RH à la commune.');
		const listed = (await listClubs(db, territory.territoryId, colleague.id)).find(
			(c) => c.id === clubId
		)!;
		expect(listed).toMatchObject({ viewerRole: null, viewerRequestPending: true, memberCount: 1 });
		expect(listed.animateurs.map((a) => a.displayName)).toEqual(['Anne Animatrice']);

		const request = await db
			.selectFrom('club_join_request')
			.select('id')
			.where('club_id', '=', clubId)
			.executeTakeFirstOrThrow();
		expect(
			await answerJoinRequest(db, member, clubId, { requestId: request.id, decision: 'accept' })
		).toMatchObject({ ok: false, status: 403 });
		expect(
			await answerJoinRequest(db, animateur, clubId, { requestId: request.id, decision: 'accept' })
		).toMatchObject({ ok: true });
		expect(
			(await notifications(colleague.id, 'club_joined')).some((n) => n.club_id === clubId)
		).toBe(true);
		expect(await requestToJoin(db, colleague, clubId, { message: '' })).toMatchObject({
			ok: false,
			status: 400,
			message: 'Vous faites déjà partie de ce club.'
		});
		expect(
			await answerJoinRequest(db, animateur, clubId, { requestId: request.id, decision: 'refuse' })
		).toMatchObject({ ok: false, status: 404 });
	});

	it('a refused request leaves no membership; a bad message is refused in French', async () => {
		const clubId = await newClub([animateur]);
		expect(await requestToJoin(db, member, clubId, { message: 'x'.repeat(501) })).toMatchObject({
			ok: false,
			status: 400,
			field: 'message'
		});
		expect(await requestToJoin(db, member, clubId, { message: 'a\u0000b' })).toMatchObject({
			ok: false,
			status: 400,
			field: 'message'
		});
		await requestToJoin(db, member, clubId, { message: '' });
		const request = await db
			.selectFrom('club_join_request')
			.select('id')
			.where('club_id', '=', clubId)
			.executeTakeFirstOrThrow();
		expect(
			await answerJoinRequest(db, animateur, clubId, { requestId: request.id, decision: 'refuse' })
		).toMatchObject({ ok: true, message: 'La demande a été refusée.' });
		expect((await listClubMembers(db, clubId)).map((m) => m.userId)).toEqual([animateur.id]);
	});

	it('a member leaves; the last animateur names another one first', async () => {
		const clubId = await newClub([animateur], [member]);
		expect(await leaveClub(db, animateur, clubId)).toMatchObject({ ok: false, status: 400 });
		expect(await leaveClub(db, member, clubId)).toMatchObject({ ok: true });
		expect(await leaveClub(db, member, clubId)).toMatchObject({ ok: false, status: 400 });
	});
});

describe('an invited club gives its members the annotator role', () => {
	it('while they are members and the club is invited; leaving, removal and un-inviting take it away, with the pairs to close', async () => {
		const coLead = await buildUser(db, territory, territory.epciId);
		const editor = await buildUser(db, territory, territory.communeId);
		const documentId = await buildDocument(db, coLead, [[editor, 'editor']]);
		const other = await buildDocument(db, coLead);
		const clubId = await newClub([animateur], [member, editor]);
		const role = async (user: TestUser, doc = documentId) => {
			const access = await documentAccess(db, user, doc);
			return access.status === 'granted' ? access.role : access.status;
		};
		expect(await role(member)).toBe('forbidden');

		// Only the binôme invites; the editor keeps the stronger role, so their socket stays.
		expect(await inviteClub(db, editor, documentId, { clubId })).toMatchObject({
			ok: false,
			status: 403,
			denied: true
		});
		const invited = await inviteClub(db, coLead, documentId, { clubId });
		expect(invited).toMatchObject({ ok: true });
		expect(
			new Set((invited as { rightsChanged: { users: string[] } }).rightsChanged.users)
		).toEqual(new Set([animateur.id, member.id]));
		expect(await inviteClub(db, coLead, documentId, { clubId })).toMatchObject({
			ok: false,
			status: 400
		});
		expect(await inviteClub(db, coLead, other, { clubId })).toMatchObject({ ok: true });
		expect(await role(member)).toBe('annotator');
		expect(await role(animateur, other)).toBe('annotator');
		expect(await role(editor)).toBe('editor');
		expect((await listInvitedClubs(db, documentId))[0]).toMatchObject({
			id: clubId,
			memberCount: 3
		});

		// Leaving: the pairs name both documents; the hub closes each with 4509.
		const left = await leaveClub(db, member, clubId);
		expect(left.ok && left.rightsChanged.map((c) => [c.documentId, c.users]).sort()).toEqual(
			[
				[documentId, [member.id]],
				[other, [member.id]]
			].sort()
		);
		expect(await role(member)).toBe('forbidden');
		const closed: [string, string, number][] = [];
		const hub: RightsHub = {
			closeUserConnections: (doc, user, code) => (closed.push([doc, user, code]), 1),
			closeOrganisationConnections: () => 0
		};
		expect(closeRightsChangedOn(hub, left.ok ? left.rightsChanged : [])).toBe(2);
		expect(
			closed.every(([, user, code]) => user === member.id && code === CloseCode.rightsChanged)
		).toBe(true);

		// Joining again changes rights too (they reconnect as annotators).
		const rejoined = await addClubMember(db, animateur, clubId, { userId: member.id });
		expect(rejoined.ok && rejoined.rightsChanged).toHaveLength(2);
		const removed = await removeClubMember(db, animateur, clubId, { userId: member.id });
		expect(removed.ok && removed.rightsChanged.flatMap((c) => c.users)).toEqual([
			member.id,
			member.id
		]);

		// The editor's role did not change: nobody to close for them.
		const uninvited = await uninviteClub(db, coLead, documentId, { clubId });
		expect(uninvited).toMatchObject({ ok: true, rightsChanged: { users: [animateur.id] } });
		expect(await role(animateur)).toBe('forbidden');
		expect(await role(animateur, other)).toBe('annotator');
		expect(await uninviteClub(db, coLead, documentId, { clubId })).toMatchObject({
			ok: false,
			status: 404
		});
	});

	it('a club of another territory cannot be invited', async () => {
		const coLead = await buildUser(db, territory, territory.epciId);
		const documentId = await buildDocument(db, coLead);
		const elsewhere = await createClub(db, foreigner, {
			name: 'Club d’ailleurs',
			theme: 'rh',
			description: '',
			animateurs: [foreigner.id]
		});
		expect(elsewhere.ok).toBe(true);
		expect(
			await inviteClub(db, coLead, documentId, { clubId: elsewhere.ok ? elsewhere.clubId : '' })
		).toMatchObject({ ok: false, status: 400, field: 'clubId' });
		expect(await inviteClub(db, foreigner, documentId, { clubId: 'x' })).toMatchObject({
			ok: false,
			status: 404
		});
	});
});
