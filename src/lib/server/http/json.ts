// JSON bodies and answers of the API routes (comments). A JSON body must say so in its
// Content-Type: browsers send such a request cross-site only after a CORS preflight, which
// this server never grants — the equivalent, for JSON, of SvelteKit's origin check on forms.
import { json } from '@sveltejs/kit';
import { logRequestLine } from './form';

export const NO_STORE = { 'cache-control': 'no-store' };

export class BodyRefused {
	constructor(readonly response: Response) {}
}

/** The parsed JSON object of the request, or a BodyRefused holding the French 415/400. */
export async function readJsonObject(
	request: Request
): Promise<Record<string, unknown> | BodyRefused> {
	const type = request.headers.get('content-type') ?? '';
	if (!/^application\/json\s*(;|$)/i.test(type)) {
		logRequestLine(415, request, `type de contenu ${type || 'absent'}`);
		return new BodyRefused(
			json(
				{ message: 'Requête refusée : le contenu doit être envoyé en JSON.' },
				{ status: 415, headers: NO_STORE }
			)
		);
	}
	try {
		const value: unknown = await request.json();
		if (typeof value === 'object' && value !== null && !Array.isArray(value))
			return value as Record<string, unknown>;
	} catch {
		// below
	}
	logRequestLine(400, request, 'JSON illisible');
	return new BodyRefused(
		json(
			{ message: 'Requête illisible : renvoyez-la depuis la page.' },
			{ status: 400, headers: NO_STORE }
		)
	);
}

/** A refusal as JSON: its status, message and whatever else it carries (field, who…). */
export function refusal<T extends { status: number; message: string }>(result: T): Response {
	const { status, ...rest } = result as T & { ok?: unknown; denied?: unknown };
	delete rest.ok;
	delete rest.denied;
	return json(rest, { status, headers: NO_STORE });
}
