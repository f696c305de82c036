// Distribution-list commands: every change to a list, and to a person's function, goes through
// one of these (documents/commands' pattern). Each takes the acting user and the raw form values,
// checks who may act and what was typed, writes in one transaction, and returns a French refusal
// (status, field) or what was done. Only the direction and the administrators manage lists.
import { inTransaction, type Db } from '../db';
import type { Actor } from '../documents/access';
import { hasUnshowable, isBlank, UNSHOWABLE_MESSAGE } from '../documents/rules';
import { invalid, text, type CommandFailure } from '../documents/commands/result';
import { findTerritoryUser } from '../territory/queries';
import { getClub } from '../clubs/queries';
import {
	EXTERNAL_NAME_MAX_LENGTH,
	LIST_DESCRIPTION_MAX_LENGTH,
	LIST_NAME_MAX_LENGTH,
	PERSON_FUNCTION_SHORT,
	PERSON_FUNCTIONS,
	isListKind,
	isPersonFunction,
	type ListKind,
	type PersonFunction
} from '../../distribution/vocabulary';
import { isValidEmail, normaliseEmail } from './address';
import * as queries from './queries';

export type ListSuccess = { ok: true; message: string; listId: string };
export type ListResult = ListSuccess | CommandFailure;

export const LIST_NOT_FOUND = 'Liste de diffusion introuvable.';
export const LISTS_STEERING_ONLY =
	'Seules la direction et les administrateurs de la plateforme gèrent les listes de diffusion.';
export const FUNCTIONS_STEERING_ONLY =
	'Seules la direction et les administrateurs de la plateforme indiquent la fonction des personnes.';

const denied = (status: 403 | 404, message: string): CommandFailure => ({
	ok: false,
	status,
	message,
	denied: true
});

