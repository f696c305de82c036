// Validation of what users submit about documents. Messages are French and shown as is.
import type { Db } from '../db';
import type { SessionUser } from '../auth/session';
import { findTerritoryUser, type TerritoryUser } from '../territory/queries';
import { isKind, isTheme, type DocumentKind } from '../../documents/vocabulary';
import { getTemplate, type Template } from '../templates';
import type { NewDocument } from './queries';

export const TITLE_MAX_LENGTH = 200;
export const SUMMARY_MAX_LENGTH = 1000;

/** A refusal names the form field it is about, when there is one (shown next to it). */
export type Checked<T> = { ok: true; value: T } | { ok: false; message: string; field?: string };

export interface FieldError {
	field: string;
	message: string;
}

/**
 * A form's refusal: every field in error at once, so that a DGS corrects them in one go; the
 * first one also as `message`/`field` for callers that show a single line.
 */
export type CheckedForm<T> =
	{ ok: true; value: T } | { ok: false; message: string; field: string; errors: FieldError[] };

function refuse(errors: FieldError[]): {
	ok: false;
	message: string;
	field: string;
	errors: FieldError[];
} {
	return { ok: false, message: errors[0].message, field: errors[0].field, errors };
}

/**
 * Characters no submitted text may hold: control characters (NUL is refused by PostgreSQL's
 * text type — a 500 there; the others are invisible) and bidirectional overrides (a name shown
 * reversed, misleading). Line breaks and tabs are allowed where `multiline`.
 */
// eslint-disable-next-line no-control-regex
const UNSHOWABLE = /[\u0000-\u0008\u000b-\u001f\u007f\u202a-\u202e\u2066-\u2069]/;
export const UNSHOWABLE_MESSAGE =
	'Ce texte contient des caractères invisibles ou de contrôle : retapez-le sans copier-coller.';

export function hasUnshowable(text: string, multiline = false): boolean {
	return UNSHOWABLE.test(text) || (!multiline && /[\n\t]/.test(text));
}

/** Spaces and zero-width characters: a text made only of them is empty. */
export function isBlank(text: string): boolean {
	return !text.replace(/[\s\u200b-\u200d\u2060\ufeff]/g, '');
}

export function checkTitle(raw: unknown): Checked<string> {
	if (typeof raw !== 'string') return { ok: false, message: 'Indiquez un titre.' };
	const title = raw.replace(/\s+/g, ' ').trim();
	if (isBlank(title)) return { ok: false, message: 'Indiquez un titre.' };
	if (hasUnshowable(title)) return { ok: false, message: UNSHOWABLE_MESSAGE };
	if (title.length > TITLE_MAX_LENGTH)
		return { ok: false, message: `Le titre ne doit pas dépasser ${TITLE_MAX_LENGTH} caractères.` };
	// Output is escaped anyway; markup in a title is refused so it never reaches an export or an e-mail.
	if (/[<>]/.test(title))
		return { ok: false, message: 'Le titre ne peut pas contenir les caractères < ou >.' };
	return { ok: true, value: title };
}

/** A binôme joins the intercommunality and a commune: one co-pilote on each side. */
export function checkBinome(
	a: Pick<TerritoryUser, 'id' | 'organisationKind'>,
	b: Pick<TerritoryUser, 'id' | 'organisationKind'> | null
): string | null {
	if (!b) return 'Choisissez le second co-pilote du binôme.';
	if (a.id === b.id) return 'Le binôme réunit deux personnes différentes.';
	if (a.organisationKind === b.organisationKind) {
		return a.organisationKind === 'epci'
			? 'Le binôme associe une personne de l’intercommunalité et une personne d’une commune membre : choisissez un co-pilote communal.'
			: 'Le binôme associe une personne de l’intercommunalité et une personne d’une commune membre : choisissez un co-pilote de l’intercommunalité.';
	}
	return null;
}

function checkDueDate(raw: string): Checked<string | null> {
	if (!raw) return { ok: true, value: null };
	const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(raw);
	const date = match ? new Date(`${raw}T00:00:00Z`) : null;
	if (!date || Number.isNaN(date.getTime()) || date.toISOString().slice(0, 10) !== raw)
		return { ok: false, message: 'L’échéance doit être une date valide.' };
	return { ok: true, value: raw };
}

