// One open document: the Y.Doc, its offline copy, the websocket, the Tiptap editor, and the
// state the page shows about them (connection, presence, role, what was kept aside, passages to
// check after a merge). Rune state lives here rather than in a component's onMount.
/* eslint-disable svelte/prefer-svelte-reactivity -- the sets and maps here are replaced whole
   ($state.raw) or never read by the view: state vectors, listeners, ids for decorations. */
import { Editor, type AnyExtension } from '@tiptap/core';
import Collaboration from '@tiptap/extension-collaboration';
import CollaborationCaret from '@tiptap/extension-collaboration-caret';
import { CharacterCount } from '@tiptap/extensions';
import { createSubscriber } from 'svelte/reactivity';
import * as Y from 'yjs';
import { WebsocketProvider } from 'y-websocket';
import { IndexeddbPersistence } from 'y-indexeddb';
import * as decoding from 'lib0/decoding';
import * as syncProtocol from 'y-protocols/sync';
import * as authProtocol from 'y-protocols/auth';
import {
	CloseCode,
	MessageType,
	collabUrl,
	isFinalProblem,
	problemFromCloseCode,
	problemFromHttpStatus,
	type ConnectionProblem
} from '$lib/collab/protocol';
import { DOCUMENT_FRAGMENT, documentExtensions } from '$lib/documents/schema';
import type { Role } from '$lib/documents/vocabulary';
import { KEPT_ASIDE, REMOVED_WHILE_OFFLINE, roleChangeNotice, type Access } from './access';
import { editsInRemovedPassages, textTheServerLacks, type AsidePassage } from './keep-aside';
import { passagesEditedOnBothSides, type FlaggedPassage } from './merge-conflicts';
import { mergeFlags, mergeFlagsKey } from './merge-decorations';
import { localCacheName, readNote, writeNote } from './local-cache';
import type { StateVector } from './passages';
import { guardedAwareness, presentPeople, renderCaret, type PresenceUser } from './presence';

export type { Access };

export type ConnectionState = 'connecting' | 'connected' | 'offline' | 'stopped';

/** What a feature beside the text (comment threads) plugs into each live set-up. */
export interface SessionHooks {
	/** Extra editor extensions, built again for each set-up (the Y.Doc is replaced after text is kept aside). */
	extensions?: (doc: Y.Doc, fragment: Y.XmlFragment) => AnyExtension[];
	/** A frame of MessageType.comments from the server (JSON). */
	onComments?: (json: string) => void;
	/** The socket synced: anything missed while apart can be asked again. */
	onSynced?: () => void;
	/** The session stopped for good (access withdrawn, document gone, session ended). */
	onStopped?: (problem: ConnectionProblem) => void;
}

/** What one live set-up (doc, offline copy, socket, editor) knows about its current socket. */
interface Live {
	doc: Y.Doc;
	local: IndexeddbPersistence;
	provider: WebsocketProvider;
	editor: Editor;
	localLoaded: boolean;
	/** This device's state when the socket opened, before any of the server's content. */
	localAtOpen: StateVector | null;
	/** The server's state vector from its sync step 1 on this socket. */
	serverAtJoin: StateVector | null;
	/** This device's edits the server lacked when the socket opened (see #readServerSync). */
	offlineAtJoin: AsidePassage[];
	/** serverAtJoin plus everything the server sent since: what the server is known to hold. */
	serverKnown: StateVector | null;
	/** The merge of this socket was already examined for passages edited on both sides. */
	mergeChecked: boolean;
	/** Passages flagged by that merge (withdrawn if the server then refuses the edits). */
	flaggedHere: string[];
	/** A refusal arrived before the server's state vector: keep aside once it is known. */
	refusalPending: boolean;
	cleanup: () => void;
}

export class EditorSession {
	connection = $state<ConnectionState>('connecting');
	synced = $state(false);
	problem = $state<ConnectionProblem | null>(null);
	people = $state.raw<PresenceUser[]>([]);
	typing = $state.raw<Set<string>>(new Set());
	access = $state.raw<Access>({ role: 'reader', canEdit: false });
	/** The last change of role, in French, until dismissed. */
	notice = $state<string | null>(null);
	/** Text the server lacked when it refused it, until copied away and dropped. */
	aside = $state.raw<AsidePassage[]>([]);
	/** Passages both sides changed while apart, until marked checked. */
	flags = $state.raw<FlaggedPassage[]>([]);
	editor = $state.raw<Editor | null>(null);
	/** The live editor has something to show (else the page keeps the server-rendered copy). */
	ready = $state(false);

