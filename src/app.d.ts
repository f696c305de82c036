import type { Session, SessionUser } from '$lib/server/auth/session';

declare global {
	namespace App {
		interface Locals {
			user: SessionUser | null;
			session: Session | null;
		}
		interface Error {
			message: string;
			/**
			 * On a document's 403: whom to ask for access (the binôme's names and organisations,
			 * the title the dashboard already lists) and when this user's pending request was made.
			 */
			accessRequest?: {
				documentId: string;
				title: string;
				binome: { name: string; organisation: string }[];
				requestedAt: number | null;
			};
		}
	}
}

export {};
