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
	await expect(julien.getByRole('link', { name, exact: true })).toBeVisible();

	await julien.getByRole('link', { name: 'Tout l’historique' }).click();
	await expect(
		julien.getByRole('heading', { level: 1, name: 'Historique des versions' })
	).toBeVisible();
	await expectNoAxeViolations(julien, 'history, 1280 px');
	await julien.getByRole('link', { name, exact: true }).click();
	await expect(julien.getByRole('heading', { level: 1, name })).toBeVisible();
	await expect(julien.getByRole('article', { name: 'Contenu de la version' })).toContainText(
		'Huit communes sur douze'
	);
	await expect(julien.getByText('Envoyé aux maires')).toBeVisible();
	await expectNoAxeViolations(julien, 'version, 1280 px');
	await julien.screenshot({ path: 'test-results/e2e/version-1280.png', fullPage: true });
	await julien.setViewportSize({ width: 390, height: 844 });
	await expectNoHorizontalScroll(julien);
	await expectNoAxeViolations(julien, 'version, 390 px');
	await julien.screenshot({ path: 'test-results/e2e/version-390.png', fullPage: true });
	await julien.context().close();
});

test('compare shows who added what, a restore reaches the other editor live, a returning reader sees what changed since', async ({
	browser
}, testInfo) => {
	// Three people signed in, two pages checked by axe twice: measured 33 s on SQLite and 53 s
	// on PostgreSQL here, too close to the default 60 s.
	test.setTimeout(150_000);
	const tag = testInfo.project.name;
	const agglo = `Ajout de l’agglomération ${tag}.`;
	const commune = `Ajout de Saint-Aubin ${tag}.`;
	// A reader opens the document, then leaves: her visit is recorded.
	const amandine = await signedInPage(browser, USERS.amandine.email);
	await openDocument(amandine, RGPD_TITLE);
	await amandine.goto('/documents');

	// The co-pilote names the current state; two people of two organisations then write.
	const julien = await signedInPage(browser, USERS.julien.email);
	const isabelle = await signedInPage(browser, USERS.isabelle.email);
	await openDocument(julien, RGPD_TITLE);
	await openDocument(isabelle, RGPD_TITLE);
	const name = `Avant la réunion (${tag})`;
	await julien.getByText('Historique', { exact: true }).click();
	await julien.getByLabel('Nommer l’état actuel').fill(name);
	await julien.getByRole('button', { name: 'Enregistrer cette version' }).click();
	await expect(julien.getByRole('status').filter({ hasText: 'enregistrée' })).toContainText(name);

	for (const [page, text] of [
		[julien, agglo],
		[isabelle, commune]
	] as const) {
		await editorOf(page).click();
		await page.keyboard.press('Control+End');
		await page.keyboard.press('Enter');
		await page.keyboard.type(text);
	}
	for (const page of [julien, isabelle]) {
		await expect(editorOf(page)).toContainText(agglo);
		await expect(editorOf(page)).toContainText(commune);
	}

	// Who wrote Isabelle's paragraph: asked with the cursor in it.
	await editorOf(julien).getByText(commune).click();
	await julien.getByRole('button', { name: 'Qui a écrit ce passage ?' }).click();
	await expect(julien.getByRole('list', { name: 'Auteurs du passage' })).toContainText(
		USERS.isabelle.name
	);

	// The returning reader is offered what changed since her visit, with the authors.
	await amandine.getByRole('link', { name: RGPD_TITLE }).click();
	await amandine
		.getByRole('link', { name: 'Voir les modifications depuis votre dernière visite' })
		.click();
	await expect(
		amandine.getByRole('heading', { level: 1, name: 'Modifications depuis votre dernière visite' })
	).toBeVisible();
	const changes = amandine.getByRole('article', { name: 'Document avec les modifications' });
	await expect(changes.locator(`ins[title="Ajouté par ${USERS.julien.name}"]`)).toContainText(
		agglo
	);
	await expect(changes.locator(`ins[title="Ajouté par ${USERS.isabelle.name}"]`)).toContainText(
		commune
	);

	// The co-pilote compares the named version with now: both insertions, with their names.
	// Each step waits for its page: the history page also has « Comparer avec maintenant : … »
	// links, one per version.
	await julien.getByRole('link', { name: 'Tout l’historique' }).click();
	await expect(
		julien.getByRole('heading', { level: 1, name: 'Historique des versions' })
	).toBeVisible();
	await julien.getByRole('link', { name, exact: true }).click();
	await expect(julien.getByRole('heading', { level: 1, name })).toBeVisible();
	await julien.getByRole('link', { name: 'Comparer avec maintenant', exact: true }).click();
	await expect(
		julien.getByRole('heading', { level: 1, name: 'Comparer deux versions' })
	).toBeVisible();
	const compared = julien.getByRole('article', { name: 'Document avec les modifications' });
	await expect(compared.locator(`ins[title="Ajouté par ${USERS.julien.name}"]`)).toContainText(
		agglo
	);
	await expect(compared.locator(`ins[title="Ajouté par ${USERS.isabelle.name}"]`)).toContainText(
		commune
	);
	const authors = julien.getByRole('list', { name: 'Auteurs des modifications' });
	await expect(authors).toContainText(USERS.julien.name);
	await expect(authors).toContainText(USERS.isabelle.name);
	await expectNoAxeViolations(julien, 'compare, 1280 px');
	await julien.screenshot({ path: `test-results/e2e/compare-${tag}-1280.png`, fullPage: true });
	await julien.setViewportSize({ width: 390, height: 844 });
	await expectNoHorizontalScroll(julien);
	await expectNoAxeViolations(julien, 'compare, 390 px');
	await julien.screenshot({ path: `test-results/e2e/compare-${tag}-390.png`, fullPage: true });
	await julien.setViewportSize({ width: 1280, height: 800 });

	// Restoring the named version: Isabelle's open editor follows live.
	await julien.goBack();
	julien.once('dialog', (dialog) => void dialog.accept());
	await julien.getByRole('button', { name: 'Restaurer cette version' }).click();
	await expect(julien.getByRole('status').filter({ hasText: 'Version restaurée' })).toBeVisible();
	await expect(editorOf(isabelle)).not.toContainText(commune);
	await expect(editorOf(isabelle)).not.toContainText(agglo);
	await expect(editorOf(isabelle)).toContainText('Huit communes sur douze');
	// The restore is in the history, by its author.
	await julien.getByRole('link', { name: 'Historique' }).click();
	await expect(
		julien.getByRole('link', { name: `Restauration de « ${name} »`, exact: true })
	).toBeVisible();
	await expectNoAxeViolations(julien, 'history with contributions, 1280 px');
	await julien.screenshot({ path: `test-results/e2e/history-${tag}-1280.png`, fullPage: true });
	await julien.setViewportSize({ width: 390, height: 844 });
	await expectNoHorizontalScroll(julien);
	await expectNoAxeViolations(julien, 'history with contributions, 390 px');
	await julien.screenshot({ path: `test-results/e2e/history-${tag}-390.png`, fullPage: true });

	for (const page of [amandine, julien, isabelle]) await page.context().close();
});
