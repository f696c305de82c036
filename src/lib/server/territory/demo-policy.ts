// Whether an empty database gets the demo territory. The demo's accounts (an admin among them)
// share a password printed in the README: on an instance reachable from outside they would be
// an open door, so a public instance never gets them unless SEED_DEMO=true says so explicitly.

export interface DemoDecision {
	seed: boolean;
	/** French line for the start-up log. */
	notice: string;
	/** The notice is a security warning (written to stderr whatever LOG_LEVEL says). */
	warning: boolean;
}

const IPV4_LOOPBACK = /^127(\.\d{1,3}){3}$/;

function isLoopbackHost(host: string): boolean {
	const h = host.toLowerCase().replace(/^\[|\]$/g, '');
	return h === 'localhost' || h.endsWith('.localhost') || h === '::1' || IPV4_LOOPBACK.test(h);
}

/**
 * Public: an ORIGIN in https or naming a host other than this machine; without ORIGIN, a
 * server listening beyond loopback (HOST=0.0.0.0, a LAN address…) is reachable from outside too.
 */
export function isPublicInstance(origin: string, listenHost: string): boolean {
	if (!origin) return !isLoopbackHost(listenHost);
	let url: URL;
	try {
		url = new URL(origin);
	} catch {
		return true; // unreadable: assume the worst
	}
	return url.protocol === 'https:' || !isLoopbackHost(url.hostname);
}

function describe(origin: string, listenHost: string): string {
	return origin
		? `ORIGIN (${origin})`
		: `le serveur écoute sur ${listenHost}, au-delà de cette machine,`;
}

/**
 * @param explicit SEED_DEMO as configured (null when unset)
 * @param requested the start command asked for the demo (`npm start`, `npm run dev`)
 */
export function decideDemoSeed(
	explicit: boolean | null,
	requested: boolean,
	origin: string,
	listenHost: string
): DemoDecision {
	const isPublic = isPublicInstance(origin, listenHost);
	if (explicit === false)
		return {
			seed: false,
			warning: false,
			notice: 'Territoire de démonstration désactivé (SEED_DEMO=false).'
		};
	if (explicit === true) {
		return isPublic
			? {
					seed: true,
					warning: true,
					notice: `ATTENTION : territoire de démonstration installé sur une instance publique (${describe(origin, listenHost)}) parce que SEED_DEMO=true. Ses comptes partagent un mot de passe connu.`
				}
			: {
					seed: true,
					warning: false,
					notice: 'Territoire de démonstration installé (SEED_DEMO=true).'
				};
	}
	if (!requested)
		return {
			seed: false,
			warning: false,
			notice: 'Aucun territoire de démonstration (non demandé ; SEED_DEMO=true pour l’installer).'
		};
	if (isPublic) {
		return {
			seed: false,
			warning: true,
			notice: `Territoire de démonstration NON installé : ${describe(origin, listenHost)} désigne une instance publique. SEED_DEMO=true pour le forcer.`
		};
	}
	return {
		seed: true,
		warning: false,
		notice: 'Territoire de démonstration installé (démarrage local).'
	};
}

/** Demo accounts found in a database served publicly: said loudly at every start. */
export function existingDemoWarning(origin: string, listenHost: string): string | null {
	if (!isPublicInstance(origin, listenHost)) return null;
	return `ATTENTION : les comptes de démonstration (mot de passe publié) existent dans cette base et l’instance est publique (${describe(origin, listenHost)}). Supprimez-les ou servez une autre base.`;
}
