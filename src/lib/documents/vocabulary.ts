// Document vocabulary shared by pages and server rules (browser-safe).

export const DOCUMENT_KINDS = {
	'position-commune': 'Position commune',
	'plan-de-formation': 'Plan de formation',
	'projet-de-territoire': 'Projet de territoire',
	'compte-rendu': 'Compte-rendu',
	note: 'Note'
} as const;
export type DocumentKind = keyof typeof DOCUMENT_KINDS;

export const THEMES = {
	rh: 'Ressources humaines',
	finances: 'Finances',
	juridique: 'Juridique',
	'numerique-rgpd': 'Numérique et RGPD',
	urbanisme: 'Urbanisme',
	'services-techniques': 'Services techniques',
	'action-sociale': 'Action sociale',
	'marches-publics': 'Marchés publics',
	gouvernance: 'Gouvernance'
} as const;
export type Theme = keyof typeof THEMES;

/** The life cycle of a document (issue 13, lib/server/lifecycle). */
export const STATUSES = {
	brouillon: 'Brouillon',
	consultation: 'En consultation',
	valide: 'Validé',
	publie: 'Publié',
	archive: 'Archivé'
} as const;

export const ROLE_LABELS = {
	colead: 'Co-pilote',
	editor: 'Rédacteur',
	annotator: 'Annotateur',
	reader: 'Lecteur'
} as const;
export type Role = keyof typeof ROLE_LABELS;
/** Roles that can be granted from the participants panel (co-pilotes are set as the binôme). */
export const GRANTABLE_ROLES = ['editor', 'annotator', 'reader'] as const;
export type GrantableRole = (typeof GRANTABLE_ROLES)[number];

export const ROLE_RANK: Record<Role, number> = { colead: 4, editor: 3, annotator: 2, reader: 1 };

export function strongestRole(...roles: (Role | null | undefined)[]): Role | null {
	let best: Role | null = null;
	for (const role of roles) if (role && (!best || ROLE_RANK[role] > ROLE_RANK[best])) best = role;
	return best;
}

export function isKind(value: unknown): value is DocumentKind {
	return typeof value === 'string' && Object.hasOwn(DOCUMENT_KINDS, value);
}
export function isTheme(value: unknown): value is Theme {
	return typeof value === 'string' && Object.hasOwn(THEMES, value);
}
export function isGrantableRole(value: unknown): value is GrantableRole {
	return typeof value === 'string' && (GRANTABLE_ROLES as readonly string[]).includes(value);
}
