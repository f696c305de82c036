// A club's avis (issue 12): issued by an animateur of an invited club on a version, never
// edited, superseded by the next one (both kept), and the version it was issued on is never
// thinned away.
import { beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../src/lib/server/db';
import {
	addClubMember,
	createClub,
	inviteClub,
	issueAvis,
	listAvis
} from '../../src/lib/server/clubs';
import { listVersions, recordVersion, thinVersions } from '../../src/lib/server/documents/versions';
import { appendUpdates } from '../../src/lib/server/documents/journal';
import { freshDb } from '../helpers/db';
import { bodyUpdate } from '../helpers/content';
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
let coLead: TestUser;
let animateur: TestUser;
let member: TestUser;
let foreigner: TestUser;
let clubId: string;
let otherClubId: string;

beforeAll(async () => {
	({ db } = await freshDb());
	territory = await buildTerritory(db);
	admin = await buildUser(db, territory, territory.epciId, { role: 'admin' });
	coLead = await buildUser(db, territory, territory.epciId, { name: 'Claire Co-pilote' });
	animateur = await buildUser(db, territory, territory.communeId, { name: 'Anne Animatrice' });
	member = await buildUser(db, territory, territory.communeId);
	const elsewhere = await buildTerritory(db);
	foreigner = await buildUser(db, elsewhere, elsewhere.communeId);
	const club = await createClub(db, admin, {
		name: 'Club RH',
		theme: 'rh',
		description: '',
		animateurs: [animateur.id]
	});
	const other = await createClub(db, admin, {
		name: 'Club finances',
		theme: 'finances',
		description: '',
		animateurs: [animateur.id]
	});
	if (!club.ok || !other.ok) throw new Error('clubs not created');
	clubId = club.clubId;
	otherClubId = other.clubId;
	await addClubMember(db, animateur, clubId, { userId: member.id });
});

async function documentWithVersion() {
	const documentId = await buildDocument(db, coLead, [], 'Texte soumis aux clubs.');
	const version = await recordVersion(db, documentId, { kind: 'named', name: 'Pour avis' });
	return { documentId, versionId: version!.id };
}

const avis = (versionId: string, more: Record<string, unknown> = {}) => ({
	versionId,
	clubId,
	verdict: 'reserves',
	body: 'Favorable sous réserve de préciser le coût pour les petites communes.',
	...more
});

describe('a club’s avis', () => {
	it('only an animateur of an invited club issues it; the co-pilotes are notified', async () => {
		const { documentId, versionId } = await documentWithVersion();
		// Not invited yet: the animateur cannot even read the document.
		expect(await issueAvis(db, animateur, documentId, avis(versionId))).toMatchObject({
			ok: false,
			status: 403
		});
		await inviteClub(db, coLead, documentId, { clubId });
		// A plain member reads (annotator) but does not speak for the club.
		expect(await issueAvis(db, member, documentId, avis(versionId))).toMatchObject({
			ok: false,
			status: 403,
			denied: true
		});
		// The co-pilote does not animate the club either.
		expect(await issueAvis(db, coLead, documentId, avis(versionId))).toMatchObject({
			ok: false,
			status: 403
		});
		// A club the animateur animates but that is not invited.
		expect(
			await issueAvis(db, animateur, documentId, avis(versionId, { clubId: otherClubId }))
		).toMatchObject({ ok: false, status: 403 });
		expect(await issueAvis(db, foreigner, documentId, avis(versionId))).toMatchObject({
			ok: false,
			status: 404
		});
		const issued = await issueAvis(db, animateur, documentId, avis(versionId));
		expect(issued).toMatchObject({ ok: true });
		const notified = await db
			.selectFrom('notification')
			.selectAll()
			.where('kind', '=', 'avis')
			.where('document_id', '=', documentId)
			.execute();
		expect(new Set(notified.map((n) => n.user_id)).has(coLead.id)).toBe(true);
		expect(notified.some((n) => n.user_id === animateur.id)).toBe(false);
		expect(notified[0]).toMatchObject({ club_id: clubId });
		expect(notified[0].excerpt).toMatch(/^Club RH : Favorable avec réserves — Favorable sous/);
	});

	it('refuses a bad verdict, an empty, invisible-character or too long text, and a version of another document', async () => {
		const { documentId, versionId } = await documentWithVersion();
		const other = await documentWithVersion();
		await inviteClub(db, coLead, documentId, { clubId });
		const cases: [Record<string, unknown>, string, number][] = [
			[{ verdict: 'mitigé' }, 'verdict', 400],
			[{ verdict: undefined }, 'verdict', 400],
			[{ body: '  \u200b ' }, 'body', 400],
			[{ body: 'x'.repeat(5001) }, 'body', 400],
			[{ body: 'Avis\u202e inversé' }, 'body', 400],
			[{ versionId: other.versionId }, 'versionId', 404]
		];
		for (const [change, field, status] of cases)
			expect(await issueAvis(db, animateur, documentId, avis(versionId, change))).toMatchObject({
				ok: false,
				status,
				field
			});
		expect(await listAvis(db, documentId)).toEqual([]);
		// Exactly the limit is accepted, line breaks included.
		expect(
			await issueAvis(db, animateur, documentId, avis(versionId, { body: 'a\n'.repeat(2500) }))
		).toMatchObject({ ok: true });
	});

	it('a new avis of the same club supersedes the previous one; both are kept', async () => {
		const { documentId, versionId } = await documentWithVersion();
		await inviteClub(db, coLead, documentId, { clubId });
		await issueAvis(db, animateur, documentId, avis(versionId, { verdict: 'defavorable' }));
		const later = await recordVersion(db, documentId, { kind: 'named', name: 'Corrigée' });
		await issueAvis(db, animateur, documentId, avis(later!.id, { verdict: 'favorable' }));
		const list = await listAvis(db, documentId);
		expect(list.map((a) => [a.verdict, a.superseded, a.version.name])).toEqual([
			['favorable', false, 'Corrigée'],
			['defavorable', true, 'Pour avis']
		]);
		expect(list[0]).toMatchObject({ clubName: 'Club RH', issuerName: 'Anne Animatrice' });
	});
});

describe('thinning', () => {
	it('keeps an automatic version a club gave its avis on', async () => {
		const documentId = await buildDocument(db, coLead, [], '');
		await inviteClub(db, coLead, documentId, { clubId });
		const HOUR = 60 * 60 * 1000;
		const start = Date.UTC(2026, 10, 1, 9);
		let seq = (
			await db
				.selectFrom('document_update')
				.select('seq')
				.where('document_id', '=', documentId)
				.execute()
		).length;
		const ids: string[] = [];
		for (let i = 0; i < 4; i++) {
			seq = await appendUpdates(db, documentId, seq, [
				{ userId: coLead.id, data: bodyUpdate(`Version ${i}`) }
			]);
			const v = await recordVersion(db, documentId, { kind: 'auto', now: start + i * 60_000 });
			ids.push(v!.id);
		}
		await issueAvis(db, animateur, documentId, avis(ids[1]));
		// Two days later, three of the four share an hour with a later one: only the last of the
		// hour would be kept — and the one with the avis.
		const thinned = await thinVersions(db, documentId, start + 2 * 24 * HOUR);
		const left = new Set((await listVersions(db, documentId)).map((v) => v.id));
		expect(thinned).toBe(2);
		expect(left.has(ids[1])).toBe(true);
		expect(left.has(ids[3])).toBe(true);
		expect((await listAvis(db, documentId))[0].versionId).toBe(ids[1]);
	});
});
