// Failed-login throttling, per account and per client IP, in memory: a fixed window of
// failures; past the limit, attempts are refused until the window has passed. A success clears
// the account's counter (not the IP's: one right password must not unlock guessing elsewhere).
export const THROTTLE_DEFAULTS = {
	windowMs: 15 * 60 * 1000,
	maxFailuresPerAccount: 5,
	maxFailuresPerIp: 20,
	/** Bound on tracked keys so a flood of random e-mails cannot grow memory without limit. */
	maxKeys: 50_000
};

interface Counter {
	failures: number;
	windowStart: number;
}

export class LoginThrottle {
	private counters = new Map<string, Counter>();
	constructor(private options = THROTTLE_DEFAULTS) {}

	/** Milliseconds to wait before another attempt is allowed, or 0. */
	retryAfterMs(email: string, ip: string, now = Date.now()): number {
		const account = this.blockedFor(
			`account:${email.toLowerCase()}`,
			this.options.maxFailuresPerAccount,
			now
		);
		const address = this.blockedFor(`ip:${ip}`, this.options.maxFailuresPerIp, now);
		return Math.max(account, address);
	}

	recordFailure(email: string, ip: string, now = Date.now()): void {
		this.bump(`account:${email.toLowerCase()}`, now);
		this.bump(`ip:${ip}`, now);
	}

	recordSuccess(email: string): void {
		this.counters.delete(`account:${email.toLowerCase()}`);
	}

	private blockedFor(key: string, limit: number, now: number): number {
		const counter = this.counters.get(key);
		if (!counter) return 0;
		const windowEnd = counter.windowStart + this.options.windowMs;
		if (now >= windowEnd) {
			this.counters.delete(key);
			return 0;
		}
		return counter.failures >= limit ? windowEnd - now : 0;
	}

	private bump(key: string, now: number): void {
		const counter = this.counters.get(key);
		if (!counter || now >= counter.windowStart + this.options.windowMs) {
			if (this.counters.size >= this.options.maxKeys) this.evictExpired(now);
			this.counters.set(key, { failures: 1, windowStart: now });
		} else {
			counter.failures += 1;
		}
	}

	private evictExpired(now: number): void {
		for (const [key, counter] of this.counters) {
			if (now >= counter.windowStart + this.options.windowMs) this.counters.delete(key);
		}
		// Still full: drop the oldest entries (Map keeps insertion order).
		for (const key of this.counters.keys()) {
			if (this.counters.size < this.options.maxKeys) break;
			this.counters.delete(key);
		}
	}
}
