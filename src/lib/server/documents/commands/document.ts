// The document itself: creating it (with its binôme and first content) and its settings.
import { inTransaction, type Db } from '../../db';
import type { SessionUser } from '../../auth/session';
import { indexDocument } from '../../search';
import { instantiateTemplate } from '../../templates';
import type { Actor } from '../access';
import * as queries from '../queries';
import { parseMetadata, parseNewDocument } from '../rules';
import { authorize, COLEADS_ONLY, done, invalid, type CommandResult } from './result';

/**
 * Creates a document from the creation form (kind, template, metadata, `partner`): the creator
 * and the partner are its binôme, its text starts from the template. Anyone of the territory
 * may create one.
 */
export function createDocument(
	db: Db,
	creator: Actor & Pick<SessionUser, 'organisationKind'>,
	form: FormData
): Promise<CommandResult> {
	return inTransaction(db, async (trx) => {
		const parsed = await parseNewDocument(trx, creator, form);
		if (!parsed.ok) return invalid(400, parsed.message, parsed.field, parsed.errors);
		const { input, template } = parsed.value;
		const content = instantiateTemplate(template);
		const documentId = await queries.createDocument(trx, creator, input, content);
		// From the content just written, not read back from the journal; in the same transaction,
		// so no document exists without its search entry.
		await indexDocument(trx, documentId, content);
		return done(documentId, 'Document créé.');
	});
}

/** Title, theme, summary, due date and organisations concerned, from the settings form. */
export function updateSettings(
	db: Db,
	actor: Actor,
	documentId: string,
	form: FormData
): Promise<CommandResult> {
	return inTransaction(db, async (trx) => {
		const denied = await authorize(trx, actor, documentId, (a) => a.canManage, COLEADS_ONLY);
		if (denied) return denied;
		const parsed = await parseMetadata(trx, actor, form);
		if (!parsed.ok) return invalid(400, parsed.message, parsed.field, parsed.errors);
		await queries.updateMetadata(trx, documentId, parsed.value);
		return done(documentId, 'Réglages enregistrés.');
	});
}
