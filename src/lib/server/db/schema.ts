// Table shapes as the database stores them. Rows become domain objects in each feature's queries.
import type { ColumnType, Generated } from 'kysely';
import type { ListKind, PersonFunction } from '../../distribution/vocabulary';

/** bigint columns come back as numbers on SQLite and as strings on PostgreSQL: normalise at the edge. */
type Millis = ColumnType<number, number, number>;

export type TerritoryRole = 'membre' | 'direction' | 'admin';
export type OrganisationKind = 'epci' | 'commune';
/** Per-document roles, strongest first. `colead`: one of the binôme of co-pilotes. */
export type DocumentRole = 'colead' | 'editor' | 'annotator' | 'reader';
export type OrganisationRole = Exclude<DocumentRole, 'colead'>;

export interface TerritoryTable {
	id: string;
	name: string;
	kind: string;
	created_at: Millis;
	/** IANA time zone in which dates are shown (migration 0007). */
	time_zone: Generated<string>;
	/** Calendar days of a consultation before tacit validation (migration 0017). */
	consultation_days: Generated<number>;
}

export interface OrganisationTable {
	id: string;
	territory_id: string;
	name: string;
	kind: OrganisationKind;
	insee_code: string | null;
	population: number | null;
	created_at: Millis;
}

export interface AppUserTable {
	id: string;
	organisation_id: string;
	email: string;
	display_name: string;
	job_title: string;
	territory_role: TerritoryRole;
	password_hash: string;
	created_at: Millis;
	/** Structured function (migration 0016), beside the free-text job title; null: not said. */
	function: PersonFunction | null;
}

export interface SessionTable {
	id: string;
	user_id: string;
	created_at: Millis;
	expires_at: Millis;
}

export interface DocumentTable {
	id: string;
	territory_id: string;
	title: string;
	created_by: string;
	created_at: Millis;
	updated_at: Millis;
	kind: string;
	theme: string | null;
	summary: string;
	due_date: string | null;
	status: string;
}

export interface DocumentOrganisationTable {
	document_id: string;
	organisation_id: string;
}

export interface DocumentOrgMemberTable {
	document_id: string;
	organisation_id: string;
	role: OrganisationRole;
	added_by: string | null;
	added_at: Millis;
}

export interface DocumentTemplateTable {
	id: string;
	kind: string;
	name: string;
	body: string;
	position: number;
	updated_by: string | null;
	updated_at: Millis;
}

export interface DocumentSearchTable {
	document_id: string;
	title: string;
	body: string;
}

/** Search terms of a document's text: stems and words, folded (migration 0006). */
export interface DocumentTermsTable {
	document_id: string;
	terms: string;
}

export interface DocumentMemberTable {
	document_id: string;
	user_id: string;
	role: DocumentRole;
	added_by: string | null;
	added_at: Millis;
}

export interface DocumentUpdateTable {
	document_id: string;
	seq: Millis;
	user_id: string | null;
	/** 1: `data` is one Yjs update; more: a list of that many (documents/journal.ts). */
	updates: Generated<number>;
	data: Uint8Array;
	created_at: Millis;
}

export interface DocumentSnapshotTable {
	document_id: string;
	upto_seq: Millis;
	state: Uint8Array;
	updated_at: Millis;
}

export type AccessRequestStatus = 'pending' | 'accepted' | 'refused';

export interface DocumentAccessRequestTable {
	id: string;
	document_id: string;
	user_id: string;
	message: string;
	status: AccessRequestStatus;
	created_at: Millis;
	decided_by: string | null;
	decided_at: Millis | null;
}

/** A document whose stored state could not be read (migration 0010). */
export interface DocumentDamageTable {
	document_id: string;
	detected_at: Millis;
	/** What failed, with the rows found unreadable (for the administrator). */
	detail: string;
	repaired_at: Millis | null;
	repaired_by: string | null;
}

/** A journal row or snapshot that could not be read, moved aside by the repair, kept as is. */
export interface DocumentSetAsideTable {
	id: string;
	document_id: string;
	source: 'update' | 'snapshot';
	seq: Millis;
	user_id: string | null;
	updates: Generated<number>;
	data: Uint8Array;
	stored_at: Millis;
	error: string;
	set_aside_at: Millis;
	set_aside_by: string | null;
}

