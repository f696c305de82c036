// Reading a request's form. A body that cannot be parsed (a multipart body that does not match
// its boundary, text/plain, a body cut off) is the client's fault: a French 400, one log line,
// rather than the 500 and stack trace of an unexpected error. Every form action reads its form
// here (`readForm(request)`), never with `request.formData()`.
import { error } from '@sveltejs/kit';

/** The message of that 400, and of SvelteKit's 415 (hooks.server.ts, handleError). */
export const UNREADABLE_FORM_MESSAGE = 'Formulaire illisible : renvoyez-le depuis la page.';

export async function readForm(request: Request): Promise<FormData> {
	// A body read twice is a programming error: let it be the 500 it is.
	if (request.bodyUsed) return request.formData();
	try {
		return await request.formData();
	} catch (cause) {
		// A refusal that already has its status (adapter-node's 413 for a body over the limit).
		if (hasStatus(cause)) throw cause;
		logRequestLine(400, request, `formulaire illisible (${describe(cause)})`);
		error(400, UNREADABLE_FORM_MESSAGE);
	}
}

/** « 415 POST /connexion : … » — one line, for a client's error (a 4xx), without stack. */
export function logRequestLine(status: number, request: Request, detail: string): void {
	const { pathname } = new URL(request.url);
	console.warn(`${status} ${request.method} ${pathname} : ${oneLine(detail)}`);
}

function hasStatus(value: unknown): boolean {
	return (
		typeof value === 'object' && value !== null && typeof Reflect.get(value, 'status') === 'number'
	);
}

function describe(cause: unknown): string {
	return cause instanceof Error ? cause.message : String(cause);
}

/** No control character (a forged line in the log), and a bounded length. */
function oneLine(text: string): string {
	// eslint-disable-next-line no-control-regex
	const clean = text.replace(/[\u0000-\u001f\u007f]+/g, ' ');
	return clean.length > 300 ? `${clean.slice(0, 300)}…` : clean;
}
