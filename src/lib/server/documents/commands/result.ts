// What the document commands share: the result they return, the policy check they start with,
// and the one place where a result reaches open editors.
import type { Db } from '../../db';
import type { CollabHub } from '../../runtime';
import { CloseCode } from '../../../collab/protocol';
import { documentAccess, type Actor, type Granted } from '../access';
import type { FieldError } from '../rules';

/** Users and organisations whose role on the document changed (up or down, or removed). */
export interface RightsChanged {
	users: string[];
	organisations: string[];
}

export type CommandSuccess<T extends object = object> = {
	ok: true;
	message: string;
	documentId: string;
	rightsChanged: RightsChanged;
} & T;

export interface CommandFailure {
	ok: false;
	status: 400 | 403 | 404 | 503;
	message: string;
	/** The form field the message is about, when there is one. */
	field?: string;
	/** Every field in error, when a form was refused as a whole (the first is `message`/`field`). */
	errors?: FieldError[];
	/**
	 * Refused by the access policy (unknown document, no part in it, not allowed to do this):
	 * pages answer with their error page; other refusals are shown beside the form.
	 */
	denied: boolean;
}

export type CommandResult<T extends object = object> = CommandSuccess<T> | CommandFailure;

export const ACCESS_MESSAGES = {
	not_found: 'Document introuvable.',
	forbidden: 'Vous ne participez pas à ce document. Demandez l’accès à son binôme de co-pilotes.'
} as const;

export const COLEADS_ONLY = 'Seul le binôme de co-pilotes gère les participants et les réglages.';

export function done(
	documentId: string,
	message: string,
	changed: Partial<RightsChanged> = {}
): CommandSuccess {
	return {
		ok: true,
		message,
		documentId,
		rightsChanged: { users: changed.users ?? [], organisations: changed.organisations ?? [] }
	};
}

export function invalid(
	status: 400 | 404 | 503,
	message: string,
	field?: string,
	errors?: FieldError[]
): CommandFailure {
	return {
		ok: false,
		status,
		message,
		...(field && { field }),
		...(errors && { errors }),
		denied: false
	};
}

/**
 * The one policy (documentAccess), then what this command requires of the access. Null when
 * allowed. Commands call it inside their transaction: on SQLite transactions run one at a time,
 * so the rights checked are the rights in force at the write; on PostgreSQL (read committed)
 * two commands at the same instant may both pass, and the last write wins (writes are upserts).
 */
export async function authorize(
	db: Db,
	actor: Actor,
	documentId: string,
	allowed: (access: Granted) => boolean,
	message: string
): Promise<CommandFailure | null> {
	const access = await documentAccess(db, actor, documentId);
	if (access.status !== 'granted')
		return {
			ok: false,
			status: access.status === 'not_found' ? 404 : 403,
			message: ACCESS_MESSAGES[access.status],
			denied: true
		};
	return allowed(access) ? null : { ok: false, status: 403, message, denied: true };
}

/** What closing needs from the collaboration hub (`runtime().collab`, null while none runs). */
export type RightsHub = Pick<CollabHub, 'closeUserConnections' | 'closeOrganisationConnections'>;

/**
 * Cuts off the open editors of everyone whose role changed (4509): they reconnect and are
 * authorised again, so nobody edits on stale rights. Call it once the command has returned,
 * i.e. committed: a client reconnecting before the commit would get its old rights back.
 * Returns how many sockets were closed.
 */
export function closeRightsChanged(
	hub: RightsHub | null,
	documentId: string,
	changed: RightsChanged
): number {
	if (!hub) return 0;
	let closed = 0;
	for (const userId of changed.users)
		closed += hub.closeUserConnections(
			documentId,
			userId,
			CloseCode.rightsChanged,
			'rights changed'
		);
	for (const organisationId of changed.organisations)
		closed += hub.closeOrganisationConnections(
			documentId,
			organisationId,
			CloseCode.rightsChanged,
			'rights changed'
		);
	return closed;
}

/** A submitted value as text ('' when absent or a file). */
export function text(value: unknown): string {
	return typeof value === 'string' ? value : '';
}
