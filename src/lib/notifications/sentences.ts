// What a notification says and where it leads: shared by the notifications page and the route
// that follows one (and, later, by e-mail). Plain text: the page escapes it like any text.

export type NotificationKind =
	| 'thread_created'
	| 'reply'
	| 'thread_resolved'
	| 'thread_reopened'
	| 'mention'
	| 'avis'
	| 'access_request'
	| 'club_join_request'
	| 'club_joined'
	| 'consultation_opened'
	| 'observation'
	| 'observation_answered'
	| 'validated'
	| 'returned';

export interface NotificationFacts {
	kind: NotificationKind;
	actorName: string | null;
	documentTitle: string | null;
	clubName: string | null;
	verdict: 'favorable' | 'reserves' | 'defavorable' | null;
}

export interface NotificationLink {
	kind: NotificationKind;
	documentId: string | null;
	threadId: string | null;
	clubId: string | null;
}

const VERDICTS = {
	favorable: 'favorable',
	reserves: 'favorable avec réserves',
	defavorable: 'défavorable'
} as const;

/** « Club RH », but « club « Finances » » when the name does not say club (after le, du). */
function club(name: string | null): string {
	if (!name) return 'club';
	return /^club\b/i.test(name) ? name : `club « ${name} »`;
}

function on(title: string | null): string {
	return title ? `« ${title} »` : 'un document';
}

/** One French sentence per kind, e.g. « Julien Roux a répondu dans un fil sur « … » ». */
export function notificationSentence(n: NotificationFacts): string {
	// A deleted account leaves its notifications without an actor.
	const who = n.actorName ?? 'Quelqu’un';
	const doc = on(n.documentTitle);
	switch (n.kind) {
		case 'thread_created':
			return n.clubName
				? `${who} a ouvert un fil de commentaires au nom du ${club(n.clubName)} sur ${doc}`
				: `${who} a ouvert un fil de commentaires sur ${doc}`;
		case 'reply':
			return `${who} a répondu dans un fil de commentaires sur ${doc}`;
		case 'thread_resolved':
			return `${who} a résolu un fil de commentaires sur ${doc}`;
		case 'thread_reopened':
			return `${who} a rouvert un fil de commentaires sur ${doc}`;
		case 'mention':
			return `${who} vous a mentionné dans un commentaire sur ${doc}`;
		case 'avis':
			return n.verdict
				? `Avis du ${club(n.clubName)} sur ${doc} : ${VERDICTS[n.verdict]}`
				: `Avis du ${club(n.clubName)} sur ${doc}`;
		case 'access_request':
			return `${who} demande l’accès au document ${doc}`;
		case 'club_join_request':
			return `${who} demande à rejoindre le ${club(n.clubName)}`;
		case 'club_joined':
			return `Vous avez rejoint le ${club(n.clubName)}`;
		case 'consultation_opened':
			return `${who} vous consulte sur ${doc} : vos observations sont attendues`;
		case 'observation':
			return `${who} a formulé une observation sur ${doc}`;
		case 'observation_answered':
			return `${who} a répondu à votre observation sur ${doc}`;
		case 'validated':
			return n.actorName ? `${who} a validé ${doc}` : `${doc} est validé tacitement`;
		case 'returned':
			return `${who} a remis ${doc} en brouillon`;
	}
}

/**
 * Where following it leads: a thread opens on the document page (`?fil=`), an avis or an
 * access request on the document (where the binôme answers), a club's news on the club page.
 */
export function notificationHref(n: NotificationLink): string {
	switch (n.kind) {
		case 'thread_created':
		case 'reply':
		case 'thread_resolved':
		case 'thread_reopened':
		case 'mention':
		case 'observation':
		case 'observation_answered':
			if (n.documentId && n.threadId)
				return `/documents/${n.documentId}?fil=${encodeURIComponent(n.threadId)}`;
			break;
		case 'avis':
		case 'access_request':
		case 'consultation_opened':
		case 'validated':
		case 'returned':
			break;
		case 'club_join_request':
		case 'club_joined':
			if (n.clubId) return `/clubs/${n.clubId}`;
			return '/notifications';
	}
	return n.documentId ? `/documents/${n.documentId}` : '/notifications';
}

/** The badge's text: the count, « 99+ » beyond. */
export function bellCount(unread: number): string {
	return unread > 99 ? '99+' : String(unread);
}

/** « Notifications, 3 non lues » — the bell's accessible name (it holds the badge's text). */
export function bellLabel(unread: number): string {
	if (unread === 0) return 'Notifications, aucune non lue';
	return `Notifications, ${bellCount(unread)} non ${unread === 1 ? 'lue' : 'lues'}`;
}
