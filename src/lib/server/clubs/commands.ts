// Club commands: every change to a club goes through one of these (documents/commands' pattern).
// Each takes the acting user and the raw form values, checks who may act and what was typed, and
// writes in one transaction; it returns a French refusal or what changed — including, per
// document the club is invited to, the people whose role there changed (closeRightsChangedOn).
import { inTransaction, type Db } from '../db';
import type { Actor } from '../documents/access';
import { hasUnshowable, isBlank, UNSHOWABLE_MESSAGE } from '../documents/rules';
import { invalid, text, type CommandFailure } from '../documents/commands/result';
import { notify } from '../notifications';
import { findTerritoryUser } from '../territory/queries';
import { isTheme, THEMES } from '../../documents/vocabulary';
import {
	CLUB_DESCRIPTION_MAX_LENGTH,
	CLUB_NAME_MAX_LENGTH,
	JOIN_MESSAGE_MAX_LENGTH,
	MAX_ANIMATEURS,
	isClubRole,
	type ClubRole
} from '../../clubs/vocabulary';
import * as queries from './queries';
import { watchRights, type DocumentRightsChanged } from './rights';

export type ClubSuccess<T extends object = object> = {
	ok: true;
	message: string;
	clubId: string;
	/** Per document the club is invited to: the people whose role there changed. */
	rightsChanged: DocumentRightsChanged[];
} & T;

export type ClubResult<T extends object = object> = ClubSuccess<T> | CommandFailure;

export const CLUB_NOT_FOUND = 'Club introuvable.';
export const CLUB_MANAGERS_ONLY =
	'Seuls les animateurs du club, la direction et les administrateurs gèrent ses membres.';
export const CLUB_CREATORS_ONLY =
	'Seules la direction et les administrateurs de la plateforme créent des clubs.';

function clubDone(
	clubId: string,
	message: string,
	rightsChanged: DocumentRightsChanged[] = []
): ClubSuccess {
	return { ok: true, message, clubId, rightsChanged };
}

const denied = (status: 403 | 404, message: string): CommandFailure => ({
	ok: false,
	status,
	message,
	denied: true
});

const isSteering = (actor: Actor) =>
	actor.territoryRole === 'admin' || actor.territoryRole === 'direction';

/** The club (of the actor's territory) and the actor's role in it, or the 404. */
async function findClub(db: Db, actor: Actor, clubId: unknown) {
	const id = text(clubId);
	const club = id ? await queries.getClub(db, actor.territoryId, id) : null;
	if (!club) return denied(404, CLUB_NOT_FOUND);
	return { ok: true as const, club, role: await queries.clubRoleOf(db, club.id, actor.id) };
}

/** The club, if the actor manages its members; else the refusal (404 unknown, 403 not theirs). */
async function findManagedClub(db: Db, actor: Actor, clubId: unknown) {
	const found = await findClub(db, actor, clubId);
	if (!found.ok) return found;
	if (!canManageClub(actor, found.role)) return denied(403, CLUB_MANAGERS_ONLY);
	return found;
}

/** Who manages a club's members: its animateurs, the direction and the administrators. */
export function canManageClub(actor: Pick<Actor, 'territoryRole'>, role: ClubRole | null): boolean {
	return role === 'animateur' || isSteering(actor as Actor);
}

/** Membership changes rights on every document the club is invited to: watched around the write. */
async function watchMembers(db: Db, clubId: string, userIds: string[]) {
	return watchRights(db, await queries.invitedDocumentIds(db, clubId), userIds);
}

function checkText(
	raw: unknown,
	max: number,
	what: string,
	field: string,
	{ multiline = false, required = true } = {}
): { ok: true; value: string } | CommandFailure {
	const value = multiline ? text(raw).trim() : text(raw).replace(/\s+/g, ' ').trim();
	if (required && isBlank(value)) return invalid(400, `Indiquez ${what}.`, field);
	if (hasUnshowable(value, multiline)) return invalid(400, UNSHOWABLE_MESSAGE, field);
	if (value.length > max)
		return invalid(400, `Ce texte ne doit pas dépasser ${max} caractères.`, field);
	return { ok: true, value };
}

/**
 * Creates a club with one or two animateurs of the territory (admin and direction only). The
 * animateurs are told they were named.
 */
