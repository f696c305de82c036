// Access requests: who may ask, who answers, and what accepting grants — on a real database.
import { beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../src/lib/server/db';
import { commands, listMembers } from '../../src/lib/server/documents';
import {
	listPendingAccessRequests,
	pendingAccessRequestOf
} from '../../src/lib/server/documents/queries';
import { freshDb } from '../helpers/db';
import {
	buildRoleCast,
	buildTerritory,
	buildUser,
	type TestTerritory,
	type TestUser
} from '../helpers/factories';

let db: Db;
let territory: TestTerritory;
let cast: Awaited<ReturnType<typeof buildRoleCast>>;
let foreigner: TestUser;

beforeAll(async () => {
	({ db } = await freshDb());
	territory = await buildTerritory(db);
	cast = await buildRoleCast(db, territory);
	const elsewhere = await buildTerritory(db);
	foreigner = await buildUser(db, elsewhere, elsewhere.communeId);
});

const requestRows = (documentId: string) =>
	db
		.selectFrom('document_access_request')
		.select(['user_id', 'message', 'status', 'decided_by'])
		.where('document_id', '=', documentId)
		.orderBy('created_at')
		.execute();

/** The access-request notifications of a document, as (recipient, actor, excerpt). */
const requestNotifications = (documentId: string) =>
	db
		.selectFrom('notification')
		.select(['user_id', 'actor_id', 'excerpt', 'read_at'])
		.where('document_id', '=', documentId)
		.where('kind', '=', 'access_request')
		.execute();

const roleOf = async (documentId: string, user: TestUser) =>
	(await listMembers(db, documentId)).find((m) => m.userId === user.id)?.role ?? null;

describe('requestAccess', () => {
	it('someone of the territory who does not take part asks once; asking again changes nothing', async () => {
		const asker = await buildUser(db, territory, territory.communeId, { name: 'Aline Demande' });
		const { documentId } = cast;
		const first = await commands.requestAccess(db, asker, documentId, {
			message: '  Je prépare la commission RH.  '
		});
		expect(first).toMatchObject({
			ok: true,
			message: 'Votre demande a été envoyée au binôme de co-pilotes.',
			alreadyPending: false,
			rightsChanged: { users: [], organisations: [] }
		});
		// The binôme, and only the binôme, hears of it.
		const notified = [cast.coLead.id, cast.partner.id].sort();
		const told = (await requestNotifications(documentId)).filter((n) => n.actor_id === asker.id);
		expect(told.map((n) => n.user_id).sort()).toEqual(notified);
		expect(told).toEqual(
			told.map((n) => ({ ...n, excerpt: 'Je prépare la commission RH.', read_at: null }))
		);
		const again = await commands.requestAccess(db, asker, documentId, { message: 'Relance' });
		expect(again).toMatchObject({ ok: true, alreadyPending: true });
		// Asking again while pending is no news.
		expect(
			(await requestNotifications(documentId)).filter((n) => n.actor_id === asker.id)
		).toHaveLength(2);
		expect(await requestRows(documentId)).toEqual([
			{
				user_id: asker.id,
				message: 'Je prépare la commission RH.',
				status: 'pending',
				decided_by: null
			}
		]);
		expect(await pendingAccessRequestOf(db, documentId, asker.id)).toEqual(expect.any(Number));
		expect(await listPendingAccessRequests(db, documentId)).toEqual([
			expect.objectContaining({
				userId: asker.id,
				displayName: 'Aline Demande',
				organisationName: 'Commune Test',
				message: 'Je prépare la commission RH.'
			})
		]);
	});

	it('two requests at the same instant make one', async () => {
		const asker = await buildUser(db, territory, territory.epciId);
		const { documentId } = cast;
		const results = await Promise.all(
			[1, 2, 3].map(() => commands.requestAccess(db, asker, documentId, { message: '' }))
		);
		expect(results.every((r) => r.ok)).toBe(true);
		expect((await requestRows(documentId)).filter((r) => r.user_id === asker.id)).toHaveLength(1);
		expect(
			(await requestNotifications(documentId)).filter((n) => n.actor_id === asker.id)
		).toHaveLength(2);
	});

	it('refused: participants and the direction already have access (400), another territory gets 404, a message over 500 characters (400); nothing stored', async () => {
		const { documentId, editor, reader, coLead, direction } = cast;
		const before = await requestRows(documentId);
		const notificationsBefore = await requestNotifications(documentId);
		for (const actor of [coLead, editor, reader, direction])
			expect(await commands.requestAccess(db, actor, documentId, { message: '' })).toEqual({
				ok: false,
				status: 400,
				message: 'Vous avez déjà accès à ce document.',
				denied: false
			});
		expect(await commands.requestAccess(db, foreigner, documentId, { message: '' })).toEqual({
			ok: false,
			status: 404,
			message: 'Document introuvable.',
			denied: true
		});
		expect(
			await commands.requestAccess(db, cast.coLead, 'aaaaaaaaaaaaaaaa', { message: '' })
		).toMatchObject({ status: 404 });
		const asker = await buildUser(db, territory, territory.communeId);
		expect(
			await commands.requestAccess(db, asker, documentId, { message: 'x'.repeat(501) })
		).toEqual({
			ok: false,
			status: 400,
			message: 'Le message ne doit pas dépasser 500 caractères.',
			field: 'message',
			denied: false
		});
		expect(await requestRows(documentId)).toEqual(before);
		expect(await requestNotifications(documentId)).toEqual(notificationsBefore);
	});
});

describe('answerAccessRequest', () => {
	async function pendingRequest(documentId: string) {
		const asker = await buildUser(db, territory, territory.communeId, { name: 'Bruno Attente' });
		await commands.requestAccess(db, asker, documentId, { message: '' });
		const [request] = (await listPendingAccessRequests(db, documentId)).filter(
			(r) => r.userId === asker.id
		);
		return { asker, requestId: request.id };
	}

	it('only the binôme answers: 403 for rédacteurs, readers, the direction and the asker, 404 elsewhere; nothing changes', async () => {
		const { documentId, editor, reader, direction } = cast;
		const { asker, requestId } = await pendingRequest(documentId);
		for (const actor of [editor, reader, direction, asker])
			expect(
				await commands.answerAccessRequest(db, actor, documentId, {
					requestId,
					decision: 'accept',
					role: 'editor'
				})
			).toMatchObject({ ok: false, status: 403, denied: true });
		expect(
			await commands.answerAccessRequest(db, foreigner, documentId, {
				requestId,
				decision: 'accept',
				role: 'editor'
			})
		).toMatchObject({ ok: false, status: 404, denied: true });
		expect(await roleOf(documentId, asker)).toBeNull();
		expect(await pendingAccessRequestOf(db, documentId, asker.id)).not.toBeNull();
	});

	it('accepting grants the role the binôme chose, through the member logic, and settles the request', async () => {
		const { documentId, partner } = cast;
		const { asker, requestId } = await pendingRequest(documentId);
		expect(
			await commands.answerAccessRequest(db, partner, documentId, {
				requestId,
				decision: 'accept',
				role: 'colead'
			})
		).toMatchObject({ ok: false, status: 400, field: 'role' });
		const accepted = await commands.answerAccessRequest(db, partner, documentId, {
			requestId,
			decision: 'accept',
			role: 'annotator'
		});
		expect(accepted).toMatchObject({
			ok: true,
			message: 'Bruno Attente participe désormais au document (Annotateur).'
		});
		expect(await roleOf(documentId, asker)).toBe('annotator');
		expect((await requestRows(documentId)).find((r) => r.user_id === asker.id)).toEqual({
			user_id: asker.id,
			message: '',
			status: 'accepted',
			decided_by: partner.id
		});
		// Settled: answering again is refused, and the asker now has access.
		expect(
			await commands.answerAccessRequest(db, partner, documentId, {
				requestId,
				decision: 'refuse'
			})
		).toMatchObject({ ok: false, status: 404, message: 'Cette demande n’est plus en attente.' });
		expect(await commands.requestAccess(db, asker, documentId, { message: '' })).toMatchObject({
			ok: false,
			status: 400
		});
	});

	it('refusing grants nothing; the person may ask again later', async () => {
		const { documentId, coLead } = cast;
		const { asker, requestId } = await pendingRequest(documentId);
		expect(
			await commands.answerAccessRequest(db, coLead, documentId, { requestId, decision: 'refuse' })
		).toMatchObject({ ok: true, message: 'La demande a été refusée.' });
		expect(await roleOf(documentId, asker)).toBeNull();
		expect(await pendingAccessRequestOf(db, documentId, asker.id)).toBeNull();
		expect(
			await commands.requestAccess(db, asker, documentId, { message: 'Seconde demande' })
		).toMatchObject({ ok: true, alreadyPending: false });
	});
});
