// The /diffusion pages, called as SvelteKit calls them, on a real database: every page and
// action is refused (403) to anyone but the direction and the administrators, another
// territory's list is a 404, an invalid address is a French 400 beside its field with nothing
// stored, and a created list redirects to its page.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isHttpError, isRedirect } from '@sveltejs/kit';
import type { Db } from '../../src/lib/server/db';
import type { SessionUser } from '../../src/lib/server/auth/session';
import { disposeRuntime } from '../../src/lib/server/runtime';
import { createList } from '../../src/lib/server/distribution';
import { freshDb } from '../helpers/db';
import { buildTerritory, buildUser, type TestUser } from '../helpers/factories';
import * as listsPage from '../../src/routes/(app)/diffusion/+page.server';
import * as listPage from '../../src/routes/(app)/diffusion/[id]/+page.server';
import * as peoplePage from '../../src/routes/(app)/diffusion/personnes/+page.server';

let db: Db;
let direction: TestUser;
let admin: TestUser;
let member: TestUser;
let foreignDirection: TestUser;
let listId: string;
let foreignListId: string;
const savedEnv = { ...process.env };

beforeAll(async () => {
	const fresh = await freshDb();
	db = fresh.db;
	// The routes reach the database through runtime(), which reads the environment once.
	process.env.DATABASE_URL = fresh.url;
	process.env.LOG_LEVEL = 'silent';
	const territory = await buildTerritory(db);
	direction = await buildUser(db, territory, territory.epciId, { role: 'direction' });
	admin = await buildUser(db, territory, territory.epciId, { role: 'admin' });
	member = await buildUser(db, territory, territory.communeId);
	const other = await buildTerritory(db);
	foreignDirection = await buildUser(db, other, other.epciId, { role: 'direction' });
	const created = await createList(db, direction, {
		name: 'Maires',
		description: '',
		kind: 'manual'
	});
	const foreign = await createList(db, foreignDirection, {
		name: 'Ailleurs',
		description: '',
		kind: 'manual'
	});
	if (!created.ok || !foreign.ok) throw new Error('lists not created');
	listId = created.listId;
	foreignListId = foreign.listId;
});

afterAll(async () => {
	await disposeRuntime();
	process.env = savedEnv;
});

function sessionUser(user: TestUser): SessionUser {
	return {
		id: user.id,
		email: user.email,
		displayName: user.displayName,
		jobTitle: '',
		territoryRole: user.territoryRole,
		organisationId: user.organisationId,
		organisationName: '',
		organisationKind: user.organisationKind,
		territoryId: user.territoryId
	};
}

const event = (
	user: TestUser | null,
	url: string,
	init?: RequestInit,
	params: Record<string, string> = {}
) =>
	({
		locals: { user: user && sessionUser(user), session: null },
		params,
		url: new URL(url, 'http://localhost'),
		request: new Request(new URL(url, 'http://localhost'), init)
	}) as never;

async function statusOf(promise: unknown): Promise<number> {
	try {
		const result = await promise;
		return (result as { status?: number } | undefined)?.status ?? 200;
	} catch (error) {
		if (isHttpError(error)) return error.status;
		if (isRedirect(error)) return error.status;
		throw error;
	}
}

const form = (fields: Record<string, string>): RequestInit => ({
	method: 'POST',
	body: new URLSearchParams(fields),
	headers: { 'content-type': 'application/x-www-form-urlencoded' }
});

const memberCount = async () =>
	(await db.selectFrom('distribution_list_member').select('id').execute()).length;

