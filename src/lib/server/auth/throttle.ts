// Failed-login throttling that an attacker cannot turn against the account's owner (OWASP
// Authentication Cheat Sheet: per account *and* source, slowing rather than locking, device
// cookies). Four counters, kept in the database (`login_throttle`, migration 0009) so that a
// restart does not reset them:
//
// - account + source: the guesser's own counter. 5 failures free, then a wait that doubles from
//   1 s up to 15 min. It blocks that source for that account only: five wrong passwords from
//   one address leave the owner free to sign in from any other.
// - account + known device: the same rule, in place of the three others, for a device on which
//   this account has signed in before (auth/known-device.ts). The owner's laptop is not slowed
//   by anybody else's failures, even from the same network.
// - account (every source but known devices): only slows, never locks — 10 failures free, then
//   1 s doubling up to 30 s — against guessing spread over many addresses.
// - source (every account): spray protection, one address trying a common password on many
//   accounts. 20 failures free, then 1 s doubling up to 15 min.
//
// A counter is forgotten when it has seen no failure for a while (24 h for account + source or
// device, 1 h for the others); a success resets the account + source (or device) counter. An
// attempt counts as a failure from the moment it is let through (before the password is
// checked, which takes ~100 ms), and is taken back if the password was right: parallel attempts
// cannot slip past the limit together. These decisions are serialised inside the process; the
// application runs as one process. Attempts refused with a wait are not counted.
//
// The source is the client address as adapter-node gives it (ADDRESS_HEADER / XFF_DEPTH behind
// a reverse proxy, README), checked by parseClientAddress (an attempt without a readable address
// is refused before it reaches the counters); an IPv6 address counts for its /64, which one
// subscriber holds.
import { isIP } from 'node:net';
import { sha256 } from '@oslojs/crypto/sha2';
import { encodeHexLowerCase } from '@oslojs/encoding';
import type { Db } from '../db';

export interface ThrottleRule {
	/** Failures let through before any wait. */
	free: number;
	/** Wait after the `free`-th failure, doubled at each further one. */
	baseDelayMs: number;
	maxDelayMs: number;
	/** The counter starts again from zero after this long without a failure. */
	forgetAfterMs: number;
}

export type ThrottleScope = 'account_source' | 'account_device' | 'account' | 'source';

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;

export const THROTTLE_DEFAULTS: Readonly<{
	rules: Readonly<Record<ThrottleScope, ThrottleRule>>;
	/** Expired counters are deleted at most this often (and at start-up, auth/session.ts). */
	cleanupEveryMs: number;
}> = Object.freeze({
	rules: Object.freeze({
		account_source: {
			free: 5,
			baseDelayMs: SECOND,
			maxDelayMs: 15 * MINUTE,
			forgetAfterMs: 24 * HOUR
		},
		account_device: {
			free: 5,
			baseDelayMs: SECOND,
			maxDelayMs: 15 * MINUTE,
			forgetAfterMs: 24 * HOUR
		},
		account: { free: 10, baseDelayMs: SECOND, maxDelayMs: 30 * SECOND, forgetAfterMs: HOUR },
		source: { free: 20, baseDelayMs: SECOND, maxDelayMs: 15 * MINUTE, forgetAfterMs: HOUR }
	}),
	cleanupEveryMs: MINUTE
});
export type ThrottleOptions = typeof THROTTLE_DEFAULTS;

/** The table, declared here rather than in db/schema.ts (migration 0009). */
export type LoginThrottleTables = {
	login_throttle: {
		id: string;
		scope: ThrottleScope;
		failures: number;
		last_failure_at: number;
		expires_at: number;
	};
};

export interface LoginAttempt {
	/** Normalised (trimmed, lower-case). */
	email: string;
	/** Client address. */
	source: string;
	/** The device's id when it is known for this account (knownDeviceFor), else null. */
	knownDevice: string | null;
}

interface Counter {
	id: string;
	scope: ThrottleScope;
}

/** Counted as a failure until `succeeded` takes it back. */
export interface AttemptTicket {
	counters: Counter[];
	at: number;
	/** Each counter's last failure before this attempt, to put back on success. */
	previousFailureAt: Map<string, number | null>;
}

export type AttemptDecision =
	{ allowed: true; ticket: AttemptTicket } | { allowed: false; retryAfterMs: number };

interface Row {
	id: string;
	failures: number;
	last_failure_at: number;
	expires_at: number;
}

