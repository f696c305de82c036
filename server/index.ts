// The Assemblier process shell: one HTTP server on one port for the SvelteKit app and the
// collaboration websocket. It imports no server module itself: the SvelteKit bundle holds them
// all (once), and its `init` hook starts the services this shell asks for (bridge.ts).
//   node --expose-gc build-server/index.js [serve|migrate|seed] [--demo]
import { bridge, type LaunchCommand } from './bridge';
import { createAppServer, type RequestHandler } from './app-server';

const COMMANDS: LaunchCommand[] = ['serve', 'migrate', 'seed'];

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
	// Large enough that an oversized form field reaches our validation and gets a French message.
	process.env.BODY_SIZE_LIMIT ||= '16M';

	const { server, setHandler } = createAppServer({ trustProtocolDefault });
	bridge().launch = {
		command,
		demoRequested: args.includes('--demo'),
		httpServer: command === 'serve' ? server : null
	};
	// Importing the handler runs SvelteKit's init hook, which starts the services (or runs the
	// one-off command). Imported after the environment is final: adapter-node reads it at import.
	const { handler } = (await import(new URL('../build/handler.js', import.meta.url).href)) as {
		handler: RequestHandler;
	};
	const services = await bridge().services;
	if (!services)
		throw new Error('Le bundle SvelteKit n’a pas démarré les services (hooks.server.ts, init).');
	if (command !== 'serve') {
		await services.announce('');
		await services.shutdown();
		return;
	}
	setHandler(handler);
	const port = Number(process.env.PORT || 3000);
	await new Promise<void>((resolve) => server.listen(port, process.env.HOST || '0.0.0.0', resolve));
	const address = server.address();
	const url =
		origin || `http://localhost:${typeof address === 'object' && address ? address.port : port}`;
	await services.announce(`${url} (${Math.round(performance.now() - startedAt)} ms)`);

	let stopping = false;
	const stop = async (signal: string) => {
		if (stopping) return;
		stopping = true;
		if (process.env.LOG_LEVEL !== 'silent')
			console.log(
				`${signal} reçu : arrêt propre (écritures en attente enregistrées, connexions fermées)…`
			);
		server.close();
		await services.shutdown();
		server.closeIdleConnections();
		setTimeout(() => server.closeAllConnections(), 2_000).unref();
		process.exit(0);
	};
	process.on('SIGTERM', () => void stop('SIGTERM'));
	process.on('SIGINT', () => void stop('SIGINT'));
}

main().catch((error) => {
	console.error(error);
	process.exit(1);
});
