import { error } from '@sveltejs/kit';
import type { SessionUser } from './session';

/** Territory administration (templates…) is for `admin` users only. */
export function requireAdmin(user: SessionUser | null): SessionUser {
	if (!user || user.territoryRole !== 'admin')
		error(403, 'Réservé aux administrateurs de la plateforme.');
	return user;
}