/** Wait imposed after `failures` failures under `rule`, from the last of them. */
export function delayAfter(failures: number, rule: ThrottleRule): number {
	if (failures < rule.free) return 0;
	const exponent = Math.min(failures - rule.free, 40);
	return Math.min(rule.baseDelayMs * 2 ** exponent, rule.maxDelayMs);
}

/**
 * The client address as an IP address, or null when the value names none ('garbage', 'unknown',
 * empty, several words). Accepts what proxies write: a port after an IPv4 address
 * (203.0.113.5:41234), brackets and a port around an IPv6 one ([2001:db8::1]:443), a zone
 * (fe80::1%eth0). The port and zone are dropped: they do not tell subscribers apart.
 */
export function parseClientAddress(raw: string): string | null {
	let value = raw.trim().toLowerCase();
	const bracketed = /^\[([^\]]+)\](?::\d{1,5})?$/.exec(value);
	if (bracketed) value = bracketed[1];
	else {
		const withPort = /^(\d{1,3}(?:\.\d{1,3}){3}):\d{1,5}$/.exec(value);
		if (withPort) value = withPort[1];
	}
	const zone = value.indexOf('%');
	if (zone >= 0 && value.includes(':')) value = value.slice(0, zone);
	return isIP(value) ? value : null;
}

/**
 * One source per subscriber: an IPv4 address (also when written as IPv4-mapped IPv6), or the /64
 * prefix of an IPv6 address (a subscriber gets a whole /64 and can change address at will).
 */
export function normaliseSource(address: string): string {
	let value = address.trim().toLowerCase();
	if (value.startsWith('[') && value.includes(']')) value = value.slice(1, value.indexOf(']'));
	const zone = value.indexOf('%');
	if (zone >= 0) value = value.slice(0, zone);
	const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/.exec(value);
	if (mapped) return mapped[1];
	if (!value.includes(':')) return value.slice(0, 64);
	const groups = expandIpv6(value);
	return groups ? `${groups.slice(0, 4).join(':')}::/64` : value.slice(0, 64);
}

function expandIpv6(value: string): string[] | null {
	if (value.includes('.')) return null; // embedded IPv4 other than the mapped form: keep as is
	const halves = value.split('::');
	if (halves.length > 2) return null;
	const head = halves[0] ? halves[0].split(':') : [];
	const tail = halves.length === 2 && halves[1] ? halves[1].split(':') : [];
	const missing = 8 - head.length - tail.length;
	if (missing < 0 || (halves.length === 1 && missing !== 0)) return null;
	const groups = [...head, ...Array<string>(missing).fill('0'), ...tail];
	if (!groups.every((g) => /^[0-9a-f]{1,4}$/.test(g))) return null;
	return groups.map((g) => g.replace(/^0+(?=.)/, ''));
}

function counterId(scope: ThrottleScope, ...parts: string[]): Counter {
	const key = [scope, ...parts].join('\n');
	return { id: encodeHexLowerCase(sha256(new TextEncoder().encode(key))), scope };
}

export class LoginThrottle {
	private queue: Promise<unknown> = Promise.resolve();
	private lastCleanup = Number.NEGATIVE_INFINITY;

	/** One per process (the login route's); the database is passed to each call. */
	constructor(private readonly options: ThrottleOptions = THROTTLE_DEFAULTS) {}

	/** The counters an attempt is judged by and counted against. */
	countersFor(attempt: LoginAttempt): Counter[] {
		const email = attempt.email.trim().toLowerCase();
		if (attempt.knownDevice) return [counterId('account_device', email, attempt.knownDevice)];
		const source = normaliseSource(attempt.source);
		return [
			counterId('account_source', email, source),
			counterId('account', email),
			counterId('source', source)
		];
	}

	/** Milliseconds to wait before this attempt would be let through, or 0. Reads only. */
	async retryAfterMs(db: Db, attempt: LoginAttempt, now = Date.now()): Promise<number> {
		const counters = this.countersFor(attempt);
		return this.waitFor(counters, await this.read(db, counters, now), now);
	}

