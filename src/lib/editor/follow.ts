import type { Editor } from '@tiptap/core';
import { createSubscriber } from 'svelte/reactivity';

/**
 * Lets `$derived` and templates re-read a Tiptap editor after each of its transactions: call
 * the returned function where the editor's state is read. Subscribed only while something reads.
 */
export function followEditor(editor: Editor): () => void {
	return createSubscriber((update) => {
		editor.on('transaction', update);
		return () => editor.off('transaction', update);
	});
}
