// Access requests: someone of the territory asks the binôme for a part in a document; the
// binôme accepts (granting a role through the member command) or refuses.
import { inTransaction, type Db } from '../../db';
import { isGrantableRole, ROLE_LABELS } from '../../../documents/vocabulary';
import { documentAccess, type Actor } from '../access';
import * as queries from '../queries';
import { hasUnshowable, UNSHOWABLE_MESSAGE } from '../rules';
import { setMember } from './members';
import { coleadsOf, notify } from '../../notifications';
import {
	ACCESS_MESSAGES,
	authorize,
	COLEADS_ONLY,
	done,
	invalid,
	text,
	type CommandResult
} from './result';

export const ACCESS_REQUEST_MESSAGE_MAX_LENGTH = 500;

/**
 * Asks the binôme for access. Only a person of the document's territory who has no access to
 * it may ask: another territory's document does not exist for them (404), and someone who
 * already reads it has nothing to ask (400). Asking again while a request is pending changes
 * nothing. A new request is a notification of the binôme, in the same transaction.
 */
export function requestAccess(
	db: Db,
	actor: Actor,
	documentId: string,
	input: { message: unknown }
): Promise<CommandResult<{ alreadyPending: boolean }>> {
	return inTransaction(db, async (trx) => {
		const access = await documentAccess(trx, actor, documentId);
		if (access.status === 'not_found')
			return { ok: false, status: 404, message: ACCESS_MESSAGES.not_found, denied: true };
		if (access.status === 'granted') return invalid(400, 'Vous avez déjà accès à ce document.');
		const message = text(input.message).trim();
		if (hasUnshowable(message, true)) return invalid(400, UNSHOWABLE_MESSAGE, 'message');
		if (message.length > ACCESS_REQUEST_MESSAGE_MAX_LENGTH)
			return invalid(
				400,
				`Le message ne doit pas dépasser ${ACCESS_REQUEST_MESSAGE_MAX_LENGTH} caractères.`,
				'message'
			);
		const stored = await queries.insertAccessRequest(trx, documentId, actor.id, message);
		// The binôme hears of a new request only: asking again while one is pending is no news.
		if (stored)
			await notify(trx, await coleadsOf(trx, documentId), {
				kind: 'access_request',
				actorId: actor.id,
				documentId,
				excerpt: message
			});
		return {
			...done(
				documentId,
				stored
					? 'Votre demande a été envoyée au binôme de co-pilotes.'
					: 'Votre demande est déjà en attente auprès du binôme de co-pilotes.'
			),
			alreadyPending: !stored
		};
	});
}

/**
 * The binôme answers a pending request. Accepting grants the role the binôme chose, through
 * setMember (same checks, same rights-changed result), in the same transaction.
 */
export function answerAccessRequest(
	db: Db,
	actor: Actor,
	documentId: string,
	input: { requestId: unknown; decision: unknown; role?: unknown }
): Promise<CommandResult> {
	return inTransaction(db, async (trx) => {
		const denied = await authorize(trx, actor, documentId, (a) => a.canManage, COLEADS_ONLY);
		if (denied) return denied;
		const request = await queries.findPendingAccessRequest(trx, documentId, text(input.requestId));
		if (!request) return invalid(404, 'Cette demande n’est plus en attente.', 'requestId');
		const requester = (await queries.listMembers(trx, documentId)).find(
			(m) => m.userId === request.userId
		);
		if (input.decision === 'refuse') {
			await queries.decideAccessRequest(trx, request.id, 'refused', actor.id);
			return done(documentId, 'La demande a été refusée.');
		}
		if (input.decision !== 'accept') return invalid(400, 'Acceptez ou refusez la demande.');
		const { role } = input;
		if (!isGrantableRole(role))
			return invalid(400, 'Choisissez un rôle : rédacteur, annotateur ou lecteur.', 'role');
		// A co-pilote keeps their role: the request is simply settled.
		if (requester?.role === 'colead') {
			await queries.decideAccessRequest(trx, request.id, 'accepted', actor.id);
			return done(documentId, `${requester.displayName} est déjà co-pilote du document.`);
		}
		const granted = await setMember(trx, actor, documentId, { userId: request.userId, role });
		if (!granted.ok) return granted;
		await queries.decideAccessRequest(trx, request.id, 'accepted', actor.id);
		const name = (await queries.listMembers(trx, documentId)).find(
			(m) => m.userId === request.userId
		)!.displayName;
		return {
			...granted,
			message: `${name} participe désormais au document (${ROLE_LABELS[role]}).`
		};
	});
}
