// Open comment threads posted au nom d'un club, counted per club over the documents a viewer
// may read (the dashboard's « Commentaires ouverts par club »).
import type { Db } from '../db';
import { documentsWithViewerRoles, effectiveRole, type Actor } from './access';

export interface ClubOpenThreads {
	clubId: string;
	clubName: string;
	/** Open threads posted on behalf of the club. */
	openThreads: number;
	/** On how many documents. */
	documents: number;
}

/**
 * Per club of the viewer's territory with at least one open thread on a document the viewer
 * may read: how many, on how many documents; by club name.
 */
export async function openThreadsByClub(db: Db, viewer: Actor): Promise<ClubOpenThreads[]> {
	// One row per open club thread, with the viewer's roles on its document: the read right is
	// decided by effectiveRole, the policy's own function, not by a copy of it in SQL.
	const rows = await documentsWithViewerRoles(db, viewer)
		.innerJoin('comment_thread', 'comment_thread.document_id', 'document.id')
		.innerJoin('club', 'club.id', 'comment_thread.club_id')
		.select(['document.id as documentId', 'club.id as clubId', 'club.name as clubName'])
		.where('document.territory_id', '=', viewer.territoryId)
		.where('club.territory_id', '=', viewer.territoryId)
		.where('comment_thread.status', '=', 'open')
		.execute();
	const clubs = new Map<string, { clubName: string; openThreads: number; docs: Set<string> }>();
	for (const row of rows) {
		if (!effectiveRole(viewer, row)) continue;
		let club = clubs.get(row.clubId);
		if (!club)
			clubs.set(row.clubId, (club = { clubName: row.clubName, openThreads: 0, docs: new Set() }));
		club.openThreads++;
		club.docs.add(row.documentId);
	}
	return [...clubs]
		.map(([clubId, c]) => ({
			clubId,
			clubName: c.clubName,
			openThreads: c.openThreads,
			documents: c.docs.size
		}))
		.sort((a, b) => a.clubName.localeCompare(b.clubName, 'fr'));
}
