// In-app notifications on a real database: who is notified, the list a user reads, marking read
// — and nobody else's notification can be read or marked.
import { beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../src/lib/server/db';
import { newId } from '../../src/lib/server/ids';
import {
	listNotifications,
	markAllRead,
	markRead,
	notify,
	NOTIFICATIONS_PAGE_SIZE,
	unreadCount
} from '../../src/lib/server/notifications';
import { notificationHref, notificationSentence } from '../../src/lib/notifications/sentences';
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
let actor: TestUser;

beforeAll(async () => {
	({ db } = await freshDb());
	territory = await buildTerritory(db);
	actor = await buildUser(db, territory, territory.epciId, { name: 'Julien Roux' });
});

const rowsOf = (userId: string) =>
	db
		.selectFrom('notification')
		.selectAll()
		.where('user_id', '=', userId)
		.orderBy('created_at')
		.execute();

describe('notify', () => {
	it('skips the actor and duplicates: one row per other recipient', async () => {
		const a = await buildUser(db, territory, territory.communeId);
		const b = await buildUser(db, territory, territory.communeId);
		const notified = await notify(db, [a.id, actor.id, b.id, a.id], {
			kind: 'mention',
			actorId: actor.id,
			excerpt: '  Voir   le\nparagraphe 3. '
		});
		expect(notified.sort()).toEqual([a.id, b.id].sort());
		for (const user of [a, b])
			expect(await rowsOf(user.id)).toEqual([
				expect.objectContaining({
					kind: 'mention',
					actor_id: actor.id,
					excerpt: 'Voir le paragraphe 3.',
					read_at: null,
					// Queued for e-mail at once (the default preference): mail-preferences.test.ts.
					emailed_at: expect.any(Number)
				})
			]);
		expect(await rowsOf(actor.id)).toEqual([]);
		expect(await notify(db, [actor.id], { kind: 'reply', actorId: actor.id })).toEqual([]);
		expect(await rowsOf(actor.id)).toEqual([]);
	});
});

describe('listNotifications', () => {
	it('newest first, with the actor, document and club names; paged by 50', async () => {
		const reader = await buildUser(db, territory, territory.communeId);
		const documentId = await buildDocument(db, actor, [[reader, 'reader']]);
		await db
			.updateTable('document')
			.set({ title: 'Position commune RGPD' })
			.where('id', '=', documentId)
			.execute();
		const clubId = newId();
		await db
			.insertInto('club')
			.values({
				id: clubId,
				territory_id: territory.territoryId,
				name: 'Club RH',
				theme: 'rh',
				description: '',
				created_by: actor.id,
				created_at: Date.now()
			})
			.execute();
		await notify(db, [reader.id], {
			kind: 'access_request',
			actorId: actor.id,
			documentId,
			excerpt: 'Je prépare la commission.'
		});
		await new Promise((resolve) => setTimeout(resolve, 3));
		await notify(db, [reader.id], { kind: 'club_joined', actorId: actor.id, clubId });

		const first = await listNotifications(db, reader.id);
		expect(first).toMatchObject({ total: 2, unread: 2, page: 1, pageCount: 1 });
		expect(first.items).toEqual([
			expect.objectContaining({
				kind: 'club_joined',
				clubId,
				clubName: 'Club RH',
				documentId: null,
				readAt: null
			}),
			expect.objectContaining({
				kind: 'access_request',
				actorName: 'Julien Roux',
				documentId,
				documentTitle: 'Position commune RGPD',
				excerpt: 'Je prépare la commission.',
				createdAt: expect.any(Number)
			})
		]);
		expect(first.items.map(notificationSentence)).toEqual([
			'Vous avez rejoint le Club RH',
			'Julien Roux demande l’accès au document « Position commune RGPD »'
		]);
		expect(first.items.map(notificationHref)).toEqual([
			`/clubs/${clubId}`,
			`/documents/${documentId}`
		]);

		// 50 more, 52 in all: two pages, the second holding the two oldest.
		for (let i = 0; i < NOTIFICATIONS_PAGE_SIZE; i++)
			await notify(db, [reader.id], { kind: 'mention', actorId: actor.id, excerpt: `n° ${i}` });
		const page1 = await listNotifications(db, reader.id, 1);
		const page2 = await listNotifications(db, reader.id, 2);
		expect(page1).toMatchObject({ total: 52, pageCount: 2, page: 1 });
		expect(page1.items).toHaveLength(NOTIFICATIONS_PAGE_SIZE);
		expect(page2.items.map((n) => n.kind)).toEqual(['club_joined', 'access_request']);
		const ids = [...page1.items, ...page2.items].map((n) => n.id);
		expect(new Set(ids).size).toBe(52);
		// A page past the end shows the last one.
		expect((await listNotifications(db, reader.id, 99)).page).toBe(2);
	});
});

describe('an avis', () => {
	it('is told with the verdict of the club’s avis it was notified for, not of a later one', async () => {
		const colead = await buildUser(db, territory, territory.communeId);
		const documentId = await buildDocument(db, colead);
		const clubId = newId();
		await db
			.insertInto('club')
			.values({
				id: clubId,
				territory_id: territory.territoryId,
				name: 'Finances',
				theme: 'finances',
				description: '',
				created_by: actor.id,
				created_at: Date.now()
			})
			.execute();
		const versionId = newId();
		await db
			.insertInto('document_version')
			.values({
				id: versionId,
				document_id: documentId,
				seq: 1,
				from_seq: 0,
				kind: 'named',
				name: 'v1',
				comment: null,
				created_by: colead.id,
				created_at: Date.now(),
				updates: 0,
				chars_added: 0,
				chars_removed: 0,
				restored_from: null,
				changes: null
			})
			.execute();
		const issue = async (verdict: 'reserves' | 'defavorable', at: number) => {
			await db
				.insertInto('club_avis')
				.values({
					id: newId(),
					document_id: documentId,
					club_id: clubId,
					version_id: versionId,
					verdict,
					body: 'Motifs',
					issued_by: actor.id,
					issued_at: at
				})
				.execute();
			await db
				.insertInto('notification')
				.values({
					id: newId(),
					user_id: colead.id,
					kind: 'avis',
					actor_id: actor.id,
					document_id: documentId,
					thread_id: null,
					club_id: clubId,
					excerpt: 'Motifs',
					created_at: at,
					read_at: null,
					emailed_at: null
				})
				.execute();
		};
		await issue('reserves', 1_000);
		await issue('defavorable', 2_000);
		const { items } = await listNotifications(db, colead.id);
		expect(items.map((n) => [n.verdict, notificationSentence(n)])).toEqual([
			['defavorable', 'Avis du club « Finances » sur « Document de test » : défavorable'],
			['reserves', 'Avis du club « Finances » sur « Document de test » : favorable avec réserves']
		]);
	});
});

describe('sentences and links', () => {
	const facts = {
		actorName: 'Julien Roux',
		documentTitle: 'Note',
		clubName: 'Club RH',
		verdict: null
	};
	const link = { documentId: 'd', threadId: 't', clubId: 'c' };
	it('one French sentence per kind; threads open on the document at their fil', () => {
		expect(
			(
				[
					'thread_created',
					'reply',
					'thread_resolved',
					'thread_reopened',
					'mention',
					'avis',
					'access_request',
					'club_join_request',
					'club_joined'
				] as const
			).map((kind) => [
				notificationSentence({ ...facts, kind }),
				notificationHref({ ...link, kind })
			])
		).toEqual([
			[
				'Julien Roux a ouvert un fil de commentaires au nom du Club RH sur « Note »',
				'/documents/d?fil=t'
			],
			['Julien Roux a répondu dans un fil de commentaires sur « Note »', '/documents/d?fil=t'],
			['Julien Roux a résolu un fil de commentaires sur « Note »', '/documents/d?fil=t'],
			['Julien Roux a rouvert un fil de commentaires sur « Note »', '/documents/d?fil=t'],
			['Julien Roux vous a mentionné dans un commentaire sur « Note »', '/documents/d?fil=t'],
			['Avis du Club RH sur « Note »', '/documents/d'],
			['Julien Roux demande l’accès au document « Note »', '/documents/d'],
			['Julien Roux demande à rejoindre le Club RH', '/clubs/c'],
			['Vous avez rejoint le Club RH', '/clubs/c']
		]);
		expect(
			notificationSentence({ ...facts, kind: 'thread_created', clubName: null, actorName: null })
		).toBe('Quelqu’un a ouvert un fil de commentaires sur « Note »');
	});
});

describe('markRead and markAllRead', () => {
	it('marks one of the user’s own, keeps the first reading, and says where it leads', async () => {
		const user = await buildUser(db, territory, territory.communeId);
		await notify(db, [user.id], { kind: 'mention', actorId: actor.id });
		await notify(db, [user.id], { kind: 'reply', actorId: actor.id });
		const [one, two] = await rowsOf(user.id);
		expect(await unreadCount(db, user.id)).toBe(2);
		expect(await markRead(db, user.id, one.id)).toEqual({
			kind: 'mention',
			documentId: null,
			threadId: null,
			clubId: null
		});
		expect(await unreadCount(db, user.id)).toBe(1);
		const firstReading = (await rowsOf(user.id))[0].read_at;
		expect(Number(firstReading)).toBeGreaterThan(0);
		await new Promise((resolve) => setTimeout(resolve, 3));
		await markRead(db, user.id, one.id);
		expect((await rowsOf(user.id))[0].read_at).toEqual(firstReading);
		expect(await markAllRead(db, user.id)).toBe(1);
		expect(await unreadCount(db, user.id)).toBe(0);
		expect((await rowsOf(user.id)).find((r) => r.id === two.id)?.read_at).not.toBeNull();
		expect(await markAllRead(db, user.id)).toBe(0);
	});

	it('someone else’s notification: refused (null) and unchanged; markAllRead touches only one’s own', async () => {
		const owner = await buildUser(db, territory, territory.communeId);
		const intruder = await buildUser(db, territory, territory.communeId);
		await notify(db, [owner.id, intruder.id], { kind: 'reply', actorId: actor.id });
		const [theirs] = await rowsOf(owner.id);
		expect(await markRead(db, intruder.id, theirs.id)).toBeNull();
		expect(await markRead(db, intruder.id, 'aaaaaaaaaaaaaaaa')).toBeNull();
		expect(await markAllRead(db, intruder.id)).toBe(1);
		expect(await rowsOf(owner.id)).toEqual([theirs]);
		expect(await unreadCount(db, owner.id)).toBe(1);
	});
});
