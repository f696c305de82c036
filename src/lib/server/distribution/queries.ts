// Distribution lists as stored, and their recipients as of today. Rows become domain objects here.
import type { Db } from '../db';
import { newId } from '../ids';
import type { ListKind, PersonFunction } from '../../distribution/vocabulary';
import { PERSON_FUNCTIONS } from '../../distribution/vocabulary';

export interface DistributionList {
	id: string;
	name: string;
	description: string;
	kind: ListKind;
	/** Kind 'functions', in the vocabulary's order. */
	functions: PersonFunction[];
	/** Kind 'club'; null once the club is deleted. */
	clubId: string | null;
	clubName: string | null;
	updatedAt: number;
}

/** What every user of the territory may see of a list (publishing shows them). */
export interface DistributionListName {
	id: string;
	name: string;
	description: string;
	kind: ListKind;
}

/** A row of a manual list: a user of the territory, or a person without an account. */
export interface ListMember {
	id: string;
	userId: string | null;
	name: string;
	email: string;
	function: PersonFunction | null;
	organisationName: string | null;
}

/** Someone a list reaches today. `userId` null: a person without an account. */
export interface Recipient {
	userId: string | null;
	name: string;
	/** Normalised (lower case): the key recipients are told apart by. */
	email: string;
	function: PersonFunction | null;
	organisationName: string | null;
}

const FUNCTION_ORDER = Object.keys(PERSON_FUNCTIONS) as PersonFunction[];

function listRows(db: Db, territoryId: string) {
	return db
		.selectFrom('distribution_list')
		.leftJoin('club', 'club.id', 'distribution_list.club_id')
		.select([
			'distribution_list.id',
			'distribution_list.name',
			'distribution_list.description',
			'distribution_list.kind',
			'distribution_list.club_id as clubId',
			'club.name as clubName',
			'distribution_list.updated_at as updatedAt'
		])
		.where('distribution_list.territory_id', '=', territoryId);
}

async function functionsOf(db: Db, listIds: string[]): Promise<Map<string, PersonFunction[]>> {
	const byList = new Map<string, PersonFunction[]>();
	if (listIds.length === 0) return byList;
	const rows = await db
		.selectFrom('distribution_list_function')
		.select(['list_id', 'function'])
		.where('list_id', 'in', listIds)
		.execute();
	for (const row of rows)
		byList.set(row.list_id, [...(byList.get(row.list_id) ?? []), row.function]);
	for (const fns of byList.values())
		fns.sort((a, b) => FUNCTION_ORDER.indexOf(a) - FUNCTION_ORDER.indexOf(b));
	return byList;
}

type ListRow = Omit<DistributionList, 'functions' | 'updatedAt'> & { updatedAt: number | string };

function toList(row: ListRow, functions: PersonFunction[]): DistributionList {
	return { ...row, updatedAt: Number(row.updatedAt), functions };
}

/** The territory's lists, by name. */
export async function listDistributionLists(
	db: Db,
	territoryId: string
): Promise<DistributionList[]> {
	const rows = await listRows(db, territoryId).orderBy('distribution_list.name').execute();
	const functions = await functionsOf(
		db,
		rows.map((r) => r.id)
	);
	return rows.map((row) => toList(row, functions.get(row.id) ?? []));
}

/** Names and kinds only: what any user of the territory may see (the publication form). */
export async function listDistributionListNames(
	db: Db,
	territoryId: string
): Promise<DistributionListName[]> {
	return db
		.selectFrom('distribution_list')
		.select(['id', 'name', 'description', 'kind'])
		.where('territory_id', '=', territoryId)
		.orderBy('name')
		.execute();
}

/** A list of this territory, or null (another territory's list is treated as unknown). */
export async function getDistributionList(
	db: Db,
	territoryId: string,
	listId: string
): Promise<DistributionList | null> {
	const row = await listRows(db, territoryId)
		.where('distribution_list.id', '=', listId)
		.executeTakeFirst();
	if (!row) return null;
	return toList(row, (await functionsOf(db, [row.id])).get(row.id) ?? []);
}

export async function listNameTaken(
	db: Db,
	territoryId: string,
	name: string,
	exceptId?: string
): Promise<boolean> {
	let query = db
		.selectFrom('distribution_list')
		.select('id')
		.where('territory_id', '=', territoryId)
		.where('name', '=', name);
	if (exceptId) query = query.where('id', '!=', exceptId);
	return !!(await query.executeTakeFirst());
}

