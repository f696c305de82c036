// Issue 11 (groundwork), in Chromium: a co-pilote names the current state from the document
// page, the history lists it, the version opens read-only with its text; axe finds nothing on
// the history pages, at 1280 and 390 px.
import { expect, test } from '@playwright/test';
import {
	editorOf,
	expectNoAxeViolations,
	expectNoHorizontalScroll,
	openDocument,
	RGPD_TITLE,
	signedInPage,
	USERS
} from './helpers';

test('a co-pilote names a version; the history lists it and opens it read-only', async ({
	browser
}, testInfo) => {
	const julien = await signedInPage(browser, USERS.julien.email);
	await openDocument(julien, RGPD_TITLE);
	await expect(editorOf(julien)).toContainText('Huit communes sur douze');
	const name = `Projet pour le bureau (${testInfo.project.name})`;
	await julien.getByText('Historique', { exact: true }).click();
	await julien.getByLabel('Nommer l’état actuel').fill(name);
	await julien.getByLabel('Commentaire (facultatif)').fill('Envoyé aux maires');
	await julien.getByRole('button', { name: 'Enregistrer cette version' }).click();
	await expect(julien.getByRole('status').filter({ hasText: 'enregistrée' })).toContainText(name);
	await expect(julien.getByRole('link', { name })).toBeVisible();

	await julien.getByRole('link', { name: 'Tout l’historique' }).click();
	await expect(
		julien.getByRole('heading', { level: 1, name: 'Historique des versions' })
	).toBeVisible();
	await expectNoAxeViolations(julien, 'history, 1280 px');
	await julien.getByRole('link', { name }).click();
	await expect(julien.getByRole('heading', { level: 1, name })).toBeVisible();
	await expect(julien.getByRole('article', { name: 'Contenu de la version' })).toContainText(
		'Huit communes sur douze'
	);
	await expect(julien.getByText('Envoyé aux maires')).toBeVisible();
	await expectNoAxeViolations(julien, 'version, 1280 px');
	await julien.setViewportSize({ width: 390, height: 844 });
	await expectNoHorizontalScroll(julien);
	await expectNoAxeViolations(julien, 'version, 390 px');
	await julien.context().close();
});
