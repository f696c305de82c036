import { describe, expect, it } from 'vitest';
import { safeRedirect } from '../../src/lib/server/auth/redirect';

describe('where to go after signing in', () => {
	it('keeps our own pages, with their query', () => {
		expect(
			[
				'/documents',
				'/documents?vue=mine&q=rifseep',
				'/documents/nouveau',
				'/documents/abcdefghijklmnop',
				'/documents/abcdefghijklmnop/demande-acces',
				'/admin/modeles',
				'/admin/modeles/position-commune-rifseep'
			].map(safeRedirect)
		).toEqual([
			'/documents',
			'/documents?vue=mine&q=rifseep',
			'/documents/nouveau',
			'/documents/abcdefghijklmnop',
			'/documents/abcdefghijklmnop/demande-acces',
			'/admin/modeles',
			'/admin/modeles/position-commune-rifseep'
		]);
	});

	it('sends everything else home: other hosts however spelled, control characters, unknown paths', () => {
		const attacks = [
			'/\t/evil.example', // browsers drop the tab: //evil.example
			'/\n/evil',
			'/\r\n/evil',
			'//evil.example',
			'/\\evil.example',
			'\\\\evil.example',
			'https://evil.example/documents',
			'javascript:alert(1)',
			'/documents/../../evil',
			'/%2F%2Fevil.example',
			'/documents/pas-un-id',
			'/connexion',
			'',
			null
		];
		expect(attacks.map(safeRedirect)).toEqual(attacks.map(() => '/'));
	});
});