export async function insertList(
	db: Db,
	territoryId: string,
	values: { name: string; description: string; kind: ListKind; clubId: string | null },
	createdBy: string,
	now = Date.now()
): Promise<string> {
	const id = newId();
	await db
		.insertInto('distribution_list')
		.values({
			id,
			territory_id: territoryId,
			name: values.name,
			description: values.description,
			kind: values.kind,
			club_id: values.clubId,
			created_by: createdBy,
			created_at: now,
			updated_at: now
		})
		.execute();
	return id;
}

export async function updateList(
	db: Db,
	listId: string,
	values: { name: string; description: string; clubId: string | null },
	now = Date.now()
): Promise<void> {
	await db
		.updateTable('distribution_list')
		.set({
			name: values.name,
			description: values.description,
			club_id: values.clubId,
			updated_at: now
		})
		.where('id', '=', listId)
		.execute();
}

export async function touchList(db: Db, listId: string, now = Date.now()): Promise<void> {
	await db
		.updateTable('distribution_list')
		.set({ updated_at: now })
		.where('id', '=', listId)
		.execute();
}

export async function setListFunctions(
	db: Db,
	listId: string,
	functions: PersonFunction[]
): Promise<void> {
	await db.deleteFrom('distribution_list_function').where('list_id', '=', listId).execute();
	if (functions.length)
		await db
			.insertInto('distribution_list_function')
			.values(functions.map((fn) => ({ list_id: listId, function: fn })))
			.execute();
}

export async function deleteList(db: Db, listId: string): Promise<void> {
	// The child rows go by ON DELETE CASCADE; said here too so that a database without foreign
	// keys enforced (a SQLite file opened elsewhere) keeps no orphans.
	await db.deleteFrom('distribution_list_member').where('list_id', '=', listId).execute();
	await db.deleteFrom('distribution_list_function').where('list_id', '=', listId).execute();
	await db.deleteFrom('distribution_list').where('id', '=', listId).execute();
}

/** The rows of a manual list: users first (with today's name and address), then externals. */
export async function listMembers(db: Db, listId: string): Promise<ListMember[]> {
	const rows = await db
		.selectFrom('distribution_list_member as m')
		.leftJoin('app_user', 'app_user.id', 'm.user_id')
		.leftJoin('organisation', 'organisation.id', 'app_user.organisation_id')
		.select([
			'm.id',
			'm.user_id as userId',
			'm.name as externalName',
			'm.email as externalEmail',
			'app_user.display_name as userName',
			'app_user.email as userEmail',
			'app_user.function as function',
			'organisation.name as organisationName'
		])
		.where('m.list_id', '=', listId)
		.execute();
	return rows
		.map((row) => ({
			id: row.id,
			userId: row.userId,
			name: row.userName ?? row.externalName ?? '',
			email: (row.userEmail ?? row.externalEmail ?? '').toLowerCase(),
			function: row.userId ? row.function : null,
			organisationName: row.userId ? row.organisationName : null
		}))
		.sort(byName);
}

export async function findMember(db: Db, listId: string, memberId: string) {
	return (
		(await db
			.selectFrom('distribution_list_member')
			.select(['id', 'user_id as userId', 'name', 'email'])
			.where('list_id', '=', listId)
			.where('id', '=', memberId)
			.executeTakeFirst()) ?? null
	);
}

export async function hasUserMember(db: Db, listId: string, userId: string): Promise<boolean> {
	return !!(await db
		.selectFrom('distribution_list_member')
		.select('id')
		.where('list_id', '=', listId)
		.where('user_id', '=', userId)
		.executeTakeFirst());
}

export async function hasExternalMember(db: Db, listId: string, email: string): Promise<boolean> {
	return !!(await db
		.selectFrom('distribution_list_member')
		.select('id')
		.where('list_id', '=', listId)
		.where('email', '=', email)
		.executeTakeFirst());
}

