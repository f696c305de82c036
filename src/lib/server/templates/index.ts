import * as Y from 'yjs';
import type { Db } from '../db';
import { checkUpdate } from '../documents/update-check';
import { updateFromProsemirrorJson } from '../documents/content';
import { documentSchema, type PMNode } from '../../documents/schema';
import { DEFAULT_TEMPLATES } from './defaults';

export interface Template {
	id: string;
	kind: string;
	name: string;
	body: PMNode;
}

/** Inserts the default templates that are missing (first start, or a new default). */
export async function ensureDefaultTemplates(db: Db, now = Date.now()): Promise<void> {
	const existing = new Set(
		(await db.selectFrom('document_template').select('id').execute()).map((t) => t.id)
	);
	const missing = DEFAULT_TEMPLATES.filter((t) => !existing.has(t.id));
	if (missing.length === 0) return;
	await db
		.insertInto('document_template')
		.values(
			missing.map((t) => ({
				id: t.id,
				kind: t.kind,
				name: t.name,
				body: JSON.stringify(t.body),
				position: DEFAULT_TEMPLATES.indexOf(t),
				updated_by: null,
				updated_at: now
			}))
		)
		.execute();
}

export async function listTemplates(db: Db): Promise<Template[]> {
	const rows = await db
		.selectFrom('document_template')
		.select(['id', 'kind', 'name', 'body'])
		.orderBy('position')
		.orderBy('name')
		.execute();
	return rows.map((r) => ({ ...r, body: JSON.parse(r.body) as PMNode }));
}

export async function getTemplate(db: Db, id: string): Promise<Template | null> {
	const row = await db
		.selectFrom('document_template')
		.select(['id', 'kind', 'name', 'body'])
		.where('id', '=', id)
		.executeTakeFirst();
	return row ? { ...row, body: JSON.parse(row.body) as PMNode } : null;
}

/** Validates a template body against the document schema; returns a French message or null. */
/**
 * A template becomes the first content of documents: it is checked as an editor's update is
 * (documents/update-check.ts: nodes, attributes, marks, link schemes), after ProseMirror's own
 * check of the structure.
 */
export function checkTemplateBody(body: unknown): string | null {
	let update: Uint8Array;
	try {
		documentSchema().nodeFromJSON(body).check();
		update = updateFromProsemirrorJson(body as PMNode);
	} catch {
		return 'Le contenu du modèle n’est pas valide.';
	}
	if (checkUpdate(new Y.Doc(), update) !== null)
		return 'Le contenu du modèle n’est pas valide : un lien, un attribut ou un élément n’est pas autorisé.';
	return null;
}

export async function saveTemplate(
	db: Db,
	id: string,
	name: string,
	body: PMNode,
	by: string,
	now = Date.now()
): Promise<void> {
	await db
		.updateTable('document_template')
		.set({ name, body: JSON.stringify(body), updated_by: by, updated_at: now })
		.where('id', '=', id)
		.execute();
}

/** The Yjs update that gives a new document the template's structure. */
export function instantiateTemplate(template: Template): Uint8Array {
	return updateFromProsemirrorJson(template.body);
}
