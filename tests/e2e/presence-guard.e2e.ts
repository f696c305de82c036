// One colleague's malformed presence must not break anyone's editor. The server now relays only
// well-formed presence (tests/collab/presence-fields.test.ts), so the bad states are delivered on
// the page's own socket, as a server that let them through would deliver them: the editor's own
// guard is what is tested here.
import { expect, test, type Page } from '@playwright/test';
import * as encoding from 'lib0/encoding';
import { MessageType } from '../../src/lib/collab/protocol';
import { editorOf, openDocument, RGPD_TITLE, signedInPage, USERS } from './helpers';

const intruder = {
	id: 'intrus-presence',
	name: 'Paul Intrus',
	organisation: 'Ailleurs',
	color: '#123456',
	canEdit: true
};
const fragmentStart = { type: null, tname: 'default', item: null, assoc: 0 };

/** Presence states of the shapes that used to throw in every peer's editor. */
const MALFORMED: Record<number, object> = {
	// y-prosemirror read `cursor.anchor.type` on every render.
	4_000_001: { user: intruder, cursor: { anchor: null, head: null } },
	// A position with neither a type nor a name: Yjs throws "Unexpected case".
	4_000_002: {
		user: { ...intruder, id: 'intrus-2', name: 'Anne Intruse' },
		cursor: { anchor: {}, head: {} }
	},
	// A `user` that is not an object: the caret plugin sets `user.color` on it (and without an
	// identity, the editor draws no caret at all).
	4_000_003: { user: 42, cursor: { anchor: fragmentStart, head: fragmentStart } },
	// A name that is not a string: the presence list sorted with `name.localeCompare`.
	4_000_004: { user: { ...intruder, id: 'intrus-4', name: 7 }, typing: 'oui' }
};

function awarenessFrame(states: Record<number, object>): Uint8Array {
	const update = encoding.createEncoder();
	const entries = Object.entries(states);
	encoding.writeVarUint(update, entries.length);
	for (const [clientId, state] of entries) {
		encoding.writeVarUint(update, Number(clientId));
		encoding.writeVarUint(update, 1);
		encoding.writeVarString(update, JSON.stringify(state));
	}
	const frame = encoding.createEncoder();
	encoding.writeVarUint(frame, MessageType.awareness);
	encoding.writeVarUint8Array(frame, encoding.toUint8Array(update));
	return encoding.toUint8Array(frame);
}

/** Uncaught errors of the page (the caret plugin threw from the socket's message handler). */
function pageErrors(page: Page): string[] {
	const errors: string[] = [];
	page.on('pageerror', (error) => errors.push(error.message));
	return errors;
}

test('a colleague with a malformed presence (cursor {anchor: null}…) breaks nobody’s editor', async ({
	browser
}) => {
	// Two editors typing two sentences key by key, then checked on both: 23–34 s measured here,
	// and over 60 s once on a loaded machine.
	test.setTimeout(120_000);
	const epci = await signedInPage(browser, USERS.julien.email);
	const errors = pageErrors(epci);
	// The page's collaboration socket is kept at hand, to deliver frames on it.
	await epci.addInitScript(() => {
		const Native = window.WebSocket;
		const sockets: WebSocket[] = [];
		Object.assign(window, { collabSockets: sockets });
		window.WebSocket = class extends Native {
			constructor(url: string | URL, protocols?: string | string[]) {
				super(url, protocols);
				if (String(url).includes('/collab/')) sockets.push(this);
			}
		};
	});
	await epci.reload();
	const commune = await signedInPage(browser, USERS.isabelle.email);
	await openDocument(epci, RGPD_TITLE);
	await openDocument(commune, RGPD_TITLE);

	// Delivered as the server's next frame: y-websocket reads it in its message handler, where an
	// exception is the page's uncaught error.
	await epci.evaluate(
		(frame) => {
			const sockets = (window as unknown as { collabSockets: WebSocket[] }).collabSockets;
			const data = new Uint8Array(frame).buffer;
			sockets[sockets.length - 1].dispatchEvent(new MessageEvent('message', { data }));
		},
		[...awarenessFrame(MALFORMED)]
	);

	// The intruder whose identity is well formed is present; its bad cursor draws no caret.
	const people = epci.getByRole('list', { name: 'Personnes présentes' });
	await expect(people.getByText(`${intruder.name}, ${intruder.organisation}`)).toBeAttached();

	// Local typing, and a colleague's edits arriving (each one rebuilds the carets).
	await editorOf(epci).click();
	await epci.keyboard.press('Control+End');
	await epci.keyboard.press('Enter');
	await epci.keyboard.type('Malgré une présence malformée, la saisie continue.');
	// The colleague writes once the sentence has reached her (typing at the end of a paragraph
	// still arriving would interleave the two, as it would for two people).
	await expect(editorOf(commune)).toContainText(
		'Malgré une présence malformée, la saisie continue.'
	);
	await editorOf(commune).click();
	await commune.keyboard.press('Control+End');
	await commune.keyboard.press('Enter');
	await commune.keyboard.type('Et les modifications des collègues arrivent.');
	for (const page of [epci, commune]) {
		await expect(editorOf(page)).toContainText(
			'Malgré une présence malformée, la saisie continue.'
		);
		await expect(editorOf(page)).toContainText('Et les modifications des collègues arrivent.');
	}
	// Isabelle's caret is still drawn; none for the malformed states (other tests' tabs may
	// still show theirs).
	const carets = epci.locator('.collaboration-carets__label');
	await expect(carets.filter({ hasText: USERS.isabelle.name })).toHaveText(
		`${USERS.isabelle.name} · ${USERS.isabelle.organisation}`
	);
	expect(await carets.allTextContents()).not.toContainEqual(
		expect.stringMatching(/Intrus|User:|Ailleurs/)
	);
	expect(errors).toEqual([]);

	await commune.context().close();
	await epci.context().close();
});
