import { describe, expect, it } from 'vitest';
import { formatDate, formatDateTime, formatRelative } from '../../src/lib/components/format';

// 27 November 2026, 22:57 UTC: winter time, Paris is UTC+1, Réunion UTC+4.
const INSTANT = Date.UTC(2026, 10, 27, 22, 57);

describe('dates and times in the territory’s time zone', () => {
	it('shows an instant in the given zone, whatever the zone of the machine', () => {
		expect(formatDateTime(INSTANT, 'Europe/Paris')).toBe('27 nov. 2026, 23:57');
		expect(formatDateTime(INSTANT, 'Indian/Reunion')).toBe('28 nov. 2026, 02:57');
		expect(formatDateTime(INSTANT, 'America/Martinique')).toBe('27 nov. 2026, 18:57');
	});

	it('shows Paris time by default, summer time included', () => {
		expect(formatDateTime(INSTANT)).toBe('27 nov. 2026, 23:57');
		expect(formatDateTime(Date.UTC(2026, 6, 14, 21, 30))).toBe('14 juil. 2026, 23:30');
	});

	it('shows a calendar date as the same day in every zone', () => {
		expect(formatDate('2026-12-15')).toBe('15 déc. 2026');
	});

	it('says how long ago, in French, within a week', () => {
		const now = INSTANT + 5 * 60_000;
		expect(formatRelative(INSTANT, now)).toBe('il y a 5 minutes');
		expect(formatRelative(INSTANT, INSTANT + 20_000)).toBe('à l’instant');
		expect(formatRelative(INSTANT, INSTANT + 3 * 3_600_000)).toBe('il y a 3 heures');
		expect(formatRelative(INSTANT, INSTANT + 30 * 3_600_000)).toBe('hier');
		expect(formatRelative(INSTANT, INSTANT + 8 * 86_400_000)).toBeNull();
	});
});
