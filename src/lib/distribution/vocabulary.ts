// Distribution lists and people's functions: words shared by the pages and the server.

/**
 * The structured function of a person (`app_user.function`), beside the free-text job title:
 * what a list such as « tous les DGS » is built on. Order: as the pages list them.
 */
export const PERSON_FUNCTIONS = {
	dgs: 'Directeur·rice général·e des services (DGS)',
	dga: 'Directeur·rice général·e adjoint·e (DGA)',
	secretaire_mairie: 'Secrétaire de mairie',
	directeur: 'Directeur·rice',
	cadre: 'Cadre',
	agent: 'Agent',
	elu: 'Élu·e'
} as const;
export type PersonFunction = keyof typeof PERSON_FUNCTIONS;

/** Shorter labels, for tables and badges. */
export const PERSON_FUNCTION_SHORT: Record<PersonFunction, string> = {
	dgs: 'DGS',
	dga: 'DGA',
	secretaire_mairie: 'Secrétaire de mairie',
	directeur: 'Directeur·rice',
	cadre: 'Cadre',
	agent: 'Agent',
	elu: 'Élu·e'
};

export function isPersonFunction(value: unknown): value is PersonFunction {
	return typeof value === 'string' && Object.hasOwn(PERSON_FUNCTIONS, value);
}

export const LIST_KINDS = {
	functions: 'Par fonctions',
	club: 'Membres d’un club',
	manual: 'Liste nominative'
} as const;
export type ListKind = keyof typeof LIST_KINDS;

/** What each kind means, said once for the pages. */
export const LIST_KIND_HINTS: Record<ListKind, string> = {
	functions:
		'Les personnes du territoire qui ont ces fonctions le jour de l’envoi : la liste suit les arrivées et les départs.',
	club: 'Les membres du club le jour de l’envoi.',
	manual:
		'Des personnes choisies une à une : du territoire, ou sans compte (un nom et une adresse électronique).'
};

export function isListKind(value: unknown): value is ListKind {
	return typeof value === 'string' && Object.hasOwn(LIST_KINDS, value);
}

export const LIST_NAME_MAX_LENGTH = 120;
export const LIST_DESCRIPTION_MAX_LENGTH = 1000;
export const EXTERNAL_NAME_MAX_LENGTH = 120;
/** RFC 5321's limit on a path, the longest address a server accepts. */
export const EMAIL_MAX_LENGTH = 254;
