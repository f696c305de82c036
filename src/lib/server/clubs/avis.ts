// A club's formal avis on a version of a document: issued by an animateur of a club invited to
// the document, kept with that version (thinning keeps such versions: documents/versions.ts),
// never edited. A later avis of the same club supersedes it; both stay.
import { inTransaction, type Db } from '../db';
import type { Actor } from '../documents/access';
import { hasUnshowable, isBlank, UNSHOWABLE_MESSAGE } from '../documents/rules';
import { authorize, done, invalid, text, type CommandResult } from '../documents/commands/result';
import { UNKNOWN_VERSION } from '../documents/commands/versions';
import { coleadsOf, notify } from '../notifications';
import { newId } from '../ids';
import {
	AVIS_MAX_LENGTH,
	AVIS_VERDICTS,
	isAvisVerdict,
	type AvisVerdict
} from '../../clubs/vocabulary';

export const AVIS_ANIMATEURS_ONLY =
	'Seul un animateur d’un club invité sur ce document émet l’avis du club.';

export interface Avis {
	id: string;
	clubId: string;
	clubName: string;
	versionId: string;
	version: { name: string | null; kind: 'auto' | 'named' | 'restore'; createdAt: number };
	verdict: AvisVerdict;
	body: string;
	issuedBy: string;
	issuerName: string;
	issuedAt: number;
	/** A later avis of the same club replaced it. */
	superseded: boolean;
}

/** The clubs invited to the document that `userId` animates: those they may issue an avis for. */
export async function avisClubsOf(db: Db, userId: string, documentId: string) {
	return db
		.selectFrom('document_club')
		.innerJoin('club', 'club.id', 'document_club.club_id')
		.innerJoin('club_member', 'club_member.club_id', 'club.id')
		.select(['club.id', 'club.name'])
		.where('document_club.document_id', '=', documentId)
		.where('club_member.user_id', '=', userId)
		.where('club_member.role', '=', 'animateur')
		.orderBy('club.name')
		.execute();
}

/** Every avis on the document, latest first, each marked when superseded. */
export async function listAvis(db: Db, documentId: string): Promise<Avis[]> {
	const rows = await db
		.selectFrom('club_avis')
		.innerJoin('club', 'club.id', 'club_avis.club_id')
		.innerJoin('app_user', 'app_user.id', 'club_avis.issued_by')
		.innerJoin('document_version', 'document_version.id', 'club_avis.version_id')
		.select([
			'club_avis.id',
			'club_avis.club_id as clubId',
			'club.name as clubName',
			'club_avis.version_id as versionId',
			'document_version.name as versionName',
			'document_version.kind as versionKind',
			'document_version.created_at as versionCreatedAt',
			'club_avis.verdict',
			'club_avis.body',
			'club_avis.issued_by as issuedBy',
			'app_user.display_name as issuerName',
			'club_avis.issued_at as issuedAt'
		])
		.where('club_avis.document_id', '=', documentId)
		.orderBy('club_avis.issued_at', 'desc')
		.orderBy('club_avis.id', 'desc')
		.execute();
	const seen = new Set<string>();
	return rows.map(({ versionName, versionKind, versionCreatedAt, ...row }) => {
		const superseded = seen.has(row.clubId);
		seen.add(row.clubId);
		return {
			...row,
			version: { name: versionName, kind: versionKind, createdAt: versionCreatedAt },
			superseded
		};
	});
}

/**
 * Issues the avis of `clubId` on a version. The issuer must read the document (the policy, as
 * every command), animate that club, and the club must be invited to the document. The
 * co-pilotes are notified.
 */
export function issueAvis(
	db: Db,
	actor: Actor,
	documentId: string,
	input: { versionId: unknown; clubId: unknown; verdict: unknown; body: unknown }
): Promise<CommandResult<{ avisId: string }>> {
	return inTransaction(db, async (trx) => {
		const refused = await authorize(trx, actor, documentId, () => true, AVIS_ANIMATEURS_ONLY);
		if (refused) return refused;
		const version = await trx
			.selectFrom('document_version')
			.select('id')
			.where('id', '=', text(input.versionId))
			.where('document_id', '=', documentId)
			.executeTakeFirst();
		if (!version) return invalid(404, UNKNOWN_VERSION, 'versionId');
		const clubs = await avisClubsOf(trx, actor.id, documentId);
		const club =
			clubs.find((c) => c.id === text(input.clubId)) ??
			(clubs.length === 1 && !text(input.clubId) ? clubs[0] : undefined);
		if (!club) return { ok: false, status: 403, message: AVIS_ANIMATEURS_ONLY, denied: true };
		const { verdict } = input;
		if (!isAvisVerdict(verdict))
			return invalid(
				400,
				'Choisissez l’avis : favorable, favorable avec réserves ou défavorable.',
				'verdict'
			);
		const body = text(input.body).trim();
		if (isBlank(body)) return invalid(400, 'Motivez l’avis du club.', 'body');
		if (hasUnshowable(body, true)) return invalid(400, UNSHOWABLE_MESSAGE, 'body');
		if (body.length > AVIS_MAX_LENGTH)
			return invalid(400, `L’avis ne doit pas dépasser ${AVIS_MAX_LENGTH} caractères.`, 'body');
		// Superseding follows the time of issue: a later avis of the club gets a later time even
		// within the same millisecond, so « remplacé » never depends on id order.
		const last = await trx
			.selectFrom('club_avis')
			.select((eb) => eb.fn.max('issued_at').as('at'))
			.where('document_id', '=', documentId)
			.where('club_id', '=', club.id)
			.executeTakeFirst();
		const issuedAt = Math.max(Date.now(), Number(last?.at ?? 0) + 1);
		const avisId = newId();
		await trx
			.insertInto('club_avis')
			.values({
				id: avisId,
				document_id: documentId,
				club_id: club.id,
				version_id: version.id,
				verdict,
				body,
				issued_by: actor.id,
				issued_at: issuedAt
			})
			.execute();
		await notify(trx, await coleadsOf(trx, documentId), {
			kind: 'avis',
			actorId: actor.id,
			documentId,
			clubId: club.id,
			excerpt: `${club.name} : ${AVIS_VERDICTS[verdict]} — ${body}`
		});
		return {
			...done(
				documentId,
				`L’avis du club « ${club.name} » a été émis (${AVIS_VERDICTS[verdict].toLowerCase()}).`
			),
			avisId
		};
	});
}