export async function insertMember(
	db: Db,
	listId: string,
	member: { userId: string } | { name: string; email: string },
	addedBy: string | null,
	now = Date.now()
): Promise<string> {
	const id = newId();
	await db
		.insertInto('distribution_list_member')
		.values({
			id,
			list_id: listId,
			user_id: 'userId' in member ? member.userId : null,
			name: 'userId' in member ? null : member.name,
			email: 'userId' in member ? null : member.email,
			added_by: addedBy,
			added_at: now
		})
		.execute();
	return id;
}

export async function deleteMember(db: Db, listId: string, memberId: string): Promise<void> {
	await db
		.deleteFrom('distribution_list_member')
		.where('list_id', '=', listId)
		.where('id', '=', memberId)
		.execute();
}

/** A user of the territory with this address (case aside), or null. */
export async function territoryUserByEmail(db: Db, territoryId: string, email: string) {
	const rows = await territoryPeople(db, territoryId).execute();
	return rows.find((row) => row.email.toLowerCase() === email) ?? null;
}

function territoryPeople(db: Db, territoryId: string) {
	return db
		.selectFrom('app_user')
		.innerJoin('organisation', 'organisation.id', 'app_user.organisation_id')
		.select([
			'app_user.id as userId',
			'app_user.display_name as name',
			'app_user.email',
			'app_user.function as function',
			'organisation.name as organisationName'
		])
		.where('organisation.territory_id', '=', territoryId);
}

/** The people of the territory with their function, for the direction's table. */
export async function listPeopleWithFunctions(db: Db, territoryId: string) {
	return db
		.selectFrom('app_user')
		.innerJoin('organisation', 'organisation.id', 'app_user.organisation_id')
		.select([
			'app_user.id',
			'app_user.display_name as displayName',
			'app_user.job_title as jobTitle',
			'app_user.function as function',
			'organisation.name as organisationName',
			'organisation.kind as organisationKind'
		])
		.where('organisation.territory_id', '=', territoryId)
		.orderBy('organisation.kind', 'desc') // the EPCI first
		.orderBy('organisation.name')
		.orderBy('app_user.display_name')
		.execute();
}

export async function setPersonFunction(
	db: Db,
	userId: string,
	fn: PersonFunction | null
): Promise<void> {
	await db.updateTable('app_user').set({ function: fn }).where('id', '=', userId).execute();
}

const byName = (a: { name: string }, b: { name: string }) =>
	a.name.localeCompare(b.name, 'fr', { sensitivity: 'base' });

/**
 * Everyone a stored list reaches today, before de-duplication: a list by functions reads the
 * territory's people who hold them now, a club list the club's members now, a manual list its
 * rows (users with today's name and address).
 */
export async function recipientsOf(
	db: Db,
	territoryId: string,
	list: Pick<DistributionList, 'id' | 'kind' | 'functions' | 'clubId'>
): Promise<Recipient[]> {
	let rows: Recipient[];
	if (list.kind === 'functions') {
		if (list.functions.length === 0) return [];
		rows = await territoryPeople(db, territoryId)
			.where('app_user.function', 'in', list.functions)
			.execute();
	} else if (list.kind === 'club') {
		if (!list.clubId) return [];
		rows = await territoryPeople(db, territoryId)
			.innerJoin('club_member', 'club_member.user_id', 'app_user.id')
			.innerJoin('club', 'club.id', 'club_member.club_id')
			.where('club.id', '=', list.clubId)
			.where('club.territory_id', '=', territoryId)
			.execute();
	} else {
		rows = (await listMembers(db, list.id)).map((member) => ({
			userId: member.userId,
			name: member.name,
			email: member.email,
			function: member.function,
			organisationName: member.organisationName
		}));
	}
	return rows.map((row) => ({ ...row, email: row.email.toLowerCase() }));
}

/**
 * One recipient per address, by name. When a user and a person without an account share an
 * address, the user is kept: they will get the link to sign in rather than a personal one.
 */
export function dedupeRecipients(recipients: Iterable<Recipient>): Recipient[] {
	const byEmail = new Map<string, Recipient>();
	for (const recipient of recipients) {
		const key = recipient.email.toLowerCase();
		const kept = byEmail.get(key);
		if (!kept || (kept.userId === null && recipient.userId !== null)) byEmail.set(key, recipient);
	}
	return [...byEmail.values()].sort((a, b) => byName(a, b) || a.email.localeCompare(b.email, 'fr'));
}