/** Who manages the territory's lists and people's functions. */
export function canManageLists(actor: Pick<Actor, 'territoryRole'>): boolean {
	return actor.territoryRole === 'direction' || actor.territoryRole === 'admin';
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

/** The functions ticked: at least one, each known; in the vocabulary's order. */
function checkFunctions(raw: unknown[]): { ok: true; value: PersonFunction[] } | CommandFailure {
	const values = raw.map(text).filter(Boolean);
	if (values.some((v) => !isPersonFunction(v)))
		return invalid(400, 'Choisissez les fonctions dans la liste proposée.', 'functions');
	const chosen = new Set(values as PersonFunction[]);
	if (chosen.size === 0) return invalid(400, 'Cochez au moins une fonction.', 'functions');
	return {
		ok: true,
		value: (Object.keys(PERSON_FUNCTIONS) as PersonFunction[]).filter((fn) => chosen.has(fn))
	};
}

async function checkClub(
	db: Db,
	actor: Actor,
	raw: unknown
): Promise<{ ok: true; value: string } | CommandFailure> {
	const id = text(raw);
	const club = id ? await getClub(db, actor.territoryId, id) : null;
	if (!club) return invalid(400, 'Choisissez un club du territoire.', 'clubId');
	return { ok: true, value: club.id };
}

async function checkHeader(
	db: Db,
	actor: Actor,
	input: { name: unknown; description: unknown },
	exceptId?: string
): Promise<{ ok: true; name: string; description: string } | CommandFailure> {
	const name = checkText(input.name, LIST_NAME_MAX_LENGTH, 'le nom de la liste', 'name');
	if (!name.ok) return name;
	if (/[<>]/.test(name.value))
		return invalid(400, 'Le nom ne peut pas contenir les caractères < ou >.', 'name');
	const description = checkText(
		input.description,
		LIST_DESCRIPTION_MAX_LENGTH,
		'une description',
		'description',
		{ multiline: true, required: false }
	);
	if (!description.ok) return description;
	if (await queries.listNameTaken(db, actor.territoryId, name.value, exceptId))
		return invalid(400, 'Une liste du territoire porte déjà ce nom.', 'name');
	return { ok: true, name: name.value, description: description.value };
}

/** The list (of the actor's territory) once the actor may manage lists, or the refusal. */
async function findManagedList(db: Db, actor: Actor, listId: unknown) {
	if (!canManageLists(actor)) return denied(403, LISTS_STEERING_ONLY);
	const id = text(listId);
	const list = id ? await queries.getDistributionList(db, actor.territoryId, id) : null;
	if (!list) return denied(404, LIST_NOT_FOUND);
	return { ok: true as const, list };
}

export interface ListInput {
	name: unknown;
	description: unknown;
	kind: unknown;
	/** Kind 'functions'. */
	functions?: unknown[];
	/** Kind 'club'. */
	clubId?: unknown;
}

/** Creates a list of one of the three kinds (a manual list starts empty). */
export function createList(db: Db, actor: Actor, input: ListInput): Promise<ListResult> {
	return inTransaction(db, async (trx) => {
		if (!canManageLists(actor)) return denied(403, LISTS_STEERING_ONLY);
		if (!isListKind(input.kind)) return invalid(400, 'Choisissez le type de liste.', 'kind');
		const kind: ListKind = input.kind;
		const header = await checkHeader(trx, actor, input);
		if (!header.ok) return header;
		const functions = kind === 'functions' ? checkFunctions(input.functions ?? []) : null;
		if (functions && !functions.ok) return functions;
		const club = kind === 'club' ? await checkClub(trx, actor, input.clubId) : null;
		if (club && !club.ok) return club;
		const listId = await queries.insertList(
			trx,
			actor.territoryId,
			{ name: header.name, description: header.description, kind, clubId: club?.value ?? null },
			actor.id
		);
		if (functions) await queries.setListFunctions(trx, listId, functions.value);
		return { ok: true, listId, message: `La liste « ${header.name} » a été créée.` };
	});
}

/**
 * Renames a list, changes its description and what it is built on (the functions, the club).
 * The kind stays: a list that changes kind is another list.
 */
export function editList(
	db: Db,
	actor: Actor,
	listId: unknown,
	input: Omit<ListInput, 'kind'>
): Promise<ListResult> {
	return inTransaction(db, async (trx) => {
		const found = await findManagedList(trx, actor, listId);
		if (!found.ok) return found;
		const { list } = found;
		const header = await checkHeader(trx, actor, input, list.id);
		if (!header.ok) return header;
		const functions = list.kind === 'functions' ? checkFunctions(input.functions ?? []) : null;
		if (functions && !functions.ok) return functions;
		const club = list.kind === 'club' ? await checkClub(trx, actor, input.clubId) : null;
		if (club && !club.ok) return club;
		await queries.updateList(trx, list.id, {
			name: header.name,
			description: header.description,
			clubId: list.kind === 'club' ? club!.value : null
		});
		if (functions) await queries.setListFunctions(trx, list.id, functions.value);
		return { ok: true, listId: list.id, message: 'La liste a été enregistrée.' };
	});
}

export function deleteList(db: Db, actor: Actor, listId: unknown): Promise<ListResult> {
	return inTransaction(db, async (trx) => {
		const found = await findManagedList(trx, actor, listId);
		if (!found.ok) return found;
		await queries.deleteList(trx, found.list.id);
		return {
			ok: true,
			listId: found.list.id,
			message: `La liste « ${found.list.name} » a été supprimée.`
		};
	});
}

function manualOnly(kind: ListKind): CommandFailure | null {
	return kind === 'manual'
		? null
		: invalid(
				400,
				'Cette liste se compose d’elle-même (par fonctions ou par club) : on n’y ajoute personne à la main.'
			);
}

/** Adds a user of the territory to a manual list. */
export function addListUser(
	db: Db,
	actor: Actor,
	listId: unknown,
	input: { userId: unknown }
): Promise<ListResult> {
	return inTransaction(db, async (trx) => {
		const found = await findManagedList(trx, actor, listId);
		if (!found.ok) return found;
		const { list } = found;
		const notManual = manualOnly(list.kind);
		if (notManual) return notManual;
		const userId = text(input.userId);
		const user = userId ? await findTerritoryUser(trx, actor.territoryId, userId) : null;
		if (!user) return invalid(400, 'Choisissez une personne du territoire.', 'userId');
		if (await queries.hasUserMember(trx, list.id, user.id))
			return invalid(400, `${user.displayName} fait déjà partie de la liste.`, 'userId');
		await queries.insertMember(trx, list.id, { userId: user.id }, actor.id);
		await queries.touchList(trx, list.id);
		return { ok: true, listId: list.id, message: `${user.displayName} a été ajouté·e à la liste.` };
	});
}

/**
 * Adds a person without an account (a mayor, an élu of a commission) by name and address. The
 * address is normalised and checked; when it is a user's of the territory, the user is added
 * instead, so that they keep their own way in (their account) rather than a personal link.
 */
export function addListExternal(
	db: Db,
	actor: Actor,
	listId: unknown,
	input: { name: unknown; email: unknown }
): Promise<ListResult> {
	return inTransaction(db, async (trx) => {
		const found = await findManagedList(trx, actor, listId);
		if (!found.ok) return found;
		const { list } = found;
		const notManual = manualOnly(list.kind);
		if (notManual) return notManual;
		const name = checkText(input.name, EXTERNAL_NAME_MAX_LENGTH, 'le nom de la personne', 'name');
		if (!name.ok) return name;
		if (/[<>]/.test(name.value))
			return invalid(400, 'Le nom ne peut pas contenir les caractères < ou >.', 'name');
		const email = normaliseEmail(text(input.email));
		if (!email) return invalid(400, 'Indiquez l’adresse électronique de la personne.', 'email');
		if (!isValidEmail(email))
			return invalid(
				400,
				'Cette adresse électronique n’est pas valide : écrivez-la sous la forme prenom.nom@exemple.fr.',
				'email'
			);
		const user = await queries.territoryUserByEmail(trx, actor.territoryId, email);
		if (user) {
			if (await queries.hasUserMember(trx, list.id, user.userId))
				return invalid(
					400,
					`Cette adresse est celle de ${user.name}, qui fait déjà partie de la liste.`,
					'email'
				);
			await queries.insertMember(trx, list.id, { userId: user.userId }, actor.id);
			await queries.touchList(trx, list.id);
			return {
				ok: true,
				listId: list.id,
				message: `Cette adresse est celle de ${user.name}, qui a un compte : ${user.name} a été ajouté·e à la liste.`
			};
		}
		if (await queries.hasExternalMember(trx, list.id, email))
			return invalid(400, `L’adresse ${email} figure déjà dans la liste.`, 'email');
		await queries.insertMember(trx, list.id, { name: name.value, email }, actor.id);
		await queries.touchList(trx, list.id);
		return { ok: true, listId: list.id, message: `${name.value} a été ajouté·e à la liste.` };
	});
}

export function removeListMember(
	db: Db,
	actor: Actor,
	listId: unknown,
	input: { memberId: unknown }
): Promise<ListResult> {
	return inTransaction(db, async (trx) => {
		const found = await findManagedList(trx, actor, listId);
		if (!found.ok) return found;
		const { list } = found;
		const memberId = text(input.memberId);
		const member = memberId ? await queries.findMember(trx, list.id, memberId) : null;
		if (!member) return invalid(404, 'Cette personne ne figure pas dans la liste.', 'memberId');
		await queries.deleteMember(trx, list.id, member.id);
		await queries.touchList(trx, list.id);
		const who = member.userId
			? ((await findTerritoryUser(trx, actor.territoryId, member.userId))?.displayName ?? '')
			: (member.name ?? '');
		return { ok: true, listId: list.id, message: `${who} a été retiré·e de la liste.` };
	});
}

export type FunctionResult = { ok: true; message: string; userId: string } | CommandFailure;

/** Sets (or clears, with '') the structured function of a person of the territory. */
export function setFunction(
	db: Db,
	actor: Actor,
	input: { userId: unknown; function: unknown }
): Promise<FunctionResult> {
	return inTransaction(db, async (trx) => {
		if (!canManageLists(actor)) return denied(403, FUNCTIONS_STEERING_ONLY);
		const userId = text(input.userId);
		const user = userId ? await findTerritoryUser(trx, actor.territoryId, userId) : null;
		if (!user) return denied(404, 'Personne introuvable sur ce territoire.');
		const raw = text(input.function);
		if (raw !== '' && !isPersonFunction(raw))
			return invalid(400, 'Choisissez une fonction dans la liste proposée.', 'function');
		const fn = raw === '' ? null : (raw as PersonFunction);
		await queries.setPersonFunction(trx, user.id, fn);
		return {
			ok: true,
			userId: user.id,
			message: fn
				? `${user.displayName} : ${PERSON_FUNCTION_SHORT[fn]}.`
				: `${user.displayName} : fonction non renseignée.`
		};
	});
}
