// Dates and times are shown in the territory's time zone (layout data `timeZone`), never in the
// zone of whichever machine renders: the server runs in UTC and the browser wherever the user
// is, and both must print the same text or hydration would disagree with the server's HTML.

export const DEFAULT_TIME_ZONE = 'Europe/Paris';

// Building an Intl.DateTimeFormat is costly; a page formats the same zone many times.
const dateTimeFormats = new Map<string, Intl.DateTimeFormat>();

function dateTimeFormat(timeZone: string): Intl.DateTimeFormat {
	let format = dateTimeFormats.get(timeZone);
	if (!format) {
		format = new Intl.DateTimeFormat('fr-FR', {
			dateStyle: 'medium',
			timeStyle: 'short',
			timeZone
		});
		dateTimeFormats.set(timeZone, format);
	}
	return format;
}

/** An instant (ms since the epoch) as « 27 nov. 2026, 23:57 » in `timeZone`. */
export function formatDateTime(ms: number, timeZone: string = DEFAULT_TIME_ZONE): string {
	return dateTimeFormat(timeZone).format(new Date(ms));
}

// A calendar date has no time zone: read and printed in UTC, it is the same day everywhere.
const date = new Intl.DateTimeFormat('fr-FR', { dateStyle: 'medium', timeZone: 'UTC' });

/** "2026-12-15" → "15 déc. 2026". */
export function formatDate(iso: string): string {
	return date.format(new Date(`${iso}T12:00:00Z`));
}

const relative = new Intl.RelativeTimeFormat('fr-FR', { numeric: 'auto' });

const UNITS: [Intl.RelativeTimeFormatUnit, number][] = [
	['day', 86_400_000],
	['hour', 3_600_000],
	['minute', 60_000]
];

/**
 * « il y a 5 minutes », « hier », « il y a 3 jours »; « à l’instant » under a minute; null past
 * a week, where the date itself says more. Depends on the current time: render it after mount.
 */
export function formatRelative(ms: number, now: number = Date.now()): string | null {
	const elapsed = now - ms;
	if (elapsed < 0 || elapsed >= 7 * 86_400_000) return null;
	if (elapsed < 60_000) return 'à l’instant';
	for (const [unit, size] of UNITS)
		if (elapsed >= size) return relative.format(-Math.floor(elapsed / size), unit);
	return null;
}
