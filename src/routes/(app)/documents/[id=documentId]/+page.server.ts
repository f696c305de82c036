import { fail } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';
import {
	commands,
	epciFirst,
	getDocument,
	listMembers,
	listOrganisationMembers,
	type CommandFailure,
	type CommandResult
} from '$lib/server/documents';
import { listPendingAccessRequests } from '$lib/server/documents/queries';
import { renderStoredHtml } from '$lib/server/documents/render';
import { UnreadableStorageError } from '$lib/server/documents/journal';
import { setAsideNote } from '$lib/server/documents/storage-damage';
import { lastJournalSeq, listVersions, withAuthorNames } from '$lib/server/documents/versions';
import { markSeen, sinceLastVisit } from '$lib/server/documents/visits';
import { requireDocumentAccess, settle } from '$lib/server/documents/page-access';
import { listOrganisations, listTerritoryUsers } from '$lib/server/territory/queries';
import { db, runtime } from '$lib/server/runtime';
import type { GrantableRole } from '$lib/documents/vocabulary';
import { readForm } from '$lib/server/http/form';
import { lifecycleView } from '$lib/server/lifecycle/queries';
import {
	answerObservation,
	extendConsultation,
	openConsultation,
	postObservation,
	returnToDraft,
	validateConsultation
} from '$lib/server/lifecycle/commands';
import { passageReader } from '$lib/server/comments/passage';
import { broadcastFor } from '$lib/server/comments/broadcast';
import {
	inviteClub,
	listAvis,
	listInvitedClubs,
	listTerritoryClubs,
	uninviteClub
} from '$lib/server/clubs';

export const load: PageServerLoad = async ({ locals, params, request }) => {
	const user = locals.user!;
	const access = await requireDocumentAccess(db(), user, params.id);
	const document = (await getDocument(db(), params.id))!;
	const [
		members,
		organisationMembers,
		organisations,
		accessRequests,
		contentHtml,
		setAside,
		versions
	] = await Promise.all([
		listMembers(db(), params.id),
		listOrganisationMembers(db(), params.id),
		listOrganisations(db(), user.territoryId),
		access.canManage ? listPendingAccessRequests(db(), params.id) : [],
		// The stored text as read-only HTML: readable before the editor's script arrives.
		// Unreadable storage fails the editor with its own message, not the page.
		renderStoredHtml(db(), params.id).catch((error) => {
			if (error instanceof UnreadableStorageError) return '';
			throw error;
		}),
		setAsideNote(db(), params.id),
		listVersions(db(), params.id, { limit: 5 }).then((list) => withAuthorNames(db(), list))
	]);
	// What others changed since this user last had the document, then this visit is recorded
	// (on opening the page: not when the page data is reloaded after one of its forms, which
	// would take the offer away before it was read).
	const sinceVisit = await sinceLastVisit(db(), params.id, user.id);
	if (request.method === 'GET')
		await markSeen(db(), params.id, user.id, await lastJournalSeq(db(), params.id));
	const users =
		access.canManage || access.canChangeBinome
			? await listTerritoryUsers(db(), user.territoryId)
			: [];
	return {
		document: {
			id: document.id,
			title: document.title,
			kind: document.kind,
			theme: document.theme,
			status: document.status,
			summary: document.summary,
			dueDate: document.dueDate,
			organisationIds: document.organisationIds,
			updatedAt: document.updatedAt
		},
		access: {
			role: access.role,
			canEdit: access.canEdit,
			canAnnotate: access.canAnnotate,
			canManage: access.canManage,
			canChangeBinome: access.canChangeBinome
		},
		binome: members.filter((m) => m.role === 'colead').sort(epciFirst),
		members: members.filter((m) => m.role !== 'colead'),
		organisationMembers,
		organisations,
		users,
		accessRequests,
		contentHtml,
		setAside,
		versions,
		sinceVisit,
		// The life cycle: status steps, the open consultation, what the binôme can open it on.
		lifecycle: await lifecycleView(db(), params.id, user.id, user.territoryId),
		// Naming (and restoring) versions: the binôme and the direction générale.
		canNameVersions: access.canChangeBinome,
		// Clubs métiers invited to annotate, the clubs the binôme may invite, and their avis.
		...(await clubsOf(params.id, user.territoryId, access.canManage))
	};
};