	/**
	 * Lets the attempt through, counted as a failure (then check the password, and call
	 * `succeeded` if it was right), or refuses it with the time to wait.
	 */
	begin(db: Db, attempt: LoginAttempt, now = Date.now()): Promise<AttemptDecision> {
		return this.serialised(async () => {
			await this.cleanupIfDue(db, now);
			const counters = this.countersFor(attempt);
			const rows = await this.read(db, counters, now);
			const retryAfterMs = this.waitFor(counters, rows, now);
			if (retryAfterMs > 0) return { allowed: false, retryAfterMs };
			const previousFailureAt = new Map<string, number | null>();
			for (const counter of counters)
				previousFailureAt.set(counter.id, rows.get(counter.id)?.last_failure_at ?? null);
			await this.write(
				db,
				counters.map((counter) => ({
					counter,
					failures: (rows.get(counter.id)?.failures ?? 0) + 1,
					lastFailureAt: now
				})),
				now
			);
			return { allowed: true, ticket: { counters, at: now, previousFailureAt } };
		});
	}

	/**
	 * The password was right: the account + source (or device) counter starts again; the
	 * attempt is taken back from the account and source counters (a success must not wipe
	 * failures made elsewhere: one valid account would otherwise reset a spray counter).
	 */
	succeeded(db: Db, ticket: AttemptTicket): Promise<void> {
		return this.serialised(async () => {
			const rows = await this.read(db, ticket.counters, ticket.at);
			for (const counter of ticket.counters) {
				const row = rows.get(counter.id);
				if (!row) continue;
				if (counter.scope === 'account_source' || counter.scope === 'account_device') {
					await tables(db).deleteFrom('login_throttle').where('id', '=', counter.id).execute();
					continue;
				}
				const failures = row.failures - 1;
				// Untouched since this attempt: its last failure is the one before it.
				const lastFailureAt =
					row.last_failure_at === ticket.at
						? (ticket.previousFailureAt.get(counter.id) ?? null)
						: row.last_failure_at;
				if (failures <= 0 || lastFailureAt === null)
					await tables(db).deleteFrom('login_throttle').where('id', '=', counter.id).execute();
				else await this.write(db, [{ counter, failures, lastFailureAt }], ticket.at);
			}
		});
	}

	private serialised<T>(task: () => Promise<T>): Promise<T> {
		const run = this.queue.then(task, task);
		this.queue = run.catch(() => {});
		return run;
	}

	private async cleanupIfDue(db: Db, now: number): Promise<void> {
		if (now - this.lastCleanup < this.options.cleanupEveryMs) return;
		this.lastCleanup = now;
		await deleteExpiredThrottleCounters(db, now);
	}

	private async read(db: Db, counters: Counter[], now: number): Promise<Map<string, Row>> {
		const rows = await tables(db)
			.selectFrom('login_throttle')
			.select(['id', 'failures', 'last_failure_at', 'expires_at'])
			.where(
				'id',
				'in',
				counters.map((c) => c.id)
			)
			.execute();
		const alive = new Map<string, Row>();
		for (const row of rows) {
			const normalised = {
				id: row.id,
				failures: Number(row.failures),
				last_failure_at: Number(row.last_failure_at),
				expires_at: Number(row.expires_at)
			};
			if (normalised.expires_at > now) alive.set(row.id, normalised);
		}
		return alive;
	}

	private waitFor(counters: Counter[], rows: Map<string, Row>, now: number): number {
		let wait = 0;
		for (const counter of counters) {
			const row = rows.get(counter.id);
			if (!row) continue;
			const until =
				row.last_failure_at + delayAfter(row.failures, this.options.rules[counter.scope]);
			wait = Math.max(wait, until - now);
		}
		return wait;
	}

	/** One statement for all the counters of an attempt: they move together. */
	private async write(
		db: Db,
		values: { counter: Counter; failures: number; lastFailureAt: number }[],
		now: number
	): Promise<void> {
		await tables(db)
			.insertInto('login_throttle')
			.values(
				values.map(({ counter, failures, lastFailureAt }) => ({
					id: counter.id,
					scope: counter.scope,
					failures,
					last_failure_at: lastFailureAt,
					expires_at: Math.max(
						lastFailureAt + this.options.rules[counter.scope].forgetAfterMs,
						now + 1
					)
				}))
			)
			.onConflict((oc) =>
				oc.column('id').doUpdateSet((eb) => ({
					failures: eb.ref('excluded.failures'),
					last_failure_at: eb.ref('excluded.last_failure_at'),
					expires_at: eb.ref('excluded.expires_at')
				}))
			)
			.execute();
	}
}

function tables(db: Db) {
	return db.withTables<LoginThrottleTables>();
}

/** Deletes the counters that have been forgotten (on write, and at start-up). */
export async function deleteExpiredThrottleCounters(db: Db, now = Date.now()): Promise<void> {
	await tables(db).deleteFrom('login_throttle').where('expires_at', '<=', now).execute();
}
