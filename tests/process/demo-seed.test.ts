// The production process never puts the demo accounts (shared, published password; an admin
// among them) on a public instance unless told so explicitly.
import { describe, expect, it } from 'vitest';
import { freshDb } from '../helpers/db';
import { freePort, spawnServer, useBuiltServer } from '../helpers/process';

useBuiltServer();

async function startAndCountAccounts(env: Record<string, string | undefined>, args: string[]) {
	const { db, url } = await freshDb();
	const port = await freePort();
	const server = await spawnServer(port, url, { LOG_LEVEL: 'info', ...env }, args);
	const accounts = await db.selectFrom('app_user').select('email').execute();
	server.child.kill('SIGTERM');
	await server.exited;
	return { accounts: accounts.length, output: server.output() };
}

describe('demo territory at start-up', () => {
	it('is not seeded when ORIGIN is public and SEED_DEMO is not set, even when the start command asks for it; the log says why', async () => {
		const { accounts, output } = await startAndCountAccounts(
			{ ORIGIN: 'https://assemblier.agglo-lauze.fr', SEED_DEMO: undefined },
			['serve', '--demo']
		);
		expect(accounts).toBe(0);
		expect(output).toContain(
			'Territoire de démonstration NON installé : ORIGIN (https://assemblier.agglo-lauze.fr) désigne une instance publique'
		);
	});

	it('is not seeded when the server listens beyond loopback without ORIGIN (HOST=0.0.0.0)', async () => {
		const { accounts, output } = await startAndCountAccounts(
			{ ORIGIN: '', HOST: '0.0.0.0', SEED_DEMO: undefined },
			['serve', '--demo']
		);
		expect(accounts).toBe(0);
		expect(output).toContain('le serveur écoute sur 0.0.0.0, au-delà de cette machine');
	});

	it('demo accounts already in a database served publicly: a warning at start, never the password', async () => {
		const { db, url } = await freshDb();
		const port = await freePort();
		const local = await spawnServer(port, url, { LOG_LEVEL: 'info', SEED_DEMO: undefined }, [
			'serve',
			'--demo'
		]);
		expect(local.output()).toContain('mot de passe : assemblier-demo');
		local.child.kill('SIGTERM');
		await local.exited;
		const exposed = await spawnServer(
			port,
			url,
			{ LOG_LEVEL: 'silent', ORIGIN: 'https://assemblier.agglo-lauze.fr' },
			['serve', '--demo']
		);
		exposed.child.kill('SIGTERM');
		await exposed.exited;
		expect(exposed.output()).toContain(
			'ATTENTION : les comptes de démonstration (mot de passe publié) existent'
		);
		expect(exposed.output()).not.toContain('assemblier-demo');
		expect((await db.selectFrom('app_user').select('id').execute()).length).toBeGreaterThan(10);
	});

	it('is not seeded by the plain production command', async () => {
		const { accounts, output } = await startAndCountAccounts({ ORIGIN: '', SEED_DEMO: undefined }, [
			'serve'
		]);
		expect(accounts).toBe(0);
		expect(output).toContain('Aucun territoire de démonstration');
	});

	it('is seeded, logins printed, for a local start that asks for it (npm start)', async () => {
		const { accounts, output } = await startAndCountAccounts({ ORIGIN: '', SEED_DEMO: undefined }, [
			'serve',
			'--demo'
		]);
		expect(accounts).toBeGreaterThan(10);
		expect(output).toContain('julien.roux@agglo-lauze.test');
	});
});
