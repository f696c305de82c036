import type { Db } from '../../src/lib/server/db';
import type { DocumentRole, TerritoryRole } from '../../src/lib/server/db/schema';
import { hashPassword } from '../../src/lib/server/auth/password';
import { createSession, generateSessionToken } from '../../src/lib/server/auth/session';
import { createDocument, setMember } from '../../src/lib/server/documents/queries';
import { newId } from '../../src/lib/server/ids';
import { bodyUpdate } from './content';

export const TEST_PASSWORD = 'mot-de-passe-de-test';
let passwordHash: Promise<string> | null = null;

export async function buildTerritory(db: Db) {
	const territoryId = newId();
	const now = Date.now();
	await db
		.insertInto('territory')
		.values({
			id: territoryId,
			name: 'CA Test',
			kind: 'communauté d’agglomération',
			created_at: now
		})
		.execute();
	const epciId = newId();
	const communeId = newId();
	await db
		.insertInto('organisation')
		.values([
			{
				id: epciId,
				territory_id: territoryId,
				name: 'Agglo Test',
				kind: 'epci',
				insee_code: '200000000',
				population: 20000,
				created_at: now
			},
			{
				id: communeId,
				territory_id: territoryId,
				name: 'Commune Test',
				kind: 'commune',
				insee_code: '99001',
				population: 2500,
				created_at: now
			}
		])
		.execute();
	return { territoryId, epciId, communeId };
}

export type TestTerritory = Awaited<ReturnType<typeof buildTerritory>>;

export interface TestUser {
	id: string;
	email: string;
	territoryId: string;
	organisationId: string;
	organisationKind: 'epci' | 'commune';
	territoryRole: TerritoryRole;
	territory: TestTerritory;
	displayName: string;
	token: string;
}

export async function buildUser(
	db: Db,
	territory: TestTerritory,
	organisationId: string,
	overrides: { name?: string; role?: TerritoryRole } = {}
): Promise<TestUser> {
	passwordHash ??= hashPassword(TEST_PASSWORD); // hashing is slow on purpose: once per test file
	const id = newId();
	const displayName = overrides.name ?? `Agent ${id.slice(0, 4)}`;
	const email = `${id}@test.example`;
	await db
		.insertInto('app_user')
		.values({
			id,
			organisation_id: organisationId,
			email,
			display_name: displayName,
			job_title: 'DGS',
			territory_role: overrides.role ?? 'membre',
			password_hash: await passwordHash,
			created_at: Date.now()
		})
		.execute();
	const token = generateSessionToken();
	await createSession(db, token, id);
	const organisationKind = organisationId === territory.epciId ? 'epci' : 'commune';
	return {
		id,
		email,
		territoryId: territory.territoryId,
		organisationId,
		organisationKind,
		territoryRole: overrides.role ?? 'membre',
		territory,
		displayName,
		token
	};
}

/**
 * A document whose binôme is `creator` and `partner` (a new user of the other side when not
 * given), with other members, optionally with initial text: the body's paragraph 0, where
 * the editor keeps it (tests/helpers/content.ts; '' makes an empty paragraph).
 */
export async function buildDocument(
	db: Db,
	creator: TestUser,
	members: [TestUser, DocumentRole][] = [],
	text?: string,
	partner?: TestUser
): Promise<string> {
	const initial = text === undefined ? undefined : bodyUpdate(text);
	const t = creator.territory;
	partner ??= await buildUser(db, t, creator.organisationKind === 'epci' ? t.communeId : t.epciId, {
		name: 'Co-pilote'
	});
	const input = {
		title: 'Document de test',
		kind: 'note' as const,
		theme: null,
		summary: '',
		dueDate: null,
		organisationIds: [],
		partnerId: partner.id
	};
	const id = await createDocument(
		db,
		{ id: creator.id, territoryId: creator.territoryId },
		input,
		initial
	);
	for (const [user, role] of members) await setMember(db, id, user.id, role, creator.id);
	return id;
}

/** A fresh territory with one person of the intercommunality and one of a member commune. */
export async function buildTwoOrganisations(db: Db) {
	const territory = await buildTerritory(db);
	return {
		territory,
		epci: await buildUser(db, territory, territory.epciId),
		commune: await buildUser(db, territory, territory.communeId)
	};
}

/**
 * One person per way of taking part in a document: its binôme (EPCI co-lead and commune
 * partner), a rédacteur, an annotator and a reader from the commune, the direction générale and
 * an outsider of the EPCI — and the document they share.
 */
export async function buildRoleCast(db: Db, territory: TestTerritory) {
	const coLead = await buildUser(db, territory, territory.epciId);
	const partner = await buildUser(db, territory, territory.communeId);
	const editor = await buildUser(db, territory, territory.communeId);
	const annotator = await buildUser(db, territory, territory.communeId);
	const reader = await buildUser(db, territory, territory.communeId);
	const direction = await buildUser(db, territory, territory.epciId, { role: 'direction' });
	const outsider = await buildUser(db, territory, territory.epciId);
	const documentId = await buildDocument(
		db,
		coLead,
		[
			[editor, 'editor'],
			[annotator, 'annotator'],
			[reader, 'reader']
		],
		undefined,
		partner
	);
	return { coLead, partner, editor, annotator, reader, direction, outsider, documentId };
}

/**
 * A club métier of `animateur`'s territory with those members, optionally invited to documents
 * (raw rows: the clubs' own commands are tested apart).
 */
export async function buildClub(
	db: Db,
	animateur: TestUser,
	members: TestUser[] = [],
	invitedTo: string[] = [],
	name = `Club ${newId().slice(0, 4)}`
): Promise<string> {
	const id = newId();
	const now = Date.now();
	await db
		.insertInto('club')
		.values({
			id,
			territory_id: animateur.territoryId,
			name,
			theme: 'rh',
			description: '',
			created_by: null,
			created_at: now
		})
		.execute();
	await db
		.insertInto('club_member')
		.values([
			{ club_id: id, user_id: animateur.id, role: 'animateur', added_by: null, added_at: now },
			...members.map((m) => ({
				club_id: id,
				user_id: m.id,
				role: 'membre' as const,
				added_by: null,
				added_at: now
			}))
		])
		.execute();
	for (const documentId of invitedTo)
		await db
			.insertInto('document_club')
			.values({ document_id: documentId, club_id: id, invited_by: null, invited_at: now })
			.execute();
	return id;
}
