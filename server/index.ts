// The Assemblier process shell: one HTTP server on one port for the SvelteKit app and the
// collaboration websocket. It imports no server module itself: the SvelteKit bundle holds them
// all (once), and its `init` hook starts the services this shell asks for (bridge.ts).
//   node --expose-gc build-server/index.js [serve|migrate|seed] [--demo]
import { bridge, type LaunchCommand, type Services } from './bridge';
import { createAppServer, type RequestHandler } from './app-server';
import { DEFAULT_BODY_SIZE_CEILING, parseByteSize } from './http-limits';

const COMMANDS: LaunchCommand[] = ['serve', 'migrate', 'seed'];
/** A shutdown that has not finished by then (a stuck socket, a hung database) is cut short. */
const SHUTDOWN_DEADLINE_MS = 15_000;

async function main(): Promise<void> {
	const args = process.argv.slice(2);
	const command = (args.find((a) => !a.startsWith('--')) ?? 'serve') as LaunchCommand;
	if (!COMMANDS.includes(command)) {
		console.error(`Commande inconnue : ${command} (serve, migrate ou seed)`);
		process.exit(2);
	}
	const startedAt = performance.now();
	const origin = (process.env.ORIGIN ?? '').replace(/\/$/, '');
	const trustProtocolDefault = !origin;
	if (trustProtocolDefault) {
		delete process.env.ORIGIN; // an empty ORIGIN would be parsed (and rejected) by adapter-node
		process.env.PROTOCOL_HEADER ||= 'x-forwarded-proto';
	}
	// The ceiling of every route's body limit (server/http-limits.ts), which the shell enforces
	// with a French 413 before adapter-node, which enforces this same value, sees the request.
	process.env.BODY_SIZE_LIMIT ||= DEFAULT_BODY_SIZE_CEILING;
	const bodySizeCeiling = parseByteSize(process.env.BODY_SIZE_LIMIT);
	if (Number.isNaN(bodySizeCeiling)) {
		console.error(
			`Configuration : BODY_SIZE_LIMIT doit être un nombre d’octets, éventuellement suivi de K, M ou G (reçu « ${process.env.BODY_SIZE_LIMIT} »).`
		);
		process.exit(2);
	}

	const { server, setHandler } = createAppServer({ trustProtocolDefault, origin, bodySizeCeiling });
	bridge().launch = {
		command,
		demoRequested: args.includes('--demo'),
		httpServer: command === 'serve' ? server : null
	};
	// Importing the handler runs SvelteKit's init hook, which starts the services (or runs the
	// one-off command). Imported after the environment is final: adapter-node reads it at import.
	const handlerUrl = new URL('../build/handler.js', import.meta.url).href;
	const { handler } = (await import(handlerUrl)) as { handler: RequestHandler };
	const services = await bridge().services;
	if (!services)
		throw new Error('Le bundle SvelteKit n’a pas démarré les services (hooks.server.ts, init).');
	if (command !== 'serve') {
		await services.announce('');
		await services.shutdown();
		return;
	}
	stopOnSignals(server, services);
	setHandler(handler);
	const { port, host } = services.listenOn;
	await new Promise<void>((resolve) => server.listen(port, host, resolve));
	const address = server.address();
	const url =
		origin || `http://localhost:${typeof address === 'object' && address ? address.port : port}`;
	await services.announce(`${url} (${Math.round(performance.now() - startedAt)} ms)`);
}

/** SIGTERM/SIGINT: stop accepting, store pending writes, close sockets (1012), then exit 0. */
function stopOnSignals(
	server: ReturnType<typeof createAppServer>['server'],
	services: Services
): void {
	let stopping = false;
	const stop = async (signal: string) => {
		if (stopping) return;
		stopping = true;
		if (process.env.LOG_LEVEL !== 'silent')
			console.log(
				`${signal} reçu : arrêt propre (écritures en attente enregistrées, connexions fermées)…`
			);
		setTimeout(() => {
			console.error(
				`Arrêt propre inachevé après ${SHUTDOWN_DEADLINE_MS / 1000} s : sortie forcée.`
			);
			process.exit(1);
		}, SHUTDOWN_DEADLINE_MS).unref();
		server.close();
		server.closeIdleConnections();
		let code = 0;
		try {
			await services.shutdown();
		} catch (error) {
			// Not an unhandled rejection: say what failed, still close, exit non-zero.
			console.error('Arrêt propre en échec :', error);
			code = 1;
		}
		server.closeAllConnections();
		process.exit(code);
	};
	process.on('SIGTERM', () => void stop('SIGTERM'));
	process.on('SIGINT', () => void stop('SIGINT'));
}

main().catch((error) => {
	console.error(error);
	process.exit(1);
});