async function checkOrganisations(
	db: Db,
	territoryId: string,
	ids: string[]
): Promise<Checked<string[]>> {
	const unique = [...new Set(ids.filter(Boolean))];
	if (unique.length === 0) return { ok: true, value: [] };
	const found = await db
		.selectFrom('organisation')
		.select('id')
		.where('territory_id', '=', territoryId)
		.where('id', 'in', unique)
		.execute();
	if (found.length !== unique.length)
		return { ok: false, message: 'Une des organisations choisies n’appartient pas au territoire.' };
	return { ok: true, value: unique };
}

const field = (form: FormData, name: string) => {
	const value = form.get(name);
	return typeof value === 'string' ? value.trim() : '';
};

/** Common metadata (title, theme, summary, due date, organisations concerned). */
export async function parseMetadata(
	db: Db,
	user: Pick<SessionUser, 'territoryId'>,
	form: FormData
): Promise<CheckedForm<Omit<NewDocument, 'kind' | 'partnerId'>>> {
	const errors: FieldError[] = [];
	const title = checkTitle(form.get('title'));
	if (!title.ok) errors.push({ field: 'title', message: title.message });
	const theme = field(form, 'theme');
	if (theme && !isTheme(theme)) errors.push({ field: 'theme', message: 'Thème inconnu.' });
	const summary = field(form, 'summary');
	if (hasUnshowable(summary, true)) errors.push({ field: 'summary', message: UNSHOWABLE_MESSAGE });
	else if (summary.length > SUMMARY_MAX_LENGTH)
		errors.push({
			field: 'summary',
			message: `Le résumé ne doit pas dépasser ${SUMMARY_MAX_LENGTH} caractères.`
		});
	const dueDate = checkDueDate(field(form, 'dueDate'));
	if (!dueDate.ok) errors.push({ field: 'dueDate', message: dueDate.message });
	const organisations = await checkOrganisations(
		db,
		user.territoryId,
		form.getAll('organisations').map(String)
	);
	if (!organisations.ok) errors.push({ field: 'organisations', message: organisations.message });
	if (errors.length || !title.ok || !dueDate.ok || !organisations.ok) return refuse(errors);
	return {
		ok: true,
		value: {
			title: title.value,
			theme: theme || null,
			summary,
			dueDate: dueDate.value,
			organisationIds: organisations.value
		}
	};
}

/** Everything needed to create a document, checked; the creator is one half of the binôme. */
export async function parseNewDocument(
	db: Db,
	creator: Pick<SessionUser, 'id' | 'territoryId' | 'organisationKind'>,
	form: FormData
): Promise<CheckedForm<{ input: NewDocument; template: Template }>> {
	const errors: FieldError[] = [];
	const kind = field(form, 'kind');
	const template = isKind(kind) ? await getTemplate(db, field(form, 'template') || kind) : null;
	if (!isKind(kind)) errors.push({ field: 'kind', message: 'Type de document inconnu.' });
	else if (!template || template.kind !== kind)
		errors.push({
			field: 'template',
			message: 'Ce modèle ne correspond pas au type de document choisi.'
		});
	const metadata = await parseMetadata(db, creator, form);
	if (!metadata.ok) errors.push(...metadata.errors);
	const partnerId = field(form, 'partner');
	const partner = partnerId ? await findTerritoryUser(db, creator.territoryId, partnerId) : null;
	const binome =
		partnerId && !partner
			? 'Le second co-pilote n’appartient pas au territoire.'
			: checkBinome({ id: creator.id, organisationKind: creator.organisationKind }, partner);
	if (binome) errors.push({ field: 'partner', message: binome });
	// Fields in the order of the form, so the summary and the focus follow the page.
	const ORDER = [
		'title',
		'kind',
		'template',
		'partner',
		'theme',
		'dueDate',
		'summary',
		'organisations'
	];
	errors.sort((a, b) => ORDER.indexOf(a.field) - ORDER.indexOf(b.field));
	if (errors.length || !metadata.ok || !template || !partner) return refuse(errors);
	return {
		ok: true,
		value: {
			input: { ...metadata.value, kind: kind as DocumentKind, partnerId: partner.id },
			template
		}
	};
}
