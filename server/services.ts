// What the process runs besides HTTP requests: migrations, default templates, the demo
// territory when asked for, and the collaboration server on the shell's HTTP server. Started
// once, from SvelteKit's `init` hook (hooks.server.ts), in production and in `npm run dev`.
import { ConsultationScheduler } from '../src/lib/server/lifecycle/scheduler';
import { migrateToLatest } from '../src/lib/server/db';
import { disposeRuntime, runtime } from '../src/lib/server/runtime';
import { deleteExpiredSessions } from '../src/lib/server/auth/session';
import { ensureDefaultTemplates } from '../src/lib/server/templates';
import { backfillSearchTerms } from '../src/lib/server/search';
import { decideDemoSeed, existingDemoWarning } from '../src/lib/server/territory/demo-policy';
import {
	DEMO_HIGHLIGHTS,
	DEMO_PASSWORD,
	seedDemoTerritory
} from '../src/lib/server/territory/seed';
import { signingKey } from '../src/lib/server/signing';
import { describeSmtpUrl, MailSender, smtpTransport } from '../src/lib/server/mail';
import { bridge, type Launch, type Services } from './bridge';
import { CollabServer, collabOptionsFromConfig, refuseUpgrade } from './collab';

/** Without a launch request (Vitest, tools), nothing is served and the demo is not asked for. */
const NO_LAUNCH: Launch = { command: 'serve', demoRequested: false, httpServer: null };

let started: Promise<Services> | null = null;

/** Starts the services for the shell's launch request; idempotent. */
export function startServices(): Promise<Services> {
	const b = bridge();
	started ??= start(b.launch ?? NO_LAUNCH);
	b.services = started;
	return started;
}

async function start(launch: Launch): Promise<Services> {
	const rt = runtime();
	const applied = await migrateToLatest(rt.db);
	if (applied.length) rt.log(`Migrations appliquées : ${applied.join(', ')}`);
	const listenOn = { port: rt.config.port, host: launch.listenHost ?? rt.config.host };
	if (launch.command === 'migrate') {
		if (!applied.length) rt.log('Base de données à jour.');
		return { listenOn, announce: async () => {}, shutdown: disposeRuntime };
	}
	const backfilled = await backfillSearchTerms(rt.db);
	if (backfilled)
		rt.log(`Recherche : ${backfilled} texte(s) indexé(s) avec les racines françaises.`);
	await ensureDefaultTemplates(rt.db);
	await deleteExpiredSessions(rt.db);
	await seedIfAsked(launch, listenOn.host);
	const announceDemo = () => announceDemoAccounts(listenOn.host);
	if (launch.command === 'seed' || !launch.httpServer)
		return { listenOn, announce: announceDemo, shutdown: disposeRuntime };

	const mail = await startMailSender(launch);
	// Tacit validation of consultations at their deadline (a round every 30 s, and at start).
	const consultations = new ConsultationScheduler(rt.db, {
		log: rt.log,
		intervalMs: rt.config.consultationRoundMs
	});
	consultations.start();
	const collab = new CollabServer(rt.db, collabOptionsFromConfig(rt.config), rt.log);
	rt.collab = collab;
	const httpServer = launch.httpServer;
	httpServer.on('upgrade', (req, socket, head) => {
		if (CollabServer.handles(req)) void collab.handleUpgrade(req, socket, head);
		// Vite's hot-reload socket in development has its own listener; otherwise nobody claims it.
		else if (httpServer.listenerCount('upgrade') === 1) refuseUpgrade(socket, 404, 'Not Found');
	});
	let stopping: Promise<void> | null = null;
	return {
		listenOn,
		async announce(url) {
			rt.log(`Assemblier prêt sur ${url}`);
			await announceDemo();
		},
		shutdown: () =>
			(stopping ??= (async () => {
				await Promise.all([collab.close(), mail.stop(), consultations.stop()]);
				rt.collab = null;
				await disposeRuntime();
			})())
	};
}

/**
 * The outbox's sender (lib/server/mail): SMTP when SMTP_URL is set; otherwise messages are held
 * in the outbox (/admin/courriels), and printed one line each by the commands that ask for the
 * demo (`npm run dev`, `npm start`) — never by production, whose log keeps no addresses.
 */
async function startMailSender(launch: Launch): Promise<MailSender> {
	const { db, config, log } = runtime();
	const sender = new MailSender(db, {
		transport: config.smtpUrl ? smtpTransport(config.smtpUrl, config.mailFrom) : null,
		log: (line) => log(line),
		printHeld: launch.demoRequested && config.logLevel !== 'silent',
		digest: { hour: config.mailDigestHour, signingKey: await signingKey(db, config.appSecret) }
	});
	log(
		config.smtpUrl
			? `Courriels : envoi par ${describeSmtpUrl(config.smtpUrl)}, de ${config.mailFrom}.`
			: 'Courriels : SMTP_URL absent — aucun courriel ne part ; ils restent dans la file (/admin/courriels).'
	);
	sender.start();
	return sender;
}

/** Security notices reach stderr whatever LOG_LEVEL says. */
function notice(message: string, warning: boolean): void {
	if (warning) console.warn(message);
	else runtime().log(message);
}

async function seedIfAsked(launch: Launch, listenHost: string): Promise<void> {
	const { db, config, log } = runtime();
	const isEmpty = !(await db.selectFrom('territory').select('id').limit(1).executeTakeFirst());
	if (!isEmpty) {
		if (launch.command === 'seed')
			log(
				'La base contient déjà un territoire : rien n’a été ajouté (supprimez le fichier pour repartir de zéro).'
			);
		return;
	}
	// `npm run seed` is itself an explicit request; SEED_DEMO=false still wins.
	const decision = decideDemoSeed(
		config.seedDemo,
		launch.demoRequested || launch.command === 'seed',
		config.origin,
		listenHost
	);
	notice(decision.notice, decision.warning);
	if (!decision.seed) return;
	const seeded = await seedDemoTerritory(db);
	if (seeded)
		log(
			`Territoire de démonstration créé : ${seeded.territoryName} (${seeded.logins.length} comptes).`
		);
}

/** The demo logins for a local instance; on a public one, a warning and never the password. */
async function announceDemoAccounts(listenHost: string): Promise<void> {
	const { db, config, log } = runtime();
	const present = await db
		.selectFrom('app_user')
		.select('email')
		.where('email', '=', DEMO_HIGHLIGHTS[0].email)
		.executeTakeFirst();
	if (!present) return;
	const warning = existingDemoWarning(config.origin, listenHost);
	if (warning) return notice(warning, true);
	log(`\nComptes de démonstration (mot de passe : ${DEMO_PASSWORD}) :`);
	for (const user of DEMO_HIGHLIGHTS)
		log(`  ${user.email.padEnd(40)} ${user.name}, ${user.job} — ${user.organisation}`);
	log('');
}
