import { error } from '@sveltejs/kit';
import type { SessionUser } from '../auth/session';
import type { Db } from '../db';
import { documentAccess } from './access';

/** For routes: the viewer's access to a document, or the matching HTTP error (404 / 403). */
export async function requireDocumentAccess(db: Db, user: SessionUser, documentId: string) {
	const access = await documentAccess(db, user, documentId);
	if (access.status === 'not_found') error(404, 'Document introuvable.');
	if (access.status === 'forbidden') error(403, 'Vous ne participez pas à ce document. Demandez l’accès à la personne qui l’a créé.');
	return access;
}
