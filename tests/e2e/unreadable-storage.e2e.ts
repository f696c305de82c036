// Issue 10, defect 1, as people meet it: a document whose stored history holds an unreadable
// row tells its reader so in French, the administrator is told in the header, repairs it from
// « Documents illisibles », and the document opens again with a note saying parts were set aside.
import { randomBytes } from 'node:crypto';
import { expect, test } from '@playwright/test';
import * as Y from 'yjs';
import type { Db } from '../../src/lib/server/db';
import { databaseOf, demoUser } from './database';
import { createDocument } from '../../src/lib/server/documents/queries';
import { appendUpdates } from '../../src/lib/server/documents/journal';
import { paragraph } from '../helpers/content';
import { expectNoAxeViolations, expectNoHorizontalScroll, signedInPage, USERS } from './helpers';

const ADMIN = 'marc.lefevre@agglo-lauze.test';

/** A document of Julien and Isabelle whose journal ends with 200 random bytes. */
async function damagedDocument(db: Db, title: string): Promise<string> {
	const user = (email: string) => demoUser(db, email);
	const julien = await user(USERS.julien.email);
	const isabelle = await user(USERS.isabelle.email);
	const content = new Y.Doc();
	paragraph(content).insert(0, 'Le texte qui reste lisible.');
	const id = await createDocument(
		db,
		julien,
		{
			title,
			kind: 'note',
			theme: null,
			summary: '',
			dueDate: null,
			organisationIds: [],
			partnerId: isabelle.id
		},
		Y.encodeStateAsUpdate(content)
	);
	await appendUpdates(db, id, 1, [{ userId: julien.id, data: randomBytes(200) }]);
	return id;
}

test('an unreadable document is said so, repaired by the administrator, and opens with a note', async ({
	browser
}, testInfo) => {
	const db = databaseOf(testInfo);
	try {
		const title = `Note endommagée ${testInfo.project.name}`;
		const documentId = await damagedDocument(db, title);

		const julien = await signedInPage(browser, USERS.julien.email);
		await julien.goto(`/documents/${documentId}`);
		await expect(julien.getByRole('heading', { level: 1, name: title })).toBeVisible();
		const unreadable = julien.getByText(
			'Ce document ne peut pas être lu ; l’administrateur est prévenu.'
		);
		await expect(unreadable).toBeVisible();
		// And it stays: the editor's own disconnect once made it ask again and wipe the message.
		await julien.waitForLoadState('networkidle');
		await expect(unreadable).toBeVisible();
		await expect(julien.getByTestId('connection-status')).toHaveText('Déconnecté');

		const marc = await signedInPage(browser, ADMIN);
		const link = marc.getByRole('link', { name: /Documents illisibles/ });
		await expect(link).toBeVisible();
		await link.click();
		await expect(
			marc.getByRole('heading', { level: 1, name: 'Documents illisibles' })
		).toBeVisible();
		const row = marc.getByRole('listitem').filter({ hasText: title });
		await expect(row).toBeVisible();
		await expectNoAxeViolations(marc, 'documents illisibles, 1280 px');
		await marc.setViewportSize({ width: 390, height: 844 });
		await expectNoHorizontalScroll(marc);
		await expectNoAxeViolations(marc, 'documents illisibles, 390 px');
		await marc.setViewportSize({ width: 1280, height: 800 });

		await row.getByRole('button', { name: /Mettre de côté les parties illisibles/ }).click();
		await expect(marc.getByRole('status')).toContainText('une partie illisible mise de côté');
		await expect(marc.getByText('Aucun document illisible.')).toBeVisible();
		await expect(marc.getByRole('link', { name: /Documents illisibles/ })).toHaveCount(0);

		await julien.reload();
		await expect(julien.getByTestId('connection-status')).toHaveText('Connecté');
		await expect(julien.getByRole('textbox', { name: 'Texte du document' })).toContainText(
			'Le texte qui reste lisible.'
		);
		await expect(julien.getByRole('note')).toContainText(
			'Une partie illisible de l’historique de ce document a été mise de côté'
		);
		await expectNoAxeViolations(julien, 'document with parts set aside');
		await julien.context().close();
		await marc.context().close();
	} finally {
		await db.destroy();
	}
});
