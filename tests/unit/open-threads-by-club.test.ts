// The dashboard's « Commentaires ouverts par club »: open threads posted au nom d'un club,
// counted over the documents the viewer may read — through the one access policy.
import { beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../src/lib/server/db';
import { newId } from '../../src/lib/server/ids';
import { openThreadsByClub } from '../../src/lib/server/documents/open-threads';
import { freshDb } from '../helpers/db';
import {
	buildDocument,
	buildRoleCast,
	buildTerritory,
	buildUser,
	type TestTerritory,
	type TestUser
} from '../helpers/factories';

let db: Db;
let territory: TestTerritory;
let cast: Awaited<ReturnType<typeof buildRoleCast>>;
let clubMember: TestUser;
let rh: string;
let finances: string;

async function buildClub(t: TestTerritory, name: string): Promise<string> {
	const id = newId();
	await db
		.insertInto('club')
		.values({
			id,
			territory_id: t.territoryId,
			name,
			theme: '',
			description: '',
			created_by: null,
			created_at: Date.now()
		})
		.execute();
	return id;
}

async function thread(
	documentId: string,
	author: TestUser,
	clubId: string | null,
	status: 'open' | 'resolved' = 'open'
) {
	const now = Date.now();
	await db
		.insertInto('comment_thread')
		.values({
			id: newId(),
			document_id: documentId,
			author_id: author.id,
			club_id: clubId,
			anchor_start: new Uint8Array([0]),
			anchor_end: new Uint8Array([0]),
			quote: 'passage',
			status,
			resolved_by: status === 'resolved' ? author.id : null,
			resolved_at: status === 'resolved' ? now : null,
			created_at: now,
			updated_at: now
		})
		.execute();
}

beforeAll(async () => {
	({ db } = await freshDb());
	territory = await buildTerritory(db);
	cast = await buildRoleCast(db, territory);
	rh = await buildClub(territory, 'Club RH');
	finances = await buildClub(territory, 'Club finances');
	const { documentId, annotator } = cast;
	await thread(documentId, annotator, rh);
	await thread(documentId, annotator, rh);
	await thread(documentId, annotator, rh, 'resolved');
	await thread(documentId, annotator, finances);
	await thread(documentId, annotator, null);

	// A document that only the club RH's members (and the direction) read.
	clubMember = await buildUser(db, territory, territory.communeId);
	const otherLead = await buildUser(db, territory, territory.epciId);
	const invited = await buildDocument(db, otherLead);
	await db
		.insertInto('club_member')
		.values({ club_id: rh, user_id: clubMember.id, role: 'membre', added_by: null, added_at: 0 })
		.execute();
	await db
		.insertInto('document_club')
		.values({ document_id: invited, club_id: rh, invited_by: otherLead.id, invited_at: 0 })
		.execute();
	await thread(invited, clubMember, rh);

	// Another territory's club and document never count.
	const elsewhere = await buildTerritory(db);
	const foreignLead = await buildUser(db, elsewhere, elsewhere.epciId);
	const foreignDoc = await buildDocument(db, foreignLead);
	await thread(foreignDoc, foreignLead, await buildClub(elsewhere, 'Club RH voisin'));
});

describe('openThreadsByClub', () => {
	it('counts open club threads on the documents each viewer reads, by club name', async () => {
		for (const viewer of [cast.coLead, cast.editor, cast.annotator, cast.reader])
			expect(await openThreadsByClub(db, viewer)).toEqual([
				{ clubId: finances, clubName: 'Club finances', openThreads: 1, documents: 1 },
				{ clubId: rh, clubName: 'Club RH', openThreads: 2, documents: 1 }
			]);
		// The direction reads every document of its territory, the club's invited one too.
		expect(await openThreadsByClub(db, cast.direction)).toEqual([
			{ clubId: finances, clubName: 'Club finances', openThreads: 1, documents: 1 },
			{ clubId: rh, clubName: 'Club RH', openThreads: 3, documents: 2 }
		]);
	});

	it('nothing for someone who reads none of them; a club member sees the invited document while a member', async () => {
		expect(await openThreadsByClub(db, cast.outsider)).toEqual([]);
		expect(await openThreadsByClub(db, clubMember)).toEqual([
			{ clubId: rh, clubName: 'Club RH', openThreads: 1, documents: 1 }
		]);
		await db
			.deleteFrom('club_member')
			.where('club_id', '=', rh)
			.where('user_id', '=', clubMember.id)
			.execute();
		expect(await openThreadsByClub(db, clubMember)).toEqual([]);
	});
});