/** A version: a point of the journal (migration 0011, documents/versions.ts). */
export interface DocumentVersionTable {
	id: string;
	document_id: string;
	seq: Millis;
	from_seq: Millis;
	kind: 'auto' | 'named' | 'restore';
	name: string | null;
	comment: string | null;
	created_by: string | null;
	created_at: Millis;
	updates: number;
	chars_added: number;
	chars_removed: number;
	/** For a restore: the version brought back. */
	restored_from: string | null;
	/** The changes this version brought, as prosemirror-changeset JSON (null: not computed). */
	changes: string | null;
}

/** The journal position a user last had of a document (« since your last visit »). */
export interface DocumentVisitTable {
	document_id: string;
	user_id: string;
	seen_seq: Millis;
	seen_at: Millis;
}

export interface DocumentVersionAuthorTable {
	version_id: string;
	user_id: string;
	organisation_id: string;
	updates: number;
	chars_added: number;
	chars_removed: number;
}

/** The full state at some versions, so that opening one replays few journal rows. */
export interface DocumentCheckpointTable {
	document_id: string;
	seq: Millis;
	state: Uint8Array;
	created_at: Millis;
}

export type ClubRole = 'animateur' | 'membre';

/** A club métier of the territory (migration 0014, lib/server/clubs). */
export interface ClubTable {
	id: string;
	territory_id: string;
	name: string;
	theme: string;
	description: string;
	created_by: string | null;
	created_at: Millis;
}

export interface ClubMemberTable {
	club_id: string;
	user_id: string;
	role: ClubRole;
	added_by: string | null;
	added_at: Millis;
}

export interface ClubJoinRequestTable {
	id: string;
	club_id: string;
	user_id: string;
	message: string;
	status: AccessRequestStatus;
	created_at: Millis;
	decided_by: string | null;
	decided_at: Millis | null;
}

/** A club invited to annotate a document: its members are annotators of it. */
export interface DocumentClubTable {
	document_id: string;
	club_id: string;
	invited_by: string | null;
	invited_at: Millis;
}

export type ThreadStatus = 'open' | 'resolved';

/** An anchored comment thread (lib/server/comments): outside the Y.Doc. */
export interface CommentThreadTable {
	id: string;
	document_id: string;
	author_id: string;
	/** Posted on behalf of this club (au nom du club). */
	club_id: string | null;
	/** Encoded Yjs relative positions of the passage's start and end. */
	/** Null: about the whole document (an observation may be). */
	anchor_start: Uint8Array | null;
	anchor_end: Uint8Array | null;
	/** The passage's text when the thread was opened. */
	quote: string;
	status: ThreadStatus;
	resolved_by: string | null;
	resolved_at: Millis | null;
	created_at: Millis;
	updated_at: Millis;
	/** An observation of this consultation (migration 0017). */
	consultation_id: Generated<string | null>;
	/** 1: blocks tacit validation until answered. */
	blocking: Generated<number>;
	answer: Generated<'accepted' | 'rejected' | null>;
	answer_reason: Generated<string | null>;
	answered_by: Generated<string | null>;
	/** bigint (a string on PostgreSQL): read with Number(). */
	answered_at: Generated<number | null>;
}

export interface CommentTable {
	id: string;
	thread_id: string;
	author_id: string;
	body: string;
	created_at: Millis;
	edited_at: Millis | null;
	deleted_at: Millis | null;
}

export interface CommentMentionTable {
	comment_id: string;
	user_id: string;
}

export type AvisVerdict = 'favorable' | 'reserves' | 'defavorable';

/** A club's formal avis on a version of a document: never edited, superseded by a later one. */
export interface ClubAvisTable {
	id: string;
	document_id: string;
	club_id: string;
	version_id: string;
	verdict: AvisVerdict;
	body: string;
	issued_by: string;
	issued_at: Millis;
}

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

/** An in-app notification, kept for e-mail to send later (`emailed_at`). */
export interface NotificationTable {
	id: string;
	user_id: string;
	kind: NotificationKind;
	actor_id: string | null;
	document_id: string | null;
	thread_id: string | null;
	club_id: string | null;
	/** A short text shown with it (the comment's beginning, the avis, the request's message). */
	excerpt: string;
	created_at: Millis;
	read_at: Millis | null;
	emailed_at: Millis | null;
}

export type OutboxStatus = 'pending' | 'sent' | 'failed' | 'held';

