// Global setup of the `…:pg` Vitest projects: PostgreSQL must answer before any file runs,
// and databases left by a killed earlier run are dropped.
import { assertPostgresReachable, dropStalePostgresDatabases } from './dialect';

export default async function setup(): Promise<void> {
	await assertPostgresReachable();
	await dropStalePostgresDatabases();
}
