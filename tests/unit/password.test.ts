import { describe, expect, it } from 'vitest';
import { hashPassword, verifyPassword } from '../../src/lib/server/auth/password';

describe('password hashing', () => {
	it('hashes with argon2id at 19 MiB / 2 iterations and verifies only the right password', async () => {
		const hash = await hashPassword('Conseil communautaire 2026');
		expect(hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
		expect(hash).not.toContain('Conseil');
		expect(await verifyPassword(hash, 'Conseil communautaire 2026')).toBe(true);
		expect(await verifyPassword(hash, 'conseil communautaire 2026')).toBe(false);
	});

	it('salts: the same password never gives the same hash', async () => {
		expect(await hashPassword('même mot de passe')).not.toBe(
			await hashPassword('même mot de passe')
		);
	});

	it('treats a corrupt stored hash as a wrong password instead of throwing', async () => {
		expect(await verifyPassword('not-a-hash', 'anything')).toBe(false);
	});
});