	readonly documentId: string;
	readonly me: PresenceUser;
	#onAccess: (access: Access) => void;
	#hooks: SessionHooks;
	#live: Live | null = null;
	#element: HTMLElement | null = null;
	#keepingAside = false;
	#listeners = new Set<() => void>();
	// Follows Tiptap's transactions for whoever reads `counts` in an effect; the
	// editor itself is replaced after text is kept aside, so the subscription is to the session.
	#subscribe = createSubscriber((update) => {
		this.#listeners.add(update);
		return () => this.#listeners.delete(update);
	});

	constructor(options: {
		documentId: string;
		me: PresenceUser;
		access: Access;
		onAccess: (access: Access) => void;
		hooks?: SessionHooks;
	}) {
		this.#hooks = options.hooks ?? {};
		this.documentId = options.documentId;
		this.me = options.me;
		this.access = options.access;
		this.#onAccess = options.onAccess;
		if (typeof localStorage !== 'undefined') {
			this.aside = readNote<AsidePassage[]>('kept-aside', this.me.id, this.documentId) ?? [];
			this.flags = readNote<FlaggedPassage[]>('merge-flags', this.me.id, this.documentId) ?? [];
		}
	}

	get counts(): { words: number; characters: number } | null {
		this.#subscribe();
		const storage = this.editor?.storage as
			{ characterCount?: { words: () => number; characters: () => number } } | undefined;
		return storage?.characterCount
			? { words: storage.characterCount.words(), characters: storage.characterCount.characters() }
			: null;
	}

	/** Starts the session in `element`; returns its teardown. */
	mount(element: HTMLElement): () => void {
		this.#element = element;
		this.#open();
		const goOffline = () => {
			if (this.connection === 'stopped') return;
			this.connection = 'offline';
			this.#live?.provider.disconnect();
		};
		const goOnline = () => {
			if (this.connection === 'stopped') return;
			this.connection = 'connecting';
			if (this.#live?.localLoaded) this.#live.provider.connect();
		};
		window.addEventListener('offline', goOffline);
		window.addEventListener('online', goOnline);
		if (!navigator.onLine) this.connection = 'offline';
		return () => {
			window.removeEventListener('offline', goOffline);
			window.removeEventListener('online', goOnline);
			if (this.#live) this.#close(this.#live);
			this.#element = null;
		};
	}

	/** The user marks a flagged passage as checked; remembered on this device for this user. */
	markChecked(id: string): void {
		this.flags = this.flags.filter((flag) => flag.id !== id);
		writeNote('merge-flags', this.me.id, this.documentId, this.flags);
		this.#redrawFlags();
	}

	/** Moves the caret to a flagged passage and shows it. */
	showPassage(id: string): void {
		const view = this.editor?.view;
		const dom = view?.dom.querySelector(`[data-merge-flag="${CSS.escape(id)}"]`);
		if (!view || !dom) return;
		const pos = view.posAtDOM(dom, 0);
		this.editor!.chain().focus().setTextSelection(pos).scrollIntoView().run();
	}

	/** Access the page learnt by itself (fresh page data): applied without a notice. */
	adopt(access: Access): void {
		if (access.role === this.access.role && access.canEdit === this.access.canEdit) return;
		this.access = access;
		this.#applyEditable();
	}

	discardAside(): void {
		this.aside = [];
		writeNote('kept-aside', this.me.id, this.documentId, null);
	}

	dismissNotice(): void {
		this.notice = null;
	}

	// ---- one live set-up ------------------------------------------------------------------

	#open(): void {
		const element = this.#element;
		if (!element) return;
		const doc = new Y.Doc();
		const fragment = doc.getXmlFragment(DOCUMENT_FRAGMENT);
		// Edits made offline survive a closed tab or a reboot, and merge on reconnection.
		const local = new IndexeddbPersistence(localCacheName(this.me.id, this.documentId), doc);
		const { serverUrl, room } = collabUrl(location.origin, this.documentId);
		// Connect only once the offline copy is loaded, so that the state recorded when the
		// socket opens holds every unsent edit. No BroadcastChannel: another tab's copy of text
		// the server refused would otherwise flow back into the document resynced without it.
		const provider = new WebsocketProvider(serverUrl, room, doc, {
			maxBackoffTime: 5_000,
			connect: false,
			disableBc: true
		});
		// Carets and the presence list read peers' states through a guard: one malformed state
		// must not throw in every render (presence.ts).
		const awareness = guardedAwareness(provider.awareness);
		const flaggedIds = () => new Set(this.flags.map((flag) => flag.id));
		// Attributes are computed while the constructor mounts the view, before `editor` is bound.
		const created: { editor?: Editor } = {};
		const editor = new Editor({
			element,
			editable: this.access.canEdit,
			extensions: [
				...documentExtensions(),
				Collaboration.configure({ document: doc, field: DOCUMENT_FRAGMENT }),
				// Name and colour here are only a local placeholder: the server stamps the real identity.
				CollaborationCaret.configure({
					provider: { awareness },
					user: { name: this.me.name, color: this.me.color },
					render: renderCaret
				}),
				CharacterCount,
				mergeFlags(() => fragment, flaggedIds),
				...(this.#hooks.extensions?.(doc, fragment) ?? [])
			],
			editorProps: {
				attributes: () => ({
					class: 'document-body',
					role: 'textbox',
					'aria-multiline': 'true',
					'aria-label': 'Texte du document',
					'aria-readonly': String(!(created.editor?.isEditable ?? this.access.canEdit))
				})
			},
			onTransaction: ({ transaction }) => {
				for (const listener of this.#listeners) listener();
				if (transaction.docChanged && !transaction.getMeta('y-sync$')) signalTyping();
			}
		});

		created.editor = editor;
		const live: Live = {
			doc,
			local,
			provider,
			editor,
			localLoaded: false,
			localAtOpen: null,
			serverAtJoin: null,
			offlineAtJoin: [],
			serverKnown: null,
			mergeChecked: false,
			flaggedHere: [],
			refusalPending: false,
			cleanup: () => clearTimeout(typingTimer)
		};
		this.#live = live;
		this.editor = editor;
		this.ready = false;
		const current = () => this.#live === live;

		let typingTimer: ReturnType<typeof setTimeout> | undefined;
		function signalTyping() {
			if (!provider.awareness.getLocalState()?.typing)
				provider.awareness.setLocalStateField('typing', true);
			clearTimeout(typingTimer);
			typingTimer = setTimeout(() => provider.awareness.setLocalStateField('typing', false), 2_000);
		}

		void local.whenSynced.then(() => {
			if (!current()) return;
			live.localLoaded = true;
			if (fragment.length > 0) this.ready = true; // else the server-rendered copy stays
			if (navigator.onLine && this.connection !== 'stopped') provider.connect();
		});

		this.#listenToServer(live);

		provider.on('status', ({ status }: { status: string }) => {
			if (!current() || this.connection === 'stopped') return;
			if (status === 'connected') {
				live.localAtOpen = Y.decodeStateVector(Y.encodeStateVector(doc));
				this.connection = 'connected';
				this.problem = null;
			} else {
				Object.assign(live, {
					localAtOpen: null,
					serverAtJoin: null,
					offlineAtJoin: [],
					serverKnown: null,
					mergeChecked: false
				});
				this.connection = navigator.onLine ? 'connecting' : 'offline';
				this.synced = false;
			}
		});
		provider.on('sync', (isSynced: boolean) => {
			if (!current()) return;
			this.synced = isSynced;
			if (isSynced) {
				this.ready = true;
				this.#checkMerge(live);
				this.#hooks.onSynced?.();
			}
		});
		provider.on('connection-close', (event: CloseEvent | null) => {
			// Once stopped, the close our own disconnect() causes (no event) must not explain
			// anything again: its answer would wipe the message that made us stop.
			if (current() && this.connection !== 'stopped') void this.#explainClose(event?.code ?? 1006);
		});

		const refreshPeople = () => {
			const states = awareness.getStates() as Map<number, Record<string, unknown>>;
			this.people = presentPeople(states, this.me);
			this.typing = new Set(
				[...states.entries()]
					.filter(([id, s]) => id !== doc.clientID && s.typing)
					.map(([, s]) => (s.user as PresenceUser | undefined)?.id ?? '')
			);
		};
		provider.awareness.on('change', refreshPeople);
		refreshPeople();
	}

	/** Tears down one set-up; `dropLocalCopy` also deletes its IndexedDB database. */
	async #close(live: Live, dropLocalCopy = false): Promise<void> {
		if (this.#live === live) this.#live = null;
		live.cleanup();
		live.editor.destroy();
		live.provider.destroy();
		if (dropLocalCopy) await live.local.clearData();
		else await live.local.destroy();
		live.doc.destroy();
	}

	/**
	 * Reads the frames y-websocket handles itself: the server's sync step 1 tells its state
	 * vector (y-websocket never acknowledges an update, so that is the one sure account of what
	 * the server holds), its updates extend it, and an auth "permission denied" is a refusal.
	 */
	#listenToServer(live: Live): void {
		const { provider } = live;
		const sync = provider.messageHandlers[MessageType.sync];
		provider.messageHandlers[MessageType.sync] = (encoder, decoder, p, fromSocket, type) => {
			// `fromSocket` is false for frames of other tabs (unused here, disableBc) — only the
			// server's own frames say what the server holds.
			if (fromSocket && this.#live === live) this.#readServerSync(live, decoding.clone(decoder));
			sync(encoder, decoder, p, fromSocket, type);
			if (fromSocket && this.#live === live && live.refusalPending && live.serverKnown) {
				live.refusalPending = false;
				void this.#keepAside(live);
			}
		};
		provider.messageHandlers[MessageType.comments] = (_encoder, decoder) => {
			const json = decoding.readVarString(decoder);
			if (this.#live === live) this.#hooks.onComments?.(json);
		};
		provider.messageHandlers[MessageType.auth] = (_encoder, decoder) => {
			authProtocol.readAuthMessage(decoder, live.doc, () => {
				if (this.#live !== live) return;
				if (live.serverKnown) void this.#keepAside(live);
				else live.refusalPending = true;
			});
		};
	}

	#readServerSync(live: Live, decoder: decoding.Decoder): void {
		const type = decoding.readVarUint(decoder);
		const payload = decoding.readVarUint8Array(decoder);
		if (type === syncProtocol.messageYjsSyncStep1) {
			live.serverAtJoin = Y.decodeStateVector(payload);
			// Before the server's content arrives: this device's edits the server lacks, to
			// tell after the merge those that landed in a passage removed meanwhile.
			live.offlineAtJoin = textTheServerLacks(
				live.doc.getXmlFragment(DOCUMENT_FRAGMENT),
				live.serverAtJoin
			);
			live.serverKnown = new Map(live.serverAtJoin);
			this.#checkMerge(live);
		} else if (live.serverKnown) {
			for (const [client, clock] of Y.parseUpdateMeta(payload).to)
				if (clock > (live.serverKnown.get(client) ?? 0)) live.serverKnown.set(client, clock);
		}
	}

	/**
	 * Once both sides are merged on a new socket (server's state vector known, its content
	 * applied), flags the passages both sides had edited while apart.
	 */
	#checkMerge(live: Live): void {
		if (live.mergeChecked || !live.serverAtJoin || !live.localAtOpen || !live.provider.synced)
			return;
		live.mergeChecked = true;
		if (!this.access.canEdit) return; // a reader's edits do not merge: they are kept aside
		const lost = editsInRemovedPassages(live.doc, live.offlineAtJoin);
		if (lost.length) {
			this.aside = [...this.aside, ...lost];
			writeNote('kept-aside', this.me.id, this.documentId, this.aside);
			this.notice = REMOVED_WHILE_OFFLINE;
		}
		const found = passagesEditedOnBothSides(
			live.doc.getXmlFragment(DOCUMENT_FRAGMENT),
			live.localAtOpen,
			live.serverAtJoin
		);
		const known = new Set(this.flags.map((flag) => flag.id));
		const added = found.filter((flag) => !known.has(flag.id));
		if (added.length === 0) return;
		this.flags = [...this.flags, ...added];
		live.flaggedHere = added.map((flag) => flag.id);
		writeNote('merge-flags', this.me.id, this.documentId, this.flags);
		this.#redrawFlags();
	}

	#redrawFlags(): void {
		const editor = this.#live?.editor;
		if (editor && !editor.isDestroyed)
			editor.view.dispatch(editor.state.tr.setMeta(mergeFlagsKey, true));
	}

	/**
	 * The server refused an edit: applied Yjs items cannot be taken back, so read what the
	 * server lacks as text, drop this copy (memory and IndexedDB), learn the current rights, and
	 * resync from the server. The text stays on screen until the user copies or drops it.
	 */
	async #keepAside(live: Live): Promise<void> {
		if (this.#keepingAside || !live.serverKnown) return;
		this.#keepingAside = true;
		try {
			live.editor.setEditable(false);
			const kept = textTheServerLacks(live.doc.getXmlFragment(DOCUMENT_FRAGMENT), live.serverKnown);
			// Flags raised on this socket came from edits that were refused, not merged.
			if (live.flaggedHere.length) {
				const refused = new Set(live.flaggedHere);
				this.flags = this.flags.filter((flag) => !refused.has(flag.id));
				writeNote('merge-flags', this.me.id, this.documentId, this.flags);
			}
			await this.#close(live, true);
			if (kept.length) {
				this.aside = [...this.aside, ...kept];
				writeNote('kept-aside', this.me.id, this.documentId, this.aside);
			}
			const changed = await this.#refreshAccess(kept.length > 0);
			// A changed role is told with the kept text; a role change learnt first (4509), before
			// the refusal of what was in flight, gets the kept text added.
			if (!changed && kept.length === 0)
				this.notice =
					'Le serveur a refusé vos dernières modifications : le texte a été rechargé depuis le serveur.';
			else if (!changed)
				this.notice =
					this.notice?.startsWith('Votre rôle a changé') && !this.notice.includes(KEPT_ASIDE)
						? `${this.notice} ${KEPT_ASIDE}`
						: `Le serveur a refusé vos dernières modifications. ${KEPT_ASIDE}`;
			if (this.connection !== 'stopped') {
				this.connection = navigator.onLine ? 'connecting' : 'offline';
				this.synced = false;
				this.#open();
			}
		} finally {
			this.#keepingAside = false;
		}
	}

	/**
	 * Asks the server for the current role and applies it to the open page. Returns whether
	 * the role changed.
	 */
	async #refreshAccess(keptAside = false): Promise<boolean> {
		let response: Response;
		try {
			response = await fetch(`/documents/${this.documentId}/acces`, {
				headers: { accept: 'application/json' },
				cache: 'no-store'
			});
		} catch {
			this.#applyEditable();
			return false; // network down: the next connection will tell
		}
		const problem = problemFromHttpStatus(response.status);
		if (problem) {
			this.#stop(problem);
			return false;
		}
		const body = (await response.json()) as { role: Role; canEdit: boolean };
		const next: Access = { role: body.role, canEdit: body.canEdit };
		const before = this.access;
		const changed = next.role !== before.role || next.canEdit !== before.canEdit;
		if (changed) {
			this.access = next;
			this.notice = roleChangeNotice(before, next, keptAside);
			this.#onAccess(next);
		}
		this.#applyEditable();
		return changed;
	}

	#applyEditable(): void {
		const editor = this.#live?.editor;
		if (editor && !editor.isDestroyed && this.connection !== 'stopped')
			editor.setEditable(this.access.canEdit);
	}

	/** Works out why the socket closed; stops retrying when only the user can fix it. */
	async #explainClose(code: number): Promise<void> {
		if (code === CloseCode.rightsChanged) {
			// Nothing typed from now on could be accepted before the new rights are known.
			this.#live?.editor.setEditable(false);
			await this.#refreshAccess();
			return;
		}
		let reason = problemFromCloseCode(code);
		if (!reason && code === 1006 && navigator.onLine) {
			// A refused upgrade is invisible to browsers: ask the server with the same session.
			try {
				const response = await fetch(`/documents/${this.documentId}/acces`, {
					headers: { accept: 'application/json' }
				});
				reason = problemFromHttpStatus(response.status);
			} catch {
				reason = null; // network down: keep retrying quietly
			}
		}
		if (this.connection === 'stopped') return; // stopped meanwhile: its message stays
		this.problem = reason;
		if (reason && isFinalProblem(reason)) this.#stop(reason);
	}

	#stop(problem: ConnectionProblem): void {
		this.problem = problem;
		this.connection = 'stopped';
		this.#hooks.onStopped?.(problem);
		this.#live?.provider.disconnect();
		this.#live?.editor.setEditable(false);
	}
}
