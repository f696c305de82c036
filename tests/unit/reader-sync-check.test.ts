import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { bringsSomethingNew } from '../../server/collab/message-receiver';

function docWith(text: string): Y.Doc {
	const doc = new Y.Doc();
	doc.getText('t').insert(0, text);
	return doc;
}

describe('telling a reader’s sync reply from an edit', () => {
	const server = docWith('Compte-rendu du 12 mars');
	server.getText('t').delete(0, 6); // the server holds a deletion too
	const reader = new Y.Doc();
	Y.applyUpdate(reader, Y.encodeStateAsUpdate(server));

	it('a reply carrying only what the server already has (delete set included) is not an edit', () => {
		const reply = Y.encodeStateAsUpdate(reader, Y.encodeStateVector(server));
		expect(bringsSomethingNew(server, reply)).toBe(false);
		expect(bringsSomethingNew(server, Y.encodeStateAsUpdate(new Y.Doc()))).toBe(false);
	});

	it('new text is an edit', () => {
		const copy = new Y.Doc();
		Y.applyUpdate(copy, Y.encodeStateAsUpdate(server));
		copy.getText('t').insert(0, 'X');
		expect(bringsSomethingNew(server, Y.encodeStateAsUpdate(copy, Y.encodeStateVector(server)))).toBe(true);
	});

	it('deleting existing text is an edit', () => {
		const copy = new Y.Doc();
		Y.applyUpdate(copy, Y.encodeStateAsUpdate(server));
		copy.getText('t').delete(3, 4);
		expect(bringsSomethingNew(server, Y.encodeStateAsUpdate(copy, Y.encodeStateVector(server)))).toBe(true);
	});
});
