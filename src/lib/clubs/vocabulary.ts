// Clubs métiers and their avis: words shared by the pages and the server.

export const CLUB_ROLE_LABELS = {
	animateur: 'Animateur',
	membre: 'Membre'
} as const;
export type ClubRole = keyof typeof CLUB_ROLE_LABELS;

/** A club has one or two animateurs. */
export const MAX_ANIMATEURS = 2;

export const CLUB_NAME_MAX_LENGTH = 100;
export const CLUB_DESCRIPTION_MAX_LENGTH = 1000;
export const JOIN_MESSAGE_MAX_LENGTH = 500;
export const AVIS_MAX_LENGTH = 5000;

export const AVIS_VERDICTS = {
	favorable: 'Favorable',
	reserves: 'Favorable avec réserves',
	defavorable: 'Défavorable'
} as const;
export type AvisVerdict = keyof typeof AVIS_VERDICTS;

export function isAvisVerdict(value: unknown): value is AvisVerdict {
	return typeof value === 'string' && Object.hasOwn(AVIS_VERDICTS, value);
}

export function isClubRole(value: unknown): value is ClubRole {
	return typeof value === 'string' && Object.hasOwn(CLUB_ROLE_LABELS, value);
}
