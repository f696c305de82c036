// Distribution lists on a real database (both dialects): only the direction and the
// administrators manage them; an invalid address is refused with nothing stored; addresses are
// normalised and unique per list; each kind resolves to today's people; several lists resolve
// to one recipient per address; another territory's list answers 404.
import { beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../src/lib/server/db';
import type { Actor } from '../../src/lib/server/documents/access';
import {
	addListExternal,
	addListUser,
	createList,
	deleteList,
	editList,
	listDistributionListNames,
	listMembers,
	removeListMember,
	resolveList,
	resolveLists,
	setFunction,
	isValidEmail,
	normaliseEmail
} from '../../src/lib/server/distribution';
import type { PersonFunction } from '../../src/lib/distribution/vocabulary';
import { freshDb } from '../helpers/db';
import {
	buildClub,
	buildTerritory,
	buildUser,
	type TestTerritory,
	type TestUser
} from '../helpers/factories';

let db: Db;
let territory: TestTerritory;
let direction: TestUser;
let admin: TestUser;
let member: TestUser;
let dgsEpci: TestUser;
let dgsCommune: TestUser;
let secretaire: TestUser;
let cadre: TestUser;
let elu: TestUser;
let other: TestTerritory;
let otherDirection: TestUser;

const actor = (user: TestUser): Actor => ({
	id: user.id,
	territoryId: user.territoryId,
	organisationId: user.organisationId,
	territoryRole: user.territoryRole
});

async function withFunction(user: TestUser, fn: PersonFunction): Promise<TestUser> {
	await db.updateTable('app_user').set({ function: fn }).where('id', '=', user.id).execute();
	return user;
}

async function created(user: TestUser, input: Parameters<typeof createList>[2]): Promise<string> {
	const result = await createList(db, actor(user), input);
	if (!result.ok) throw new Error(result.message);
	return result.listId;
}

const listCount = async () =>
	(await db.selectFrom('distribution_list').select('id').execute()).length;
const memberRows = async () =>
	db.selectFrom('distribution_list_member').selectAll().orderBy('added_at').execute();

beforeAll(async () => {
	({ db } = await freshDb());
	territory = await buildTerritory(db);
	direction = await buildUser(db, territory, territory.epciId, {
		role: 'direction',
		name: 'Claire Direction'
	});
	admin = await buildUser(db, territory, territory.epciId, { role: 'admin', name: 'Marc Admin' });
	member = await buildUser(db, territory, territory.communeId, { name: 'Martin Membre' });
	dgsEpci = await withFunction(
		await buildUser(db, territory, territory.epciId, { name: 'Anne DGS' }),
		'dgs'
	);
	dgsCommune = await withFunction(
		await buildUser(db, territory, territory.communeId, { name: 'Bruno DGS' }),
		'dgs'
	);
	secretaire = await withFunction(
		await buildUser(db, territory, territory.communeId, { name: 'Chloé Secrétaire' }),
		'secretaire_mairie'
	);
	cadre = await withFunction(
		await buildUser(db, territory, territory.epciId, { name: 'Denis Cadre' }),
		'cadre'
	);
	elu = await withFunction(
		await buildUser(db, territory, territory.epciId, { name: 'Élise Élue' }),
		'elu'
	);
	other = await buildTerritory(db);
	otherDirection = await buildUser(db, other, other.epciId, { role: 'direction' });
	await withFunction(
		await buildUser(db, other, other.communeId, { name: 'Zoé DGS ailleurs' }),
		'dgs'
	);
});

describe('who manages lists', () => {
	it('a member is refused every change (403), and nothing is stored', async () => {
		const before = await listCount();
		const refused = await createList(db, actor(member), {
			name: 'Ma liste',
			description: '',
			kind: 'manual'
		});
		expect(refused).toMatchObject({ ok: false, status: 403, denied: true });
		expect(await listCount()).toBe(before);

		const listId = await created(direction, {
			name: 'Liste gérée',
			description: '',
			kind: 'manual'
		});
		for (const attempt of [
			editList(db, actor(member), listId, { name: 'Renommée', description: '' }),
			deleteList(db, actor(member), listId),
			addListUser(db, actor(member), listId, { userId: member.id }),
			addListExternal(db, actor(member), listId, { name: 'X', email: 'x@exemple.fr' }),
			setFunction(db, actor(member), { userId: member.id, function: 'dgs' })
		])
			expect(await attempt).toMatchObject({ ok: false, status: 403 });
		expect((await memberRows()).filter((m) => m.list_id === listId)).toEqual([]);
		const stored = await db
			.selectFrom('app_user')
			.select('function')
			.where('id', '=', member.id)
			.executeTakeFirstOrThrow();
		expect(stored.function).toBeNull();
	});

	it('the direction and the administrators create, rename, edit and delete; everyone may read the names', async () => {
		const listId = await created(admin, {
			name: 'Cadres',
			description: 'Les cadres',
			kind: 'functions',
			functions: ['cadre']
		});
		const renamed = await editList(db, actor(direction), listId, {
			name: '  Cadres   et directeurs ',
			description: 'Tous',
			functions: ['directeur', 'cadre', 'cadre']
		});
		expect(renamed).toMatchObject({ ok: true });
		const names = await listDistributionListNames(db, territory.territoryId);
		expect(names.find((l) => l.id === listId)).toMatchObject({
			name: 'Cadres et directeurs',
			kind: 'functions'
		});
		const functions = await db
			.selectFrom('distribution_list_function')
			.select('function')
			.where('list_id', '=', listId)
			.execute();
		expect(functions.map((f) => f.function).sort()).toEqual(['cadre', 'directeur']);
		expect(await deleteList(db, actor(direction), listId)).toMatchObject({ ok: true });
		expect(
			(await listDistributionListNames(db, territory.territoryId)).map((l) => l.id)
		).not.toContain(listId);
	});

	it('refuses a missing kind, a duplicate name, no function, a club of another territory — field by field', async () => {
		await created(direction, { name: 'Unique', description: '', kind: 'manual' });
		const otherClub = await buildClub(db, otherDirection);
		const cases: [Parameters<typeof createList>[2], string][] = [
			[{ name: 'Sans type', description: '', kind: 'autre' }, 'kind'],
			[{ name: '', description: '', kind: 'manual' }, 'name'],
			[{ name: ' Unique ', description: '', kind: 'manual' }, 'name'],
			[{ name: 'Aucune fonction', description: '', kind: 'functions', functions: [] }, 'functions'],
			[
				{ name: 'Fonction inventée', description: '', kind: 'functions', functions: ['maire'] },
				'functions'
			],
			[{ name: 'Club ailleurs', description: '', kind: 'club', clubId: otherClub }, 'clubId']
		];
		const before = await listCount();
		for (const [input, field] of cases)
			expect(await createList(db, actor(direction), input)).toMatchObject({
				ok: false,
				status: 400,
				field
			});
		expect(await listCount()).toBe(before);
	});

	it('another territory’s list is a 404 to the direction, whatever the command', async () => {
		const foreign = await created(otherDirection, {
			name: 'Ailleurs',
			description: '',
			kind: 'manual'
		});
		for (const attempt of [
			editList(db, actor(direction), foreign, { name: 'Pris', description: '' }),
			deleteList(db, actor(direction), foreign),
			addListExternal(db, actor(direction), foreign, { name: 'X', email: 'x@exemple.fr' })
		])
			expect(await attempt).toMatchObject({ ok: false, status: 404 });
		expect(await resolveList(db, territory.territoryId, foreign)).toMatchObject({
			ok: false,
			status: 404,
			message: 'Liste de diffusion introuvable.'
		});
	});
});

describe('manual lists', () => {
	it('an invalid address is refused in French, and nothing is stored', async () => {
		const listId = await created(direction, { name: 'Élus', description: '', kind: 'manual' });
		for (const email of [
			'pas-une-adresse',
			'maire@commune',
			'maire@@commune.fr',
			'maire @commune.fr',
			'maire@commune..fr',
			'<maire@commune.fr>',
			'maire@commune.fr, autre@commune.fr',
			'.maire@commune.fr',
			`${'a'.repeat(250)}@commune.fr`
		]) {
			const refused = await addListExternal(db, actor(direction), listId, {
				name: 'Le maire',
				email
			});
			expect(refused).toMatchObject({
				ok: false,
				status: 400,
				field: 'email',
				message:
					'Cette adresse électronique n’est pas valide : écrivez-la sous la forme prenom.nom@exemple.fr.'
			});
		}
		expect(
			await addListExternal(db, actor(direction), listId, { name: '', email: 'a@b.fr' })
		).toMatchObject({ ok: false, status: 400, field: 'name' });
		expect((await memberRows()).filter((m) => m.list_id === listId)).toEqual([]);
	});

	it('normalises addresses, keeps each once per list, and adds a user instead of their own address', async () => {
		const listId = await created(direction, { name: 'Maires', description: '', kind: 'manual' });
		expect(
			await addListExternal(db, actor(direction), listId, {
				name: 'Gérard Fontaine',
				email: '  Maire@Lauzieres.TEST '
			})
		).toMatchObject({ ok: true });
		expect(
			await addListExternal(db, actor(direction), listId, {
				name: 'Gérard F.',
				email: 'maire@lauzieres.test'
			})
		).toMatchObject({
			ok: false,
			status: 400,
			field: 'email',
			message: 'L’adresse maire@lauzieres.test figure déjà dans la liste.'
		});
		const own = await addListExternal(db, actor(direction), listId, {
			name: 'Quelqu’un',
			email: elu.email.toUpperCase()
		});
		expect(own).toMatchObject({ ok: true });
		expect(own.ok && own.message).toContain('qui a un compte');
		expect(await addListUser(db, actor(direction), listId, { userId: elu.id })).toMatchObject({
			ok: false,
			status: 400,
			field: 'userId'
		});
		// Someone of another territory is not « a person of the territory ».
		expect(
			await addListUser(db, actor(direction), listId, { userId: otherDirection.id })
		).toMatchObject({ ok: false, status: 400, field: 'userId' });
		const members = await listMembers(db, listId);
		expect(members.map((m) => [m.name, m.email, m.userId !== null])).toEqual([
			['Élise Élue', elu.email.toLowerCase(), true],
			['Gérard Fontaine', 'maire@lauzieres.test', false]
		]);
		const external = members.find((m) => m.userId === null)!;
		expect(
			await removeListMember(db, actor(direction), listId, { memberId: external.id })
		).toMatchObject({ ok: true, message: 'Gérard Fontaine a été retiré·e de la liste.' });
		expect(
			await removeListMember(db, actor(direction), listId, { memberId: external.id })
		).toMatchObject({ ok: false, status: 404 });
	});

	it('a list by functions or by club takes nobody by hand', async () => {
		const listId = await created(direction, {
			name: 'DGS seuls',
			description: '',
			kind: 'functions',
			functions: ['dgs']
		});
		expect(
			await addListExternal(db, actor(direction), listId, { name: 'X', email: 'x@exemple.fr' })
		).toMatchObject({ ok: false, status: 400 });
	});
});

describe('resolving lists', () => {
	it('by functions: today’s holders of the territory, following a change of function', async () => {
		const listId = await created(direction, {
			name: 'DGS et secrétaires',
			description: '',
			kind: 'functions',
			functions: ['dgs', 'secretaire_mairie']
		});
		const first = await resolveList(db, territory.territoryId, listId);
		expect(first.ok && first.recipients.map((r) => [r.name, r.function])).toEqual([
			['Anne DGS', 'dgs'],
			['Bruno DGS', 'dgs'],
			['Chloé Secrétaire', 'secretaire_mairie']
		]);
		expect(
			await setFunction(db, actor(direction), { userId: cadre.id, function: 'dgs' })
		).toMatchObject({ ok: true });
		const second = await resolveList(db, territory.territoryId, listId);
		expect(second.ok && second.recipients.map((r) => r.name)).toContain('Denis Cadre');
		expect(
			await setFunction(db, actor(admin), { userId: cadre.id, function: 'cadre' })
		).toMatchObject({ ok: true });
		expect(
			await setFunction(db, actor(direction), { userId: cadre.id, function: 'pape' })
		).toMatchObject({ ok: false, status: 400, field: 'function' });
		expect(
			await setFunction(db, actor(direction), { userId: otherDirection.id, function: 'dgs' })
		).toMatchObject({ ok: false, status: 404 });
	});

	it('by club: the club’s members today', async () => {
		const clubId = await buildClub(db, dgsEpci, [secretaire]);
		const listId = await created(direction, {
			name: 'Club',
			description: '',
			kind: 'club',
			clubId
		});
		const before = await resolveList(db, territory.territoryId, listId);
		expect(before.ok && before.recipients.map((r) => r.userId).sort()).toEqual(
			[dgsEpci.id, secretaire.id].sort()
		);
		await db
			.insertInto('club_member')
			.values({ club_id: clubId, user_id: cadre.id, role: 'membre', added_by: null, added_at: 1 })
			.execute();
		const after = await resolveList(db, territory.territoryId, listId);
		expect(after.ok && after.recipients).toHaveLength(3);
	});

	it('several lists: one recipient per address, a user kept over an external at the same address', async () => {
		const dgs = await created(direction, {
			name: 'Les DGS',
			description: '',
			kind: 'functions',
			functions: ['dgs']
		});
		const manual = await created(direction, {
			name: 'Commission',
			description: '',
			kind: 'manual'
		});
		await addListUser(db, actor(direction), manual, { userId: dgsEpci.id });
		await addListExternal(db, actor(direction), manual, {
			name: 'Maire de Lauzières',
			email: 'maire@lauzieres.test'
		});
		// An external row that shares a user's address (written before the user had an account).
		await db
			.insertInto('distribution_list_member')
			.values({
				id: 'externaldupli1aa',
				list_id: manual,
				user_id: null,
				name: 'Ancienne adresse',
				email: dgsCommune.email.toLowerCase(),
				added_by: null,
				added_at: 1
			})
			.execute();
		const union = await resolveLists(db, territory.territoryId, [dgs, manual, dgs]);
		expect(union.ok).toBe(true);
		if (!union.ok) return;
		expect(union.lists.map((l) => l.name)).toEqual(['Les DGS', 'Commission']);
		const emails = union.recipients.map((r) => r.email);
		expect(new Set(emails).size).toBe(emails.length);
		expect(union.recipients.map((r) => [r.name, r.userId !== null])).toEqual([
			['Anne DGS', true],
			['Bruno DGS', true],
			['Maire de Lauzières', false]
		]);
		expect(await resolveLists(db, territory.territoryId, [dgs, 'inconnu'])).toMatchObject({
			ok: false,
			status: 404
		});
		expect(await resolveLists(db, other.territoryId, [dgs])).toMatchObject({
			ok: false,
			status: 404
		});
	});
});

describe('addresses', () => {
	it('accepts ordinary addresses, internationalised domains; refuses the rest', () => {
		for (const ok of ['prenom.nom@mairie-lauzieres.fr', 'a+b@x.test', 'dgs@saint-aubin.fr'])
			expect(isValidEmail(normaliseEmail(ok))).toBe(true);
		expect(isValidEmail(normaliseEmail('accueil@mairie-évian.fr'))).toBe(true);
		for (const bad of ['', '@x.fr', 'a@', 'a@x', 'a@-x.fr', 'a@x.f', 'a"b@x.fr', 'a b@x.fr'])
			expect(isValidEmail(normaliseEmail(bad)), bad).toBe(false);
	});
});
