// The Assemblier process: migrate, seed the demo territory if the database is empty, then
// serve the SvelteKit app and the collaboration websocket on one port.
//   node build-server/index.js [serve|migrate|seed]
import type { Server } from 'node:http';
import { disposeRuntime, ensureReady, runtime } from '../src/lib/server/runtime';
import { migrateToLatest } from '../src/lib/server/db';
import { DEMO_HIGHLIGHTS, DEMO_PASSWORD, seedDemoTerritory } from '../src/lib/server/territory/seed';
import { CollabServer, collabOptionsFromConfig } from './collab';
import { createAppServer, type RequestHandler } from './app-server';
import { benchSetup } from './bench-setup';

async function serve(): Promise<void> {
	const startedAt = performance.now();
	const rt = runtime();
	const { config } = rt;
	await ensureReady();

	const collab = new CollabServer(rt.db, collabOptionsFromConfig(rt.config), rt.log);
	rt.collab = collab;

	const trustProtocolDefault = !config.origin;
	if (trustProtocolDefault) {
		delete process.env.ORIGIN; // an empty ORIGIN would be parsed (and rejected) by adapter-node
		process.env.PROTOCOL_HEADER ||= 'x-forwarded-proto';
	}
	else process.env.ORIGIN = config.origin;
	// Large enough that an oversized form field reaches our validation and gets a French message.
	process.env.BODY_SIZE_LIMIT ||= '16M';
	// Imported after the environment is final: adapter-node reads it at import time.
	const handlerUrl = new URL('../build/handler.js', import.meta.url).href;
	const { handler } = (await import(handlerUrl)) as { handler: RequestHandler };

	const server = createAppServer(collab, handler, { trustProtocolDefault });
	await new Promise<void>((resolve) => server.listen(config.port, config.host, resolve));
	const address = server.address();
	const port = typeof address === 'object' && address ? address.port : config.port;
	const url = config.origin || `http://localhost:${port}`;
	rt.log(`Assemblier prêt en ${Math.round(performance.now() - startedAt)} ms sur ${url}`);
	await printDemoLogins();

	let stopping: Promise<void> | null = null;
	const shutdown = (signal: string) => {
		stopping ??= stop(server, collab, signal);
		return stopping;
	};
	process.on('SIGTERM', () => void shutdown('SIGTERM'));
	process.on('SIGINT', () => void shutdown('SIGINT'));
}

async function stop(server: Server, collab: CollabServer, signal: string): Promise<void> {
	runtime().log(`${signal} reçu : arrêt propre (écritures en attente enregistrées, connexions fermées)…`);
	server.close();
	await collab.close();
	server.closeIdleConnections();
	setTimeout(() => server.closeAllConnections(), 2_000).unref();
	await disposeRuntime();
	process.exit(0);
}

async function printDemoLogins(): Promise<void> {
	const { db, config, log } = runtime();
	if (!config.seedDemo) return;
	const present = await db.selectFrom('app_user').select('email').where('email', '=', DEMO_HIGHLIGHTS[0].email).executeTakeFirst();
	if (!present) return;
	log(`\nComptes de démonstration (mot de passe : ${DEMO_PASSWORD}) :`);
	for (const user of DEMO_HIGHLIGHTS) log(`  ${user.email.padEnd(40)} ${user.name}, ${user.job} — ${user.organisation}`);
	log('');
}

async function migrate(): Promise<void> {
	const applied = await migrateToLatest(runtime().db);
	console.log(applied.length ? `Migrations appliquées : ${applied.join(', ')}` : 'Base de données à jour.');
}

async function seed(): Promise<void> {
	const { db } = runtime();
	await migrateToLatest(db);
	const seeded = await seedDemoTerritory(db);
	if (!seeded) console.log('La base contient déjà un territoire : rien n’a été ajouté (supprimez le fichier pour repartir de zéro).');
	else {
		console.log(`Territoire de démonstration créé : ${seeded.territoryName} (${seeded.logins.length} comptes, mot de passe : ${DEMO_PASSWORD}).`);
		await printDemoLogins();
	}
}

const command = process.argv[2] ?? 'serve';
const commands: Record<string, () => Promise<void>> = {
	serve,
	migrate: () => migrate().finally(disposeRuntime),
	seed: () => seed().finally(disposeRuntime),
	'bench-setup': async () => {
		const { db } = runtime();
		await migrateToLatest(db);
		const result = await benchSetup(db, Number(process.argv[3] ?? 1), Number(process.argv[4] ?? 2));
		process.stdout.write(`${JSON.stringify(result)}\n`);
		await disposeRuntime();
	}
};
const run = commands[command];
if (!run) {
	console.error(`Commande inconnue : ${command} (serve, migrate ou seed)`);
	process.exit(2);
}
run().catch((error) => {
	console.error(error);
	process.exit(1);
});