describe('/diffusion refusals', () => {
	it('every page is refused (403) to a member and to nobody signed in', async () => {
		for (const user of [member, null]) {
			expect(await statusOf(listsPage.load(event(user, '/diffusion')))).toBe(403);
			expect(
				await statusOf(
					listPage.load(event(user, `/diffusion/${listId}`, undefined, { id: listId }))
				)
			).toBe(403);
			expect(await statusOf(peoplePage.load(event(user, '/diffusion/personnes')))).toBe(403);
		}
	});

	it('every action is refused (403) to a member, and nothing is stored', async () => {
		const lists = async () =>
			(await db.selectFrom('distribution_list').select('id').execute()).length;
		const before = await lists();
		const url = `/diffusion/${listId}`;
		const params = { id: listId };
		const attempts = [
			listsPage.actions.create(
				event(member, '/diffusion', form({ name: 'La mienne', kind: 'manual' }))
			),
			listPage.actions.edit(event(member, url, form({ name: 'Prise' }), params)),
			listPage.actions.addExternal(
				event(member, url, form({ name: 'X', email: 'x@exemple.fr' }), params)
			),
			listPage.actions.addUser(event(member, url, form({ userId: member.id }), params)),
			listPage.actions.delete(event(member, url, form({}), params)),
			peoplePage.actions.default(
				event(member, '/diffusion/personnes', form({ userId: member.id, function: 'dgs' }))
			)
		];
		for (const attempt of attempts) expect(await statusOf(attempt)).toBe(403);
		expect(await lists()).toBe(before);
		expect(await memberCount()).toBe(0);
		const fn = await db
			.selectFrom('app_user')
			.select('function')
			.where('id', '=', member.id)
			.executeTakeFirstOrThrow();
		expect(fn.function).toBeNull();
	});

	it('another territory’s list, or a malformed id, is a 404 to the direction', async () => {
		for (const id of [foreignListId, 'pas-un-identifiant']) {
			expect(
				await statusOf(listPage.load(event(direction, `/diffusion/${id}`, undefined, { id })))
			).toBe(404);
			expect(
				await statusOf(
					listPage.actions.delete(event(direction, `/diffusion/${id}`, form({}), { id }))
				)
			).toBe(404);
		}
		expect(await db.selectFrom('distribution_list').select('id').execute()).toHaveLength(2);
	});
});

describe('/diffusion for the direction and the administrators', () => {
	it('an invalid address is a French 400 beside its field, what was typed kept, nothing stored', async () => {
		const result = await listPage.actions.addExternal(
			event(
				direction,
				`/diffusion/${listId}`,
				form({ name: 'Le maire', email: 'maire@lauzieres' }),
				{ id: listId }
			)
		);
		expect(result).toMatchObject({
			status: 400,
			data: {
				form: 'addExternal',
				field: 'email',
				message:
					'Cette adresse électronique n’est pas valide : écrivez-la sous la forme prenom.nom@exemple.fr.',
				externalValues: { name: 'Le maire', email: 'maire@lauzieres' }
			}
		});
		expect(await memberCount()).toBe(0);
	});

	it('the administrator creates a list (redirected to it), sees it listed, and sets a function', async () => {
		let location = '';
		try {
			await listsPage.actions.create(
				event(
					admin,
					'/diffusion',
					form({ name: 'Les DGS', kind: 'functions', functions: 'dgs', description: '' })
				)
			);
			expect.unreachable();
		} catch (error) {
			expect(isRedirect(error) && error.status).toBe(303);
			location = isRedirect(error) ? error.location : '';
		}
		expect(location).toMatch(/^\/diffusion\/[a-z2-7]{16}\?creee=1$/);
		const data = (await listsPage.load(event(admin, '/diffusion'))) as {
			lists: { name: string; recipientCount: number }[];
		};
		expect(data.lists.map((l) => l.name)).toEqual(['Les DGS', 'Maires']);
		expect(
			await peoplePage.actions.default(
				event(direction, '/diffusion/personnes', form({ userId: member.id, function: 'dgs' }))
			)
		).toMatchObject({ userId: member.id });
		const after = (await listsPage.load(event(admin, '/diffusion'))) as typeof data;
		expect(after.lists.find((l) => l.name === 'Les DGS')?.recipientCount).toBe(1);
	});
});