export function createClub(
	db: Db,
	actor: Actor,
	input: { name: unknown; theme: unknown; description: unknown; animateurs: unknown[] }
): Promise<ClubResult> {
	return inTransaction(db, async (trx) => {
		if (!isSteering(actor)) return denied(403, CLUB_CREATORS_ONLY);
		const name = checkText(input.name, CLUB_NAME_MAX_LENGTH, 'le nom du club', 'name');
		if (!name.ok) return name;
		if (/[<>]/.test(name.value))
			return invalid(400, 'Le nom ne peut pas contenir les caractères < ou >.', 'name');
		if (!isTheme(input.theme)) return invalid(400, 'Choisissez le thème du club.', 'theme');
		const description = checkText(
			input.description,
			CLUB_DESCRIPTION_MAX_LENGTH,
			'une description',
			'description',
			{ multiline: true, required: false }
		);
		if (!description.ok) return description;
		const ids = [...new Set(input.animateurs.map(text).filter(Boolean))];
		if (ids.length === 0 || ids.length > MAX_ANIMATEURS)
			return invalid(400, 'Choisissez un ou deux animateurs.', 'animateurs');
		for (const id of ids)
			if (!(await findTerritoryUser(trx, actor.territoryId, id)))
				return invalid(
					400,
					'Choisissez les animateurs parmi les personnes du territoire.',
					'animateurs'
				);
		if (await queries.clubNameTaken(trx, actor.territoryId, name.value))
			return invalid(400, 'Un club du territoire porte déjà ce nom.', 'name');
		const clubId = await queries.insertClub(
			trx,
			actor.territoryId,
			{ name: name.value, theme: input.theme, description: description.value },
			actor.id
		);
		for (const id of ids) await queries.setClubMember(trx, clubId, id, 'animateur', actor.id);
		await notify(trx, ids, { kind: 'club_joined', actorId: actor.id, clubId, excerpt: name.value });
		return clubDone(clubId, `Le club « ${name.value} » (${THEMES[input.theme]}) a été créé.`);
	});
}

/** Adds a person of the territory (any organisation) as a member; a pending request is settled. */
export function addClubMember(
	db: Db,
	actor: Actor,
	clubId: unknown,
	input: { userId: unknown }
): Promise<ClubResult> {
	return inTransaction(db, async (trx) => {
		const found = await findManagedClub(trx, actor, clubId);
		if (!found.ok) return found;
		const { club } = found;
		const userId = text(input.userId);
		const target = userId ? await findTerritoryUser(trx, actor.territoryId, userId) : null;
		if (!target) return invalid(400, 'Choisissez une personne du territoire.', 'userId');
		if (await queries.clubRoleOf(trx, club.id, userId))
			return invalid(400, `${target.displayName} fait déjà partie du club.`, 'userId');
		const watch = await watchMembers(trx, club.id, [userId]);
		await queries.setClubMember(trx, club.id, userId, 'membre', actor.id);
		await queries.decideJoinRequests(trx, club.id, userId, 'accepted', actor.id);
		await notify(trx, [userId], {
			kind: 'club_joined',
			actorId: actor.id,
			clubId: club.id,
			excerpt: club.name
		});
		return clubDone(
			club.id,
			`${target.displayName} fait désormais partie du club.`,
			await watch.changed()
		);
	});
}

/** Removes a member (not the last animateur: a club always has one). */
export function removeClubMember(
	db: Db,
	actor: Actor,
	clubId: unknown,
	input: { userId: unknown }
): Promise<ClubResult> {
	return inTransaction(db, async (trx) => {
		const found = await findManagedClub(trx, actor, clubId);
		if (!found.ok) return found;
		const { club } = found;
		const userId = text(input.userId);
		const target = (await queries.listClubMembers(trx, club.id)).find((m) => m.userId === userId);
		if (!target) return invalid(404, 'Cette personne ne fait pas partie du club.', 'userId');
		if (target.role === 'animateur' && (await queries.animateurIds(trx, club.id)).length <= 1)
			return invalid(
				400,
				`${target.displayName} est le seul animateur du club : nommez d’abord un autre animateur.`,
				'userId'
			);
		const watch = await watchMembers(trx, club.id, [userId]);
		await queries.removeClubMember(trx, club.id, userId);
		return clubDone(
			club.id,
			`${target.displayName} ne fait plus partie du club.`,
			await watch.changed()
		);
	});
}

