// Whether an empty database gets the demo territory. The demo's accounts (an admin among them)
// share a password printed in the README: on an instance reachable from outside they would be
// an open door, so a public ORIGIN never gets them unless SEED_DEMO=true says so explicitly.

export interface DemoDecision {
	seed: boolean;
	/** French line for the start-up log. */
	notice: string;
}

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '::1', '[::1]']);

/** An ORIGIN in https, or naming a host other than this machine, is public. Empty: a local start. */
export function isPublicOrigin(origin: string): boolean {
	if (!origin) return false;
	let url: URL;
	try {
		url = new URL(origin);
	} catch {
		return true; // unreadable: assume the worst
	}
	if (url.protocol === 'https:') return true;
	const host = url.hostname.toLowerCase();
	return !(LOOPBACK_HOSTS.has(host) || host.startsWith('127.') || host.endsWith('.localhost'));
}

/**
 * @param explicit SEED_DEMO as configured (null when unset)
 * @param requested the start command asked for the demo (`npm start`, `npm run dev`)
 */
export function decideDemoSeed(
	explicit: boolean | null,
	requested: boolean,
	origin: string
): DemoDecision {
	const isPublic = isPublicOrigin(origin);
	if (explicit === false)
		return { seed: false, notice: 'Territoire de démonstration désactivé (SEED_DEMO=false).' };
	if (explicit === true) {
		return {
			seed: true,
			notice: isPublic
				? `ATTENTION : territoire de démonstration installé sur une instance publique (${origin}) parce que SEED_DEMO=true. Ses comptes partagent un mot de passe connu.`
				: 'Territoire de démonstration installé (SEED_DEMO=true).'
		};
	}
	if (!requested)
		return {
			seed: false,
			notice: 'Aucun territoire de démonstration (non demandé ; SEED_DEMO=true pour l’installer).'
		};
	if (isPublic) {
		return {
			seed: false,
			notice: `Territoire de démonstration NON installé : ORIGIN (${origin}) désigne une instance publique. SEED_DEMO=true pour le forcer.`
		};
	}
	return { seed: true, notice: 'Territoire de démonstration installé (démarrage local).' };
}