async function clubsOf(documentId: string, territoryId: string, canManage: boolean) {
	const [invitedClubs, territoryClubs, avis] = await Promise.all([
		listInvitedClubs(db(), documentId),
		canManage ? listTerritoryClubs(db(), territoryId) : [],
		listAvis(db(), documentId)
	]);
	return { invitedClubs, territoryClubs, avis };
}

/** Every command result goes through settle (error page, sockets closed); actions only word the rest for their form. */
const run = <T extends object>(pending: Promise<CommandResult<T>>) =>
	settle(runtime().collab, pending);

/**
 * The previous state of a participant change, as the form that puts it back (« Annuler »):
 * undoing goes through the same commands, with the same checks.
 */
export type Undo =
	| { action: 'setMember'; userId: string; role: GrantableRole }
	| { action: 'removeMember'; userId: string }
	| { action: 'setOrganisation'; organisationId: string; role: GrantableRole }
	| { action: 'removeOrganisation'; organisationId: string };

const refused = (result: CommandFailure) =>
	fail(result.status, { memberMessage: result.message, memberError: true });

const isUndo = (form: FormData) => form.get('undo') === '1';

/**
 * The answer to a role given to a person or an organisation: after an undo, what was put back;
 * otherwise the command's message and the « Annuler » that restores the previous state.
 */
async function answerRoleChange(
	form: FormData,
	result: { message: string; previousRole: GrantableRole | null },
	participant: {
		name: () => Promise<string | undefined>;
		remove: Undo;
		restore: (role: GrantableRole) => Undo;
	}
) {
	if (isUndo(form)) {
		const name = await participant.name();
		return {
			memberMessage: result.previousRole
				? `Le rôle de ${name} a été rétabli.`
				: `${name} participe de nouveau au document.`
		};
	}
	const undo: Undo | undefined =
		result.previousRole === null
			? participant.remove
			: result.previousRole !== form.get('role')
				? participant.restore(result.previousRole)
				: undefined;
	return { memberMessage: result.message, undo };
}

/** The life cycle's forms: each answers under its own key (`lifecycleMessage`). */
const lifecycleAnswer = (result: CommandFailure | { ok: true; message: string }) =>
	result.ok
		? { lifecycleMessage: result.message }
		: fail(result.status, {
				lifecycleMessage: result.message,
				lifecycleError: true,
				lifecycleField: result.field ?? null
			});

