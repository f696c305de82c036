// The body-limit table of the shell (server/http-limits.ts): prefixes, default, ceiling.
import { describe, expect, it } from 'vitest';
import {
	bodyLimitFor,
	DEFAULT_BODY_LIMIT,
	formatBytes,
	parseByteSize
} from '../../server/http-limits';

const KB = 1024;
const MB = 1024 * KB;

describe('body limits', () => {
	it('a route prefix covers the path and what is below it, not a longer name', () => {
		expect(bodyLimitFor('/connexion', Infinity)).toBe(64 * KB);
		expect(bodyLimitFor('/connexion/x', Infinity)).toBe(64 * KB);
		expect(bodyLimitFor('/connexionx', Infinity)).toBe(DEFAULT_BODY_LIMIT);
		expect(bodyLimitFor('/admin/modeles/abc', Infinity)).toBe(2 * MB);
		expect(bodyLimitFor('/documents/nouveau', Infinity)).toBe(1 * MB);
	});

	it('BODY_SIZE_LIMIT is the ceiling of every route', () => {
		expect(bodyLimitFor('/admin/modeles/abc', 512 * KB)).toBe(512 * KB);
		expect(bodyLimitFor('/connexion', 512 * KB)).toBe(64 * KB);
	});

	it('reads BODY_SIZE_LIMIT as adapter-node does', () => {
		expect(parseByteSize('16M')).toBe(16 * MB);
		expect(parseByteSize('512k')).toBe(512 * KB);
		expect(parseByteSize('1G')).toBe(1024 * MB);
		expect(parseByteSize('1000')).toBe(1000);
		expect(parseByteSize('Infinity')).toBe(Infinity);
		expect(parseByteSize('lots')).toBeNaN();
		expect(parseByteSize('')).toBeNaN();
	});

	it('says sizes in French units', () => {
		expect(formatBytes(64 * KB)).toBe('64 Ko');
		expect(formatBytes(1.5 * MB)).toBe('1,5 Mo');
		expect(formatBytes(20 * MB)).toBe('20 Mo');
	});
});
