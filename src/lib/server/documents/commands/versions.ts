// Naming a version (issue 11): a co-pilote, or the direction, gives the document's current
// state a name (« Projet v2 pour le comité d'appui ») and an optional comment.
import * as Y from 'yjs';
import type { Node as PMNode } from 'prosemirror-model';
import { updateYFragment, yXmlFragmentToProseMirrorRootNode } from '@tiptap/y-tiptap';
import { inTransaction, type Db } from '../../db';
import type { CollabHub } from '../../runtime';
import { ID_PATTERN } from '../../ids';
import { DOCUMENT_FRAGMENT } from '../../../documents/schema';
import { editorSchema } from '../content';
import type { Actor } from '../access';
import { hasUnshowable, isBlank, UNSHOWABLE_MESSAGE } from '../rules';
import { appendUpdates, journalEntry, readStoredDocument } from '../journal';
import { getVersion, lastJournalSeq, recordVersion, stateAt } from '../versions';
import { authorize, done, invalid, text, type CommandResult } from './result';

export const VERSION_NAME_MAX_LENGTH = 120;
export const VERSION_COMMENT_MAX_LENGTH = 1_000;
export const VERSION_STEERS_ONLY =
	'Seuls le binôme de co-pilotes et la direction générale nomment et restaurent des versions.';

export function nameVersion(
	db: Db,
	actor: Actor,
	documentId: string,
	input: { name: unknown; comment: unknown },
	now = Date.now()
): Promise<CommandResult<{ versionId?: string }>> {
	return inTransaction(db, async (trx) => {
		const denied = await authorize(
			trx,
			actor,
			documentId,
			(a) => a.canChangeBinome,
			VERSION_STEERS_ONLY
		);
		if (denied) return denied;
		const name = text(input.name).trim();
		const comment = text(input.comment).trim();
		if (isBlank(name)) return invalid(400, 'Donnez un nom à la version.', 'name');
		if (hasUnshowable(name)) return invalid(400, UNSHOWABLE_MESSAGE, 'name');
		if (hasUnshowable(comment, true)) return invalid(400, UNSHOWABLE_MESSAGE, 'comment');
		if (name.length > VERSION_NAME_MAX_LENGTH)
			return invalid(
				400,
				`Le nom d’une version tient en ${VERSION_NAME_MAX_LENGTH} caractères au plus.`,
				'name'
			);
		if (comment.length > VERSION_COMMENT_MAX_LENGTH)
			return invalid(
				400,
				`Le commentaire tient en ${VERSION_COMMENT_MAX_LENGTH} caractères au plus.`,
				'comment'
			);
		const version = await recordVersion(trx, documentId, {
			kind: 'named',
			name,
			comment: comment || null,
			by: actor.id,
			now
		});
		return { ...done(documentId, `Version « ${name} » enregistrée.`), versionId: version?.id };
	});
}

export const UNKNOWN_VERSION = 'Version introuvable pour ce document.';
/** A version or a comparison whose stored rows cannot be read (the page fails, not the process). */
export const UNREADABLE_HISTORY =
	'Cette partie de l’historique ne peut pas être lue ; l’administrateur est prévenu.';
export const RESTORE_FAILED =
	'La restauration n’a pas pu être faite : le document n’a pas été modifié. Réessayez dans un instant ; si cela persiste, prévenez l’administrateur.';

/** What a restore needs from the collaboration hub (`runtime().collab`, null while none runs). */
export type RestoreHub = Pick<CollabHub, 'flushDocument' | 'applyServerChange'> | null;

/**
 * Restores a version (issue 11): the current document becomes that version's content through
 * an ordinary collaborative change — y-tiptap's updateYFragment, the editor binding's own diff,
 * so unchanged passages keep their items (and offline edits to them still merge) — stored with
 * the restorer as author and broadcast live. The state just before is recorded as a version
 * first, so a restore is undone by restoring that one; the restore is itself a version. The
 * history is never rewritten. Not one transaction: the room's journal writes on its own.
 */
export async function restoreVersion(
	db: Db,
	hub: RestoreHub,
	actor: Actor,
	documentId: string,
	versionId: unknown,
	now = Date.now()
): Promise<CommandResult<{ versionId?: string }>> {
	const denied = await authorize(
		db,
		actor,
		documentId,
		(a) => a.canChangeBinome,
		VERSION_STEERS_ONLY
	);
	if (denied) return denied;
	const id = text(versionId);
	const version = ID_PATTERN.test(id) ? await getVersion(db, documentId, id) : null;
	if (!version) return invalid(404, UNKNOWN_VERSION);
	let changed: boolean;
	try {
		const target = await versionContent(db, documentId, version.seq);
		const change = (doc: Y.Doc) =>
			updateYFragment(doc, doc.getXmlFragment(DOCUMENT_FRAGMENT), target, {
				mapping: new Map(),
				isOMark: new Map()
			});
		await hub?.flushDocument(documentId);
		await recordVersion(db, documentId, { kind: 'auto', now }); // the state before, if new
		changed = hub
			? await hub.applyServerChange(documentId, actor.id, change)
			: await changeStoredDocument(db, documentId, actor.id, change);
	} catch (error) {
		// Unreadable storage, a server restarting, a refused write: the change is stored before
		// anyone is sent it, so nobody saw it; the message says to check and try again.
		console.error(`restore of ${documentId} failed: ${(error as Error).message}`);
		return invalid(503, RESTORE_FAILED);
	}
	if (!changed)
		return done(documentId, 'Le document est déjà identique à cette version : rien n’a changé.');
	let restore: Awaited<ReturnType<typeof recordVersion>> = null;
	try {
		restore = await recordVersion(db, documentId, {
			kind: 'restore',
			by: actor.id,
			restoredFrom: version.id,
			now: now + 1 // after the version of the state before, in the same millisecond
		});
	} catch (error) {
		// The change is stored and seen: the next automatic version will cover it.
		console.error(`restore version of ${documentId} not recorded: ${(error as Error).message}`);
	}
	return {
		...done(
			documentId,
			'Version restaurée : le document a repris ce contenu pour tous les participants.'
		),
		versionId: restore?.id
	};
}

/** The document at a version, as the editor's ProseMirror document. */
async function versionContent(db: Db, documentId: string, seq: number): Promise<PMNode> {
	const source = await stateAt(db, documentId, seq);
	try {
		return yXmlFragmentToProseMirrorRootNode(
			source.getXmlFragment(DOCUMENT_FRAGMENT),
			editorSchema()
		);
	} finally {
		source.destroy();
	}
}

/** Without a collaboration server in this process: the change goes straight to the journal. */
async function changeStoredDocument(
	db: Db,
	documentId: string,
	userId: string,
	change: (doc: Y.Doc) => void
): Promise<boolean> {
	const doc = await readStoredDocument(db, documentId);
	try {
		const updates: Uint8Array[] = [];
		doc.on('update', (update: Uint8Array) => updates.push(update));
		doc.transact(() => change(doc));
		if (updates.length === 0) return false;
		await appendUpdates(db, documentId, await lastJournalSeq(db, documentId), [
			journalEntry(userId, updates)
		]);
		return true;
	} finally {
		doc.destroy();
	}
}
