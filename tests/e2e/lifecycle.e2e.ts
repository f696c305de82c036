// Issue 13 (parts 1–2): from draft to validated. The binôme names a version and opens a
// consultation; a consulted DGS posts a blocking observation; the binôme answers it; the
// deadline passes (moved into the past in the database: the server's scheduler, which looks
// every second here, does the rest) → « Validé (tacitement) ».
import { expect, test } from '@playwright/test';
import * as Y from 'yjs';
import type { Db } from '../../src/lib/server/db';
import { databaseOf, demoUser } from './database';
import { createDocument, setMember } from '../../src/lib/server/documents/queries';
import { paragraph } from '../helpers/content';
import { expectNoAxeViolations, signedInPage, USERS } from './helpers';

const THOMAS = { email: 'thomas.girard@lauzieres.test', name: 'Thomas Girard' };

/** Minutes of Julien and Isabelle, Thomas reading them. */
async function minutes(db: Db, title: string): Promise<string> {
	const user = (email: string) => demoUser(db, email);
	const julien = await user(USERS.julien.email);
	const isabelle = await user(USERS.isabelle.email);
	const thomas = await user(THOMAS.email);
	const content = new Y.Doc();
	paragraph(content).insert(0, 'Réunion des DGS du 2 novembre : point sur le DPO mutualisé.');
	const id = await createDocument(
		db,
		julien,
		{
			title,
			kind: 'compte-rendu',
			theme: null,
			summary: '',
			dueDate: null,
			organisationIds: [],
			partnerId: isabelle.id
		},
		Y.encodeStateAsUpdate(content)
	);
	await setMember(db, id, thomas.id, 'reader', julien.id);
	return id;
}

test('consultation: opened by the binôme, a blocking observation answered, validated tacitly at the deadline', async ({
	browser
}, testInfo) => {
	test.setTimeout(120_000);
	const db = databaseOf(testInfo);
	try {
		const title = `Compte-rendu des DGS (${testInfo.project.name})`;
		const id = await minutes(db, title);
		const julien = await signedInPage(browser, USERS.julien.email);
		await julien.goto(`/documents/${id}`);
		await expect(julien.getByTestId('document-status')).toHaveText('Brouillon');

		// A consultation is on a named version.
		await julien.getByText('Historique', { exact: true }).click();
		await julien.getByLabel('Nommer l’état actuel').fill('Projet de compte-rendu');
		await julien.getByRole('button', { name: 'Enregistrer cette version' }).click();
		await expect(julien.getByRole('status').filter({ hasText: 'enregistrée' })).toBeVisible();
		await julien.getByText('Ouvrir une consultation').click();
		await julien.getByLabel('Version soumise').selectOption({ label: 'Projet de compte-rendu' });
		await julien.getByRole('checkbox', { name: `${THOMAS.name} (Lauzières)` }).check();
		await julien.getByRole('button', { name: 'Ouvrir la consultation' }).click();
		await expect(julien.getByTestId('document-status')).toHaveText('En consultation');
		await expect(julien.getByText(/sera validé tacitement le/)).toBeVisible();

		// The consulted DGS posts a blocking observation.
		const thomas = await signedInPage(browser, THOMAS.email);
		await thomas.goto(`/documents/${id}`);
		await thomas
			.getByLabel('Votre observation (sur l’ensemble du document)')
			.fill('Ajouter la date de la prochaine réunion.');
		await thomas.getByLabel(/Bloquante/).check();
		await thomas.getByRole('button', { name: 'Envoyer l’observation' }).click();
		await expect(
			thomas.getByRole('status').filter({ hasText: 'Observation bloquante envoyée' })
		).toBeVisible();

		// The binôme sees it block, then answers it.
		await julien.reload();
		await expect(julien.getByText(/1 observation bloquante attend/)).toBeVisible();
		const observation = julien.locator('article.thread', {
			hasText: 'Ajouter la date de la prochaine réunion.'
		});
		await expect(observation).toContainText('Observation bloquante');
		await expectNoAxeViolations(julien, 'document in consultation, observation to answer');
		await julien
			.locator('section.lifecycle')
			.screenshot({ path: 'test-results/screens/lifecycle-1280.png' });
		await observation.screenshot({ path: 'test-results/screens/observation-1280.png' });
		await observation.getByLabel('Acceptée (modification faite)').check();
		await observation
			.getByLabel('Motif (obligatoire pour un rejet)')
			.fill('Ajoutée en fin de compte-rendu.');
		await observation.getByRole('button', { name: 'Répondre à l’observation' }).click();
		await expect(
			julien.getByRole('status').filter({ hasText: 'Observation acceptée.' })
		).toBeVisible();

		// The deadline passes: the scheduler validates tacitly.
		await db
			.updateTable('consultation')
			.set({ deadline_at: Date.now() - 1000 })
			.where('document_id', '=', id)
			.execute();
		await expect(async () => {
			await julien.reload();
			await expect(julien.getByTestId('document-status')).toHaveText('Validé (tacitement)', {
				timeout: 1000
			});
		}).toPass({ timeout: 20_000 });
		await expect(julien.getByTestId('consultation-record')).toContainText(
			`Ont formulé des observations : ${THOMAS.name}`
		);
		await julien.getByText('Étapes du document').click();
		await expect(julien.getByText('Validé tacitement')).toBeVisible();
		await expectNoAxeViolations(julien, 'document validated tacitly');
	} finally {
		await db.destroy();
	}
});
