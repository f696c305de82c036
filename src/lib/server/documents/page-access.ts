// The route side of documents: the policy and the commands' results as SvelteKit answers.
import { error } from '@sveltejs/kit';
import type { SessionUser } from '../auth/session';
import type { Db } from '../db';
import { documentAccess } from './access';
import { epciFirst, getDocument, listMembers, pendingAccessRequestOf } from './queries';
import {
	ACCESS_MESSAGES,
	closeRightsChanged,
	type CommandFailure,
	type CommandResult,
	type CommandSuccess,
	type RightsHub
} from './commands/result';

/**
 * For routes: the viewer's access to a document, or the matching HTTP error (404 / 403). The
 * 403 names the binôme to ask and whether a request is pending — the title and the co-pilotes
 * are what the dashboard already shows to the whole territory, nothing more.
 */
export async function requireDocumentAccess(db: Db, user: SessionUser, documentId: string) {
	const access = await documentAccess(db, user, documentId);
	if (access.status === 'forbidden') error(403, await forbiddenDetails(db, user, documentId));
	if (access.status !== 'granted') error(404, ACCESS_MESSAGES[access.status]);
	return access;
}

/** What a person of the territory without access may know of a document: whom to ask. */
export async function forbiddenDetails(
	db: Db,
	user: SessionUser,
	documentId: string
): Promise<App.Error> {
	const [document, members, requestedAt] = await Promise.all([
		getDocument(db, documentId),
		listMembers(db, documentId),
		pendingAccessRequestOf(db, documentId, user.id)
	]);
	return {
		message: ACCESS_MESSAGES.forbidden,
		accessRequest: {
			documentId,
			title: document?.title ?? '',
			binome: members
				.filter((m) => m.role === 'colead')
				.sort(epciFirst)
				.map((m) => ({ name: m.displayName, organisation: m.organisationName })),
			requestedAt
		}
	};
}

/**
 * Every route action hands its command's result here, so none can forget what follows: a
 * refusal by the access policy becomes the error page (404 / 403), a success closes the
 * sockets of everyone whose rights changed. What remains is a success or a refused input,
 * for the action to show beside its form.
 */
export async function settle<T extends object>(
	hub: RightsHub | null,
	pending: Promise<CommandResult<T>>
): Promise<CommandSuccess<T> | CommandFailure> {
	const result = await pending;
	if (!result.ok) {
		if (result.denied) error(result.status, result.message);
		return result;
	}
	closeRightsChanged(hub, result.documentId, result.rightsChanged);
	return result;
}
