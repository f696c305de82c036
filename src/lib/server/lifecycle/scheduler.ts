// Tacit validation: a consultation whose deadline has passed without a blocking observation left
// unanswered becomes `validé (tacitement)` by itself. The state is in the database (open
// consultations and their deadlines), so a restart loses nothing: the next round finds what
// fell due meanwhile. Each validation is a conditional update (`status = 'open'`): two
// schedulers — two processes, or a round and the binôme's click — validate it once.
import { inTransaction, type Db } from '../db';
import { closeAsValidated } from './commands';

/** Validates every consultation due at `now`; returns the ids validated. */
export async function validateDue(db: Db, now: number): Promise<string[]> {
	const due = await db
		.selectFrom('consultation')
		.select(['id', 'document_id as documentId'])
		.where('status', '=', 'open')
		.where('deadline_at', '<=', now)
		// Held by an unanswered blocking observation: not due (and never filling the rounds).
		.where(({ not, exists, selectFrom }) =>
			not(
				exists(
					selectFrom('comment_thread')
						.select('comment_thread.id')
						.whereRef('comment_thread.consultation_id', '=', 'consultation.id')
						.where('comment_thread.blocking', '=', 1)
						.where('comment_thread.answer', 'is', null)
				)
			)
		)
		.orderBy('deadline_at')
		.limit(100)
		.execute();
	const validated: string[] = [];
	for (const consultation of due) {
		const outcome = await inTransaction(db, (trx) =>
			closeAsValidated(trx, consultation.documentId, consultation.id, null, now)
		);
		if (outcome === 'validated') validated.push(consultation.id);
	}
	return validated;
}

export interface SchedulerOptions {
	/** The clock (tests give their own; production reads Date.now). */
	now?: () => number;
	intervalMs?: number;
	log?: (message: string) => void;
}

export class ConsultationScheduler {
	private timer: ReturnType<typeof setTimeout> | null = null;
	private running: Promise<void> | null = null;
	private stopped = false;
	private readonly now: () => number;
	private readonly intervalMs: number;
	private readonly log: (message: string) => void;

	constructor(
		private readonly db: Db,
		options: SchedulerOptions = {}
	) {
		this.now = options.now ?? Date.now;
		this.intervalMs = options.intervalMs ?? 30_000;
		this.log = options.log ?? (() => {});
	}

	start(): void {
		this.stopped = false;
		void this.round();
	}

	/** One round now (also what the timer runs). A failed round is logged; the next one comes. */
	round(): Promise<void> {
		this.running ??= (async () => {
			try {
				const validated = await validateDue(this.db, this.now());
				if (validated.length) this.log(`Consultations validées tacitement : ${validated.length}.`);
			} catch (error) {
				console.error(`Validation tacite : tour en échec (${(error as Error).message}).`);
			} finally {
				this.running = null;
				if (!this.stopped) {
					if (this.timer) clearTimeout(this.timer);
					this.timer = setTimeout(() => void this.round(), this.intervalMs);
					this.timer.unref?.();
				}
			}
		})();
		return this.running;
	}

	async stop(): Promise<void> {
		this.stopped = true;
		if (this.timer) clearTimeout(this.timer);
		this.timer = null;
		await this.running;
	}
}
