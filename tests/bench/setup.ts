// The benchmark's database, prepared with the app's own code from source: migrations, a
// territory, one binôme (EPCI writer, communal partner), documents they co-lead, real sessions.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { migrateToLatest, openDatabase } from '../../src/lib/server/db';
import { createSession, generateSessionToken } from '../../src/lib/server/auth/session';
import { appendUpdates } from '../../src/lib/server/documents/journal';
import { updateFromProsemirrorJson } from '../../src/lib/server/documents/content';
import { DEFAULT_TEMPLATES } from '../../src/lib/server/templates/defaults';
import { pm } from '../../src/lib/documents/schema';
import { buildDocument, buildTerritory, buildUser } from '../helpers/factories';

export interface BenchDatabase {
	/** Temporary directory holding the database; the caller removes it. */
	dir: string;
	databaseFile: string;
	documentIds: string[];
	/** Session tokens, alternately the writer's and the partner's. */
	tokens: string[];
	/** A document with the body of a real co-production (RIFSEEP template), for page loads. */
	pageDocumentId: string;
}

/** A phrase of the page document's body: the page-load workload waits until it is visible. */
export const PAGE_DOCUMENT_PHRASE = 'Points d’arbitrage soumis au comité d’appui';

export async function setupDatabase(documents: number, sessions: number): Promise<BenchDatabase> {
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'assemblier-bench-'));
	const databaseFile = path.join(dir, 'bench.sqlite');
	const db = openDatabase(databaseFile);
	try {
		await migrateToLatest(db);
		const territory = await buildTerritory(db);
		const writer = await buildUser(db, territory, territory.epciId, {
			name: 'Rédacteur de mesure'
		});
		const partner = await buildUser(db, territory, territory.communeId, {
			name: 'Co-pilote de mesure'
		});
		const documentIds: string[] = [];
		for (let i = 0; i < documents; i++)
			documentIds.push(await buildDocument(db, writer, [], undefined, partner));
		const tokens = [writer.token, partner.token];
		for (let i = tokens.length; i < sessions; i++) {
			const token = generateSessionToken();
			await createSession(db, token, i % 2 ? partner.id : writer.id);
			tokens.push(token);
		}
		const pageDocumentId = await buildDocument(db, writer, [], undefined, partner);
		const template =
			DEFAULT_TEMPLATES.find((t) => t.id === 'position-commune-rifseep') ?? DEFAULT_TEMPLATES[0];
		const body = {
			...template.body,
			content: [
				...(template.body.content ?? []),
				pm.h(2, PAGE_DOCUMENT_PHRASE),
				...Array.from({ length: 30 }, (_, i) =>
					pm.p(
						`Paragraphe ${i + 1} : les communes membres précisent leur position sur la cotation des postes, le plafond de l’IFSE par groupe de fonctions et les modalités du CIA.`
					)
				)
			]
		};
		await appendUpdates(db, pageDocumentId, 0, [
			{ userId: writer.id, data: updateFromProsemirrorJson(body) }
		]);
		return { dir, databaseFile, documentIds, tokens: tokens.slice(0, sessions), pageDocumentId };
	} finally {
		// Closed before a server opens the file: a second connection (with its own checkpointer
		// thread) left open in the driver would change how the server's WAL is checkpointed.
		await db.destroy();
	}
}