/** Names a member animateur, or makes an animateur a plain member again (one or two always). */
export function setClubRole(
	db: Db,
	actor: Actor,
	clubId: unknown,
	input: { userId: unknown; role: unknown }
): Promise<ClubResult> {
	return inTransaction(db, async (trx) => {
		const found = await findManagedClub(trx, actor, clubId);
		if (!found.ok) return found;
		const { club } = found;
		if (!isClubRole(input.role)) return invalid(400, 'Choisissez : animateur ou membre.', 'role');
		const userId = text(input.userId);
		const target = (await queries.listClubMembers(trx, club.id)).find((m) => m.userId === userId);
		if (!target) return invalid(404, 'Cette personne ne fait pas partie du club.', 'userId');
		if (target.role === input.role)
			return clubDone(club.id, `${target.displayName} est déjà ${input.role} du club.`);
		const animateurs = await queries.animateurIds(trx, club.id);
		if (input.role === 'animateur' && animateurs.length >= MAX_ANIMATEURS)
			return invalid(
				400,
				'Un club a deux animateurs au plus : rendez d’abord l’un d’eux simple membre.',
				'role'
			);
		if (input.role === 'membre' && animateurs.length <= 1)
			return invalid(
				400,
				'Un club garde au moins un animateur : nommez d’abord un autre animateur.',
				'role'
			);
		await queries.setClubMember(trx, club.id, userId, input.role, actor.id);
		return clubDone(
			club.id,
			input.role === 'animateur'
				? `${target.displayName} anime désormais le club.`
				: `${target.displayName} n’anime plus le club.`
		);
	});
}

/**
 * Asks the animateurs to join (anyone of the territory who is not a member). Asking again while
 * a request is pending changes nothing.
 */
export function requestToJoin(
	db: Db,
	actor: Actor,
	clubId: unknown,
	input: { message: unknown }
): Promise<ClubResult<{ alreadyPending: boolean }>> {
	return inTransaction(db, async (trx) => {
		const found = await findClub(trx, actor, clubId);
		if (!found.ok) return found;
		const { club, role } = found;
		if (role) return invalid(400, 'Vous faites déjà partie de ce club.');
		const message = checkText(input.message, JOIN_MESSAGE_MAX_LENGTH, 'un message', 'message', {
			multiline: true,
			required: false
		});
		if (!message.ok) return message;
		const stored = await queries.insertJoinRequest(trx, club.id, actor.id, message.value);
		if (stored)
			await notify(trx, await queries.animateurIds(trx, club.id), {
				kind: 'club_join_request',
				actorId: actor.id,
				clubId: club.id,
				excerpt: message.value || club.name
			});
		return {
			...clubDone(
				club.id,
				stored
					? 'Votre demande a été envoyée aux animateurs du club.'
					: 'Votre demande est déjà en attente auprès des animateurs du club.'
			),
			alreadyPending: !stored
		};
	});
}

/** The animateurs (or the direction, an administrator) accept or refuse a pending request. */
export function answerJoinRequest(
	db: Db,
	actor: Actor,
	clubId: unknown,
	input: { requestId: unknown; decision: unknown }
): Promise<ClubResult> {
	return inTransaction(db, async (trx) => {
		const found = await findManagedClub(trx, actor, clubId);
		if (!found.ok) return found;
		const { club } = found;
		const request = await queries.findPendingJoinRequest(trx, club.id, text(input.requestId));
		if (!request) return invalid(404, 'Cette demande n’est plus en attente.', 'requestId');
		if (input.decision === 'refuse') {
			await queries.decideJoinRequests(trx, club.id, request.userId, 'refused', actor.id);
			return clubDone(club.id, 'La demande a été refusée.');
		}
		if (input.decision !== 'accept') return invalid(400, 'Acceptez ou refusez la demande.');
		const person = await findTerritoryUser(trx, actor.territoryId, request.userId);
		const watch = await watchMembers(trx, club.id, [request.userId]);
		// A request made before someone added the person by hand: settled, role unchanged.
		if (!(await queries.clubRoleOf(trx, club.id, request.userId)))
			await queries.setClubMember(trx, club.id, request.userId, 'membre', actor.id);
		await queries.decideJoinRequests(trx, club.id, request.userId, 'accepted', actor.id);
		await notify(trx, [request.userId], {
			kind: 'club_joined',
			actorId: actor.id,
			clubId: club.id,
			excerpt: club.name
		});
		return clubDone(
			club.id,
			`${person?.displayName ?? 'Cette personne'} fait désormais partie du club.`,
			await watch.changed()
		);
	});
}

/** A member leaves; the last animateur names another one first. */
export function leaveClub(db: Db, actor: Actor, clubId: unknown): Promise<ClubResult> {
	return inTransaction(db, async (trx) => {
		const found = await findClub(trx, actor, clubId);
		if (!found.ok) return found;
		const { club, role } = found;
		if (!role) return invalid(400, 'Vous ne faites pas partie de ce club.');
		if (role === 'animateur' && (await queries.animateurIds(trx, club.id)).length <= 1)
			return invalid(
				400,
				'Vous êtes le seul animateur du club : nommez d’abord un autre animateur pour pouvoir le quitter.'
			);
		const watch = await watchMembers(trx, club.id, [actor.id]);
		await queries.removeClubMember(trx, club.id, actor.id);
		return clubDone(club.id, `Vous avez quitté le club « ${club.name} ».`, await watch.changed());
	});
}