/** One e-mail to send (migration 0015); its state lives here so that a restart carries on. */
export interface EmailOutboxTable {
	id: string;
	recipient_address: string;
	recipient_name: string;
	user_id: string | null;
	kind: string;
	subject: string;
	body_text: string;
	body_html: string;
	status: OutboxStatus;
	attempts: number;
	next_attempt_at: Millis;
	last_error: string | null;
	dedupe_key: string | null;
	created_at: Millis;
	sent_at: Millis | null;
}

export type EmailPreference = 'immediate' | 'daily' | 'never';

/** A user's choice for notification e-mails; no row: 'immediate'. */
export interface NotificationPreferenceTable {
	user_id: string;
	email: EmailPreference;
	updated_at: Millis;
}

/** Process-wide secrets generated on first start (the key that signs links). */
export interface AppSecretTable {
	name: string;
	value: string;
	created_at: Millis;
}

/** A distribution list of the territory (migration 0016, lib/server/distribution). */
export interface DistributionListTable {
	id: string;
	territory_id: string;
	name: string;
	description: string;
	kind: ListKind;
	/** Kind 'club' (null once the club is deleted). */
	club_id: string | null;
	created_by: string | null;
	created_at: Millis;
	updated_at: Millis;
}

/** Kind 'functions': the functions whose holders the list reaches. */
export interface DistributionListFunctionTable {
	list_id: string;
	function: PersonFunction;
}

/** Kind 'manual': a user of the territory, or a person without an account (name + address). */
export interface DistributionListMemberTable {
	id: string;
	list_id: string;
	user_id: string | null;
	name: string | null;
	/** Normalised (trimmed, lower case); null for a user, whose address is read from app_user. */
	email: string | null;
	added_by: string | null;
	added_at: Millis;
}

export type DocumentStatus = 'brouillon' | 'consultation' | 'valide' | 'publie' | 'archive';

/** A consultation of a named version (migration 0017, lib/server/lifecycle). */
export interface ConsultationTable {
	id: string;
	document_id: string;
	version_id: string;
	opened_by: string;
	opened_at: Millis;
	deadline_at: Millis;
	status: 'open' | 'validated' | 'returned';
	outcome: 'explicit' | 'tacit' | null;
	closed_by: string | null;
	closed_at: Millis | null;
}

export interface ConsultationInviteeTable {
	consultation_id: string;
	user_id: string;
	/** Consulted through this organisation (null: chosen by name). */
	organisation_id: string | null;
}

/** One step of a document's life cycle: who, when, why, on which version. */
export interface DocumentTransitionTable {
	id: string;
	document_id: string;
	from_status: DocumentStatus;
	to_status: DocumentStatus;
	action: string;
	/** Null: the server itself (tacit validation). */
	actor_id: string | null;
	reason: string;
	version_id: string | null;
	consultation_id: string | null;
	at: Millis;
}

export interface Database {
	territory: TerritoryTable;
	organisation: OrganisationTable;
	app_user: AppUserTable;
	session: SessionTable;
	document: DocumentTable;
	document_member: DocumentMemberTable;
	document_update: DocumentUpdateTable;
	document_snapshot: DocumentSnapshotTable;
	document_organisation: DocumentOrganisationTable;
	document_org_member: DocumentOrgMemberTable;
	document_template: DocumentTemplateTable;
	document_search: DocumentSearchTable;
	document_terms: DocumentTermsTable;
	document_access_request: DocumentAccessRequestTable;
	document_damage: DocumentDamageTable;
	document_set_aside: DocumentSetAsideTable;
	document_version: DocumentVersionTable;
	document_version_author: DocumentVersionAuthorTable;
	document_checkpoint: DocumentCheckpointTable;
	document_visit: DocumentVisitTable;
	club: ClubTable;
	club_member: ClubMemberTable;
	club_join_request: ClubJoinRequestTable;
	document_club: DocumentClubTable;
	comment_thread: CommentThreadTable;
	comment: CommentTable;
	comment_mention: CommentMentionTable;
	club_avis: ClubAvisTable;
	notification: NotificationTable;
	consultation: ConsultationTable;
	consultation_invitee: ConsultationInviteeTable;
	document_transition: DocumentTransitionTable;
	email_outbox: EmailOutboxTable;
	notification_preference: NotificationPreferenceTable;
	app_secret: AppSecretTable;
	distribution_list: DistributionListTable;
	distribution_list_function: DistributionListFunctionTable;
	distribution_list_member: DistributionListMemberTable;
}
