// `node build-server/index.js bench-setup <documents> <sessions>`: prepares a benchmark
// database with the project's own code (territory, binôme, documents, real sessions) and
// prints {documentIds, tokens} as one JSON line. Used by tests/bench only.
import type { Db } from '../src/lib/server/db';
import { hashPassword } from '../src/lib/server/auth/password';
import { createSession, generateSessionToken } from '../src/lib/server/auth/session';
import { createDocument } from '../src/lib/server/documents/queries';
import { newId } from '../src/lib/server/ids';

export async function benchSetup(db: Db, documents: number, sessions: number): Promise<{ documentIds: string[]; tokens: string[] }> {
	const now = Date.now();
	const territoryId = newId();
	await db.insertInto('territory').values({ id: territoryId, name: 'Territoire de mesure', kind: 'communauté d’agglomération', created_at: now }).execute();
	const [epciId, communeId] = [newId(), newId()];
	await db
		.insertInto('organisation')
		.values([
			{ id: epciId, territory_id: territoryId, name: 'Agglo de mesure', kind: 'epci', insee_code: null, population: null, created_at: now },
			{ id: communeId, territory_id: territoryId, name: 'Commune de mesure', kind: 'commune', insee_code: null, population: null, created_at: now }
		])
		.execute();
	const passwordHash = await hashPassword(generateSessionToken());
	const [writerId, partnerId] = [newId(), newId()];
	await db
		.insertInto('app_user')
		.values([
			{ id: writerId, organisation_id: epciId, email: `${writerId}@bench.test`, display_name: 'Rédacteur de mesure', job_title: 'DGS', territory_role: 'membre', password_hash: passwordHash, created_at: now },
			{ id: partnerId, organisation_id: communeId, email: `${partnerId}@bench.test`, display_name: 'Co-pilote de mesure', job_title: 'DGS', territory_role: 'membre', password_hash: passwordHash, created_at: now }
		])
		.execute();
	const documentIds: string[] = [];
	for (let i = 0; i < documents; i++) {
		documentIds.push(await createDocument(db, { id: writerId, territoryId }, { title: `Document ${i + 1}`, kind: 'note', theme: null, summary: '', dueDate: null, organisationIds: [], partnerId }));
	}
	const tokens: string[] = [];
	for (let i = 0; i < sessions; i++) {
		const token = generateSessionToken();
		await createSession(db, token, i % 2 ? partnerId : writerId, now);
		tokens.push(token);
	}
	return { documentIds, tokens };
}
