// Deadlines are days of the territory's calendar: « 8 calendar days, ending at 23:59 » in its
// time zone, whatever zone the server runs in.

const DAY = 86_400_000;

function partsAt(instant: number, timeZone: string) {
	const parts = new Intl.DateTimeFormat('en-US', {
		timeZone,
		hourCycle: 'h23',
		year: 'numeric',
		month: '2-digit',
		day: '2-digit',
		hour: '2-digit',
		minute: '2-digit',
		second: '2-digit'
	}).formatToParts(instant);
	const get = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? 0);
	return {
		year: get('year'),
		month: get('month'),
		day: get('day'),
		hour: get('hour'),
		minute: get('minute'),
		second: get('second')
	};
}

/** How far the zone's clock is ahead of UTC at that instant (ms). */
function offsetAt(instant: number, timeZone: string): number {
	const p = partsAt(instant, timeZone);
	const local = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
	return local - Math.floor(instant / 1000) * 1000;
}

/** The calendar date 'YYYY-MM-DD' at `instant` in the zone. */
export function dateIn(timeZone: string, instant: number): string {
	const p = partsAt(instant, timeZone);
	return `${p.year}-${String(p.month).padStart(2, '0')}-${String(p.day).padStart(2, '0')}`;
}

export function isCalendarDate(value: string): boolean {
	if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
	const [y, m, d] = value.split('-').map(Number);
	const date = new Date(Date.UTC(y, m - 1, d));
	return date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d;
}

/** 23:59:59.999 of that calendar date in the zone, as an instant. */
export function endOfDay(timeZone: string, date: string): number {
	const [y, m, d] = date.split('-').map(Number);
	const wall = Date.UTC(y, m - 1, d, 23, 59, 59, 999);
	let instant = wall - offsetAt(wall, timeZone);
	// Across a change of offset (summer time), the second guess is right.
	const again = wall - offsetAt(instant, timeZone);
	if (again !== instant) instant = again;
	return instant;
}

/** The date `days` calendar days after `date`. */
export function addDays(date: string, days: number): string {
	const [y, m, d] = date.split('-').map(Number);
	return new Date(Date.UTC(y, m - 1, d) + days * DAY).toISOString().slice(0, 10);
}

/** The default deadline: `days` calendar days from today, at 23:59 in the zone. */
export function defaultDeadline(timeZone: string, days: number, now: number): number {
	return endOfDay(timeZone, addDays(dateIn(timeZone, now), days));
}