export const actions: Actions = {
	openConsultation: async ({ locals, params, request }) => {
		const form = await readForm(request);
		return lifecycleAnswer(
			await run(
				openConsultation(db(), locals.user!, params.id, {
					versionId: form.get('versionId'),
					userIds: form.getAll('userIds'),
					organisationIds: form.getAll('organisationIds'),
					deadline: form.get('deadline')
				})
			)
		);
	},
	extendConsultation: async ({ locals, params, request }) => {
		const form = await readForm(request);
		return lifecycleAnswer(
			await run(
				extendConsultation(db(), locals.user!, params.id, { deadline: form.get('deadline') })
			)
		);
	},
	validateConsultation: async ({ locals, params }) =>
		lifecycleAnswer(await run(validateConsultation(db(), locals.user!, params.id))),
	returnToDraft: async ({ locals, params, request }) => {
		const form = await readForm(request);
		return lifecycleAnswer(
			await run(returnToDraft(db(), locals.user!, params.id, { reason: form.get('reason') }))
		);
	},
	postObservation: async ({ locals, params, request }) => {
		const form = await readForm(request);
		const result = await run(
			postObservation(
				db(),
				locals.user!,
				params.id,
				{ body: form.get('body'), blocking: form.get('blocking') },
				passageReader(db(), runtime().collab)
			)
		);
		if (result.ok) broadcastFor(runtime().collab, result);
		return lifecycleAnswer(result);
	},
	answerObservation: async ({ locals, params, request }) => {
		const form = await readForm(request);
		const result = await run(
			answerObservation(db(), locals.user!, params.id, form.get('threadId'), {
				answer: form.get('answer'),
				reason: form.get('reason')
			})
		);
		if (result.ok) broadcastFor(runtime().collab, result);
		return lifecycleAnswer(result);
	},
	setMember: async ({ locals, params, request }) => {
		const form = await readForm(request);
		const userId = String(form.get('userId') ?? '');
		const result = await run(
			commands.setMember(db(), locals.user!, params.id, { userId, role: form.get('role') })
		);
		if (!result.ok) return refused(result);
		return answerRoleChange(form, result, {
			name: async () =>
				(await listMembers(db(), params.id)).find((m) => m.userId === userId)?.displayName,
			remove: { action: 'removeMember', userId },
			restore: (role) => ({ action: 'setMember', userId, role })
		});
	},
	removeMember: async ({ locals, params, request }) => {
		const form = await readForm(request);
		const userId = String(form.get('userId') ?? '');
		const result = await run(commands.removeMember(db(), locals.user!, params.id, { userId }));
		if (!result.ok) return refused(result);
		const undo: Undo | undefined =
			isUndo(form) || !result.previousRole
				? undefined
				: { action: 'setMember', userId, role: result.previousRole };
		return { memberMessage: result.message, undo };
	},
	setOrganisation: async ({ locals, params, request }) => {
		const form = await readForm(request);
		const organisationId = String(form.get('organisationId') ?? '');
		const result = await run(
			commands.setOrganisation(db(), locals.user!, params.id, {
				organisationId,
				role: form.get('role')
			})
		);
		if (!result.ok) return refused(result);
		return answerRoleChange(form, result, {
			name: async () =>
				(await listOrganisationMembers(db(), params.id)).find(
					(o) => o.organisationId === organisationId
				)?.organisationName,
			remove: { action: 'removeOrganisation', organisationId },
			restore: (role) => ({ action: 'setOrganisation', organisationId, role })
		});
	},
	removeOrganisation: async ({ locals, params, request }) => {
		const form = await readForm(request);
		const organisationId = String(form.get('organisationId') ?? '');
		const result = await run(
			commands.removeOrganisation(db(), locals.user!, params.id, { organisationId })
		);
		if (!result.ok) return refused(result);
		const undo: Undo | undefined =
			isUndo(form) || !result.previousRole
				? undefined
				: { action: 'setOrganisation', organisationId, role: result.previousRole };
		return { memberMessage: result.message, undo };
	},
	answerAccessRequest: async ({ locals, params, request }) => {
		const form = await readForm(request);
		const result = await run(
			commands.answerAccessRequest(db(), locals.user!, params.id, {
				requestId: form.get('requestId'),
				decision: form.get('decision'),
				role: form.get('role')
			})
		);
		return result.ok
			? { requestMessage: result.message }
			: fail(result.status, { requestMessage: result.message, requestError: true });
	},
	setBinome: async ({ locals, params, request }) => {
		const form = await readForm(request);
		const result = await run(
			commands.setBinome(db(), locals.user!, params.id, {
				epci: form.get('epci'),
				commune: form.get('commune')
			})
		);
		return result.ok
			? { binomeMessage: result.message }
			: fail(result.status, { binomeMessage: result.message, binomeError: true });
	},
	nameVersion: async ({ locals, params, request }) => {
		const form = await readForm(request);
		const result = await run(
			commands.nameVersion(db(), locals.user!, params.id, {
				name: form.get('name'),
				comment: form.get('comment')
			})
		);
		if (result.ok) return { versionMessage: result.message };
		return fail(result.status, {
			versionMessage: result.message,
			versionError: true,
			versionField: result.field ?? null
		});
	},
	inviteClub: async ({ locals, params, request }) => {
		const form = await readForm(request);
		const result = await run(
			inviteClub(db(), locals.user!, params.id, { clubId: form.get('clubId') })
		);
		return result.ok
			? { clubMessage: result.message }
			: fail(result.status, { clubMessage: result.message, clubError: true });
	},
	removeClub: async ({ locals, params, request }) => {
		const form = await readForm(request);
		const result = await run(
			uninviteClub(db(), locals.user!, params.id, { clubId: form.get('clubId') })
		);
		return result.ok
			? { clubMessage: result.message }
			: fail(result.status, { clubMessage: result.message, clubError: true });
	},
	updateSettings: async ({ locals, params, request }) => {
		const form = await readForm(request);
		const result = await run(commands.updateSettings(db(), locals.user!, params.id, form));
		if (result.ok) return { settingsMessage: result.message };
		// A refusal keeps what was typed, and says which field is wrong.
		return fail(result.status, {
			settingsMessage: result.message,
			settingsError: true,
			settingsField: result.field ?? null
		});
	}
};
