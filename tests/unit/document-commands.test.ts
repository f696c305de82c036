// Document commands: the policy, the rules and whose rights changed, on a real database.
import { beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../src/lib/server/db';
import {
	closeRightsChanged,
	commands,
	type CommandResult,
	type RightsHub
} from '../../src/lib/server/documents';
import { settle } from '../../src/lib/server/documents/page-access';
import { setOrganisationMember } from '../../src/lib/server/documents/queries';
import { ensureDefaultTemplates } from '../../src/lib/server/templates';
import { CloseCode } from '../../src/lib/collab/protocol';
import { newId } from '../../src/lib/server/ids';
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
let coLead: TestUser;
let partner: TestUser;
let editor: TestUser;
let annotator: TestUser;
let reader: TestUser;
let direction: TestUser;
let outsider: TestUser;
let newcomer: TestUser;
let otherEpciUser: TestUser;
let foreigner: TestUser;
let foreignOrganisationId: string;
let secondCommuneId: string;

beforeAll(async () => {
	({ db } = await freshDb());
	await ensureDefaultTemplates(db);
	territory = await buildTerritory(db);
	coLead = await buildUser(db, territory, territory.epciId, { name: 'Claire EPCI' });
	partner = await buildUser(db, territory, territory.communeId, { name: 'Paul Commune' });
	editor = await buildUser(db, territory, territory.communeId, { name: 'Édith Rédactrice' });
	annotator = await buildUser(db, territory, territory.communeId);
	reader = await buildUser(db, territory, territory.communeId, { name: 'Rémi Lecteur' });
	direction = await buildUser(db, territory, territory.epciId, { role: 'direction' });
	outsider = await buildUser(db, territory, territory.epciId);
	newcomer = await buildUser(db, territory, territory.communeId, { name: 'Nina Nouvelle' });
	otherEpciUser = await buildUser(db, territory, territory.epciId);
	const elsewhere = await buildTerritory(db);
	foreigner = await buildUser(db, elsewhere, elsewhere.communeId);
	foreignOrganisationId = elsewhere.communeId;
	secondCommuneId = newId();
	await db
		.insertInto('organisation')
		.values({
			id: secondCommuneId,
			territory_id: territory.territoryId,
			name: 'Commune B',
			kind: 'commune',
			insee_code: '99002',
			population: 1500,
			created_at: Date.now()
		})
		.execute();
});

/** A new document each time: binôme coLead + partner, one rédacteur, one annotator, one reader. */
const freshDocument = () =>
	buildDocument(
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

/** Everything a command may write about a document. */
async function stored(documentId: string) {
	return {
		document: await db
			.selectFrom('document')
			.select(['title', 'theme', 'summary', 'due_date', 'updated_at'])
			.where('id', '=', documentId)
			.executeTakeFirst(),
		members: await db
			.selectFrom('document_member')
			.select(['user_id', 'role'])
			.where('document_id', '=', documentId)
			.orderBy('user_id')
			.execute(),
		organisations: await db
			.selectFrom('document_org_member')
			.select(['organisation_id', 'role'])
			.where('document_id', '=', documentId)
			.orderBy('organisation_id')
			.execute(),
		concerned: await db
			.selectFrom('document_organisation')
			.select('organisation_id')
			.where('document_id', '=', documentId)
			.orderBy('organisation_id')
			.execute()
	};
}

const roleOf = async (documentId: string, user: TestUser) =>
	(
		await db
			.selectFrom('document_member')
			.select('role')
			.where('document_id', '=', documentId)
			.where('user_id', '=', user.id)
			.executeTakeFirst()
	)?.role ?? null;

/** Runs a command that must be refused and checks that it left the document as it was. */
async function refused(documentId: string, run: () => Promise<CommandResult>) {
	const before = await stored(documentId);
	const result = await run();
	expect(result.ok).toBe(false);
	expect(await stored(documentId)).toEqual(before);
	return result;
}

function form(values: Record<string, string | string[]>): FormData {
	const data = new FormData();
	for (const [key, value] of Object.entries(values))
		for (const v of [value].flat()) data.append(key, v);
	return data;
}

type Closed = { kind: 'user' | 'organisation'; documentId: string; id: string; code: number };

/** A collaboration hub that records what it is asked to close (one socket each). */
function fakeHub() {
	const closed: Closed[] = [];
	const hub: RightsHub = {
		closeUserConnections(documentId, id, code) {
			closed.push({ kind: 'user', documentId, id, code });
			return 1;
		},
		closeOrganisationConnections(documentId, id, code) {
			closed.push({ kind: 'organisation', documentId, id, code });
			return 1;
		}
	};
	return { hub, closed };
}

/** The sockets closed for a command's result, as the route actions close them. */
function socketsClosed(result: CommandResult): Closed[] {
	const { hub, closed } = fakeHub();
	if (result.ok) closeRightsChanged(hub, result.documentId, result.rightsChanged);
	return closed;
}
const userSockets = (documentId: string, ...users: TestUser[]) =>
	users.map((u) => ({ kind: 'user', documentId, id: u.id, code: CloseCode.rightsChanged }));
const organisationSockets = (documentId: string, id: string) => [
	{ kind: 'organisation', documentId, id, code: CloseCode.rightsChanged }
];

const COLEADS_ONLY = 'Seul le binôme de co-pilotes gère les participants et les réglages.';

describe('who may run the commands: the one policy', () => {
	const managing = (documentId: string, actor: TestUser) => [
		() => commands.setMember(db, actor, documentId, { userId: newcomer.id, role: 'editor' }),
		() => commands.removeMember(db, actor, documentId, { userId: reader.id }),
		() =>
			commands.setOrganisation(db, actor, documentId, {
				organisationId: secondCommuneId,
				role: 'reader'
			}),
		() => commands.removeOrganisation(db, actor, documentId, { organisationId: secondCommuneId }),
		() => commands.updateSettings(db, actor, documentId, form({ title: 'Titre détourné' }))
	];

	it('participants and settings: 403 for everyone but the binôme (the direction included), nothing saved', async () => {
		const documentId = await freshDocument();
		await setOrganisationMember(db, documentId, secondCommuneId, 'annotator', coLead.id);
		for (const actor of [editor, annotator, reader, direction]) {
			for (const run of managing(documentId, actor)) {
				expect(await refused(documentId, run), actor.displayName).toEqual({
					ok: false,
					status: 403,
					message: COLEADS_ONLY,
					denied: true
				});
			}
		}
		for (const run of managing(documentId, outsider)) {
			expect(await refused(documentId, run)).toMatchObject({
				ok: false,
				status: 403,
				message: expect.stringContaining('Vous ne participez pas'),
				denied: true
			});
		}
	});

	it('the binôme: 403 for participants who are not in it, nothing saved', async () => {
		const documentId = await freshDocument();
		for (const actor of [editor, annotator, reader, outsider]) {
			const result = await refused(documentId, () =>
				commands.setBinome(db, actor, documentId, { epci: coLead.id, commune: newcomer.id })
			);
			expect(result, actor.displayName).toMatchObject({ status: 403, denied: true });
		}
	});

	it('404 for an unknown document and for a document of another territory', async () => {
		const documentId = await freshDocument();
		for (const [actor, id] of [
			[coLead, 'aaaaaaaaaaaaaaaa'],
			[foreigner, documentId]
		] as const) {
			for (const run of [
				...managing(id, actor),
				() => commands.setBinome(db, actor, id, { epci: coLead.id, commune: newcomer.id })
			]) {
				expect(await refused(documentId, run)).toEqual({
					ok: false,
					status: 404,
					message: 'Document introuvable.',
					denied: true
				});
			}
		}
	});
});

describe('setMember', () => {
	it('adds a person of the territory: nobody’s rights changed', async () => {
		const documentId = await freshDocument();
		const result = await commands.setMember(db, partner, documentId, {
			userId: newcomer.id,
			role: 'annotator'
		});
		expect(result).toEqual({
			ok: true,
			message: 'Nina Nouvelle a été ajouté(e).',
			documentId,
			rightsChanged: { users: [], organisations: [] },
			previousRole: null
		});
		expect(await roleOf(documentId, newcomer)).toBe('annotator');
		expect(socketsClosed(result)).toEqual([]);
	});

	it('changes a role, lowered or raised: that person’s sockets close; the same role again closes nothing', async () => {
		const documentId = await freshDocument();
		const lowered = await commands.setMember(db, coLead, documentId, {
			userId: editor.id,
			role: 'reader'
		});
		expect(lowered).toMatchObject({
			ok: true,
			message: 'Le rôle de Édith Rédactrice a été modifié.',
			rightsChanged: { users: [editor.id], organisations: [] },
			// What the page's « Annuler » puts back.
			previousRole: 'editor'
		});
		expect(socketsClosed(lowered)).toEqual(userSockets(documentId, editor));
		const raised = await commands.setMember(db, coLead, documentId, {
			userId: reader.id,
			role: 'editor'
		});
		expect(raised).toMatchObject({
			ok: true,
			rightsChanged: { users: [reader.id], organisations: [] }
		});
		expect(socketsClosed(raised)).toEqual(userSockets(documentId, reader));
		expect([await roleOf(documentId, editor), await roleOf(documentId, reader)]).toEqual([
			'reader',
			'editor'
		]);
		const same = await commands.setMember(db, coLead, documentId, {
			userId: reader.id,
			role: 'editor'
		});
		expect(same).toMatchObject({ ok: true, rightsChanged: { users: [], organisations: [] } });
	});

	it('400 for a role that cannot be granted, co-pilote included', async () => {
		const documentId = await freshDocument();
		for (const role of ['colead', 'owner', '', null]) {
			expect(
				await refused(documentId, () =>
					commands.setMember(db, coLead, documentId, { userId: newcomer.id, role })
				)
			).toEqual({
				ok: false,
				status: 400,
				message: 'Choisissez un rôle : rédacteur, annotateur ou lecteur.',
				field: 'role',
				denied: false
			});
		}
	});

	it('400 for a person who is not of the territory, or nobody', async () => {
		const documentId = await freshDocument();
		for (const userId of [foreigner.id, 'aaaaaaaaaaaaaaaa', '', null]) {
			expect(
				await refused(documentId, () =>
					commands.setMember(db, coLead, documentId, { userId, role: 'editor' })
				)
			).toEqual({
				ok: false,
				status: 400,
				message: 'Choisissez une personne du territoire.',
				field: 'userId',
				denied: false
			});
		}
	});

	it('400: a co-pilote’s role does not change here, only with the binôme', async () => {
		const documentId = await freshDocument();
		const result = await refused(documentId, () =>
			commands.setMember(db, coLead, documentId, { userId: partner.id, role: 'reader' })
		);
		expect(result).toMatchObject({
			status: 400,
			message: 'Un co-pilote change de rôle en changeant le binôme.',
			denied: false
		});
	});
});

describe('removeMember', () => {
	it('removes a participant: their sockets close', async () => {
		const documentId = await freshDocument();
		const result = await commands.removeMember(db, partner, documentId, { userId: editor.id });
		expect(result).toEqual({
			ok: true,
			message: 'Édith Rédactrice ne participe plus au document.',
			documentId,
			rightsChanged: { users: [editor.id], organisations: [] },
			previousRole: 'editor'
		});
		expect(await roleOf(documentId, editor)).toBeNull();
		expect(socketsClosed(result)).toEqual(userSockets(documentId, editor));
	});

	it('404 for someone who does not take part; 400 for a co-pilote', async () => {
		const documentId = await freshDocument();
		expect(
			await refused(documentId, () =>
				commands.removeMember(db, coLead, documentId, { userId: newcomer.id })
			)
		).toEqual({
			ok: false,
			status: 404,
			message: 'Cette personne ne participe pas au document.',
			field: 'userId',
			denied: false
		});
		expect(
			await refused(documentId, () =>
				commands.removeMember(db, coLead, documentId, { userId: partner.id })
			)
		).toMatchObject({
			status: 400,
			message: 'Un co-pilote ne peut pas être retiré : changez d’abord le binôme.'
		});
	});
});

describe('setOrganisation and removeOrganisation', () => {
	it('adds an organisation (nothing closed), changes its role (its people’s sockets close), removes it (closed)', async () => {
		const documentId = await freshDocument();
		const added = await commands.setOrganisation(db, coLead, documentId, {
			organisationId: secondCommuneId,
			role: 'annotator'
		});
		expect(added).toEqual({
			ok: true,
			message: 'Toutes les personnes de Commune B participent désormais au document.',
			documentId,
			rightsChanged: { users: [], organisations: [] },
			previousRole: null
		});
		const same = await commands.setOrganisation(db, coLead, documentId, {
			organisationId: secondCommuneId,
			role: 'annotator'
		});
		expect(same).toMatchObject({ ok: true, rightsChanged: { users: [], organisations: [] } });
		const lowered = await commands.setOrganisation(db, coLead, documentId, {
			organisationId: secondCommuneId,
			role: 'reader'
		});
		expect(lowered).toMatchObject({
			ok: true,
			rightsChanged: { users: [], organisations: [secondCommuneId] },
			previousRole: 'annotator'
		});
		expect(socketsClosed(lowered)).toEqual(organisationSockets(documentId, secondCommuneId));
		const removed = await commands.removeOrganisation(db, coLead, documentId, {
			organisationId: secondCommuneId
		});
		expect(removed).toEqual({
			ok: true,
			message: 'L’organisation ne participe plus au document.',
			documentId,
			rightsChanged: { users: [], organisations: [secondCommuneId] },
			previousRole: 'reader'
		});
		expect(socketsClosed(removed)).toEqual(organisationSockets(documentId, secondCommuneId));
		expect((await stored(documentId)).organisations).toEqual([]);
	});

	it('400 for a bad role or an organisation of another territory; 404 to remove one that does not take part', async () => {
		const documentId = await freshDocument();
		expect(
			await refused(documentId, () =>
				commands.setOrganisation(db, coLead, documentId, {
					organisationId: secondCommuneId,
					role: 'colead'
				})
			)
		).toMatchObject({
			status: 400,
			field: 'role'
		});
		for (const organisationId of [foreignOrganisationId, 'aaaaaaaaaaaaaaaa', null]) {
			expect(
				await refused(documentId, () =>
					commands.setOrganisation(db, coLead, documentId, { organisationId, role: 'reader' })
				)
			).toEqual({
				ok: false,
				status: 400,
				message: 'Choisissez une organisation du territoire.',
				field: 'organisationId',
				denied: false
			});
		}
		expect(
			await refused(documentId, () =>
				commands.removeOrganisation(db, coLead, documentId, { organisationId: secondCommuneId })
			)
		).toEqual({
			ok: false,
			status: 404,
			message: 'Cette organisation ne participe pas au document.',
			field: 'organisationId',
			denied: false
		});
	});
});

describe('setBinome', () => {
	it('the direction replaces the communal co-pilote: the former (now rédacteur) and the new one have their sockets closed', async () => {
		const documentId = await freshDocument();
		const result = await commands.setBinome(db, direction, documentId, {
			epci: coLead.id,
			commune: reader.id
		});
		expect(result).toEqual({
			ok: true,
			message: 'Binôme : Claire EPCI et Rémi Lecteur.',
			documentId,
			rightsChanged: { users: [partner.id, reader.id], organisations: [] }
		});
		expect([
			await roleOf(documentId, coLead),
			await roleOf(documentId, partner),
			await roleOf(documentId, reader)
		]).toEqual(['colead', 'editor', 'colead']);
		expect(socketsClosed(result)).toEqual(userSockets(documentId, partner, reader));
	});

	it('a co-pilote confirming the same binôme changes nobody’s rights', async () => {
		const documentId = await freshDocument();
		expect(
			await commands.setBinome(db, partner, documentId, { epci: coLead.id, commune: partner.id })
		).toMatchObject({ ok: true, rightsChanged: { users: [], organisations: [] } });
	});

	it('400: the first co-pilote is from the intercommunality, the second from a commune, two different people', async () => {
		const documentId = await freshDocument();
		for (const [input, message, field] of [
			[{ epci: '', commune: partner.id }, 'Choisissez le co-pilote de l’intercommunalité.', 'epci'],
			[
				{ epci: foreigner.id, commune: partner.id },
				'Choisissez le co-pilote de l’intercommunalité.',
				'epci'
			],
			[
				{ epci: newcomer.id, commune: partner.id },
				'Le premier co-pilote doit appartenir à l’intercommunalité.',
				'epci'
			],
			[{ epci: coLead.id, commune: otherEpciUser.id }, 'co-pilote communal', 'commune'],
			[{ epci: coLead.id, commune: coLead.id }, 'deux personnes différentes', 'commune'],
			[{ epci: coLead.id, commune: null }, 'second co-pilote', 'commune']
		] as const) {
			const result = await refused(documentId, () =>
				commands.setBinome(db, coLead, documentId, input)
			);
			expect(result).toMatchObject({
				status: 400,
				message: expect.stringContaining(message),
				field,
				denied: false
			});
		}
	});
});

describe('updateSettings', () => {
	it('saves the settings; nobody’s rights changed', async () => {
		const documentId = await freshDocument();
		const result = await commands.updateSettings(
			db,
			coLead,
			documentId,
			form({ title: 'Position commune — RIFSEEP', theme: 'rh', organisations: [secondCommuneId] })
		);
		expect(result).toEqual({
			ok: true,
			message: 'Réglages enregistrés.',
			documentId,
			rightsChanged: { users: [], organisations: [] }
		});
		const after = await stored(documentId);
		expect(after.document).toMatchObject({ title: 'Position commune — RIFSEEP', theme: 'rh' });
		expect(after.concerned).toEqual([{ organisation_id: secondCommuneId }]);
	});

	it('400 with the rule’s message for bad input, nothing saved', async () => {
		const documentId = await freshDocument();
		const bad: Record<string, string>[] = [
			{ title: '<img src=x>' },
			{ title: 'Titre', dueDate: '2027-02-30' },
			{ title: 'Titre', organisations: foreignOrganisationId }
		];
		for (const values of bad) {
			expect(
				await refused(documentId, () =>
					commands.updateSettings(db, coLead, documentId, form(values))
				)
			).toMatchObject({ status: 400, denied: false });
		}
	});
});

describe('createDocument', () => {
	const valid = () => ({
		title: 'Note du 3 mars',
		kind: 'note',
		template: 'note',
		partner: partner.id
	});
	const documentCount = async () => (await db.selectFrom('document').select('id').execute()).length;

	it('creates the document with its binôme, its first content and its search entry', async () => {
		const result = await commands.createDocument(db, coLead, form(valid()));
		expect(result).toMatchObject({
			ok: true,
			message: 'Document créé.',
			rightsChanged: { users: [], organisations: [] }
		});
		const documentId = result.ok ? result.documentId : '';
		expect((await stored(documentId)).members).toEqual(
			[
				{ user_id: coLead.id, role: 'colead' },
				{ user_id: partner.id, role: 'colead' }
			].sort((a, b) => a.user_id.localeCompare(b.user_id))
		);
		expect(
			await db
				.selectFrom('document_search')
				.select('title')
				.where('document_id', '=', documentId)
				.executeTakeFirst()
		).toEqual({ title: 'Note du 3 mars' });
		expect(
			(
				await db
					.selectFrom('document_update')
					.select('seq')
					.where('document_id', '=', documentId)
					.execute()
			).length
		).toBe(1);
	});

	it('400 with the rule’s message and the field it is about (shown next to it), no document created', async () => {
		for (const [override, message, field] of [
			[{ kind: 'inconnu' }, 'Type de document inconnu.', 'kind'],
			[{ template: 'compte-rendu' }, 'Ce modèle ne correspond pas', 'template'],
			[{ partner: otherEpciUser.id }, 'co-pilote communal', 'partner'],
			[{ partner: foreigner.id }, 'n’appartient pas au territoire', 'partner'],
			[{ title: '' }, 'Indiquez un titre.', 'title'],
			[{ title: 'Note <b>' }, 'ne peut pas contenir', 'title'],
			[{ dueDate: '2027-02-30' }, 'date valide', 'dueDate'],
			[{ summary: 'x'.repeat(1001) }, '1000 caractères', 'summary'],
			[{ organisations: foreignOrganisationId }, 'n’appartient pas au territoire', 'organisations']
		] as const) {
			const before = await documentCount();
			const result = await commands.createDocument(db, coLead, form({ ...valid(), ...override }));
			expect(result).toEqual({
				ok: false,
				status: 400,
				message: expect.stringContaining(message),
				field,
				errors: [{ field, message: expect.stringContaining(message) }],
				denied: false
			});
			expect(await documentCount()).toBe(before);
		}
	});
});

describe('settle: what route actions do with a result', () => {
	it('a refusal by the policy becomes the error page and closes nothing', async () => {
		const documentId = await freshDocument();
		const { hub, closed } = fakeHub();
		await expect(
			settle(hub, commands.removeMember(db, editor, documentId, { userId: reader.id }))
		).rejects.toMatchObject({ status: 403, body: { message: COLEADS_ONLY } });
		await expect(
			settle(hub, commands.removeMember(db, coLead, 'aaaaaaaaaaaaaaaa', { userId: reader.id }))
		).rejects.toMatchObject({ status: 404 });
		expect(closed).toEqual([]);
	});

	it('a refused input comes back for the form; a success closes the sockets of whose rights changed', async () => {
		const documentId = await freshDocument();
		const { hub, closed } = fakeHub();
		expect(
			await settle(hub, commands.removeMember(db, coLead, documentId, { userId: newcomer.id }))
		).toMatchObject({ ok: false, status: 404 });
		expect(closed).toEqual([]);
		expect(
			await settle(hub, commands.removeMember(db, coLead, documentId, { userId: reader.id }))
		).toMatchObject({ ok: true });
		expect(closed).toEqual(userSockets(documentId, reader));
		expect(
			await settle(null, commands.removeMember(db, coLead, documentId, { userId: editor.id }))
		).toMatchObject({ ok: true });
	});
});
