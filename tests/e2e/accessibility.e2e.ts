import { expect, test, type Page } from '@playwright/test';
import {
	DEMO_PASSWORD,
	expectNoAxeViolations,
	RGPD_TITLE,
	signIn,
	signedInPage,
	USERS
} from './helpers';

// Every page and state a DGS meets, checked by axe against WCAG 2.1 A and AA (RGAA's base).

const ADMIN = 'marc.lefevre@agglo-lauze.test';
const DIRECTION = 'claire.martin@agglo-lauze.test';

/**
 * Opens every panel of the page: disclosures (<details>) and disclosure buttons (aria-expanded
 * with aria-controls; menu buttons, which open a popup, are left alone).
 */
async function openAllPanels(page: Page) {
	await page
		.locator('details:not([open])')
		.evaluateAll((all) => all.forEach((d) => ((d as HTMLDetailsElement).open = true)));
	const buttons = page.locator(
		'main button[aria-expanded="false"][aria-controls]:not([aria-haspopup])'
	);
	for (const button of await buttons.all()) if (await button.isVisible()) await button.click();
}

test('login, with and without its error, has no axe violation', async ({ page }) => {
	await page.goto('/connexion');
	await expectNoAxeViolations(page, 'connexion');
	await page.getByLabel('Adresse électronique').fill(USERS.julien.email);
	await page.getByLabel('Mot de passe').fill('pas-le-bon');
	await page.getByRole('button', { name: 'Se connecter' }).click();
	await expect(page.getByRole('alert')).toBeVisible();
	await expectNoAxeViolations(page, 'connexion avec erreur');
});

test('dashboard with search results and new document with errors have no axe violation', async ({
	page
}) => {
	await signIn(page, USERS.julien.email);
	await expectNoAxeViolations(page, 'tableau de bord');
	await page.goto('/documents?q=protection');
	await expect(page.locator('mark').first()).toBeVisible();
	await expectNoAxeViolations(page, 'tableau de bord, résultats de recherche');

	await page.goto('/documents/nouveau');
	await expectNoAxeViolations(page, 'nouveau document');
	// Let the server refuse it (the browser's own checks would stop an empty form first).
	await page
		.locator('main form[method="POST"]')
		.evaluate((f) => ((f as HTMLFormElement).noValidate = true));
	await page.getByRole('button', { name: 'Créer le document' }).click();
	await expect(
		page.locator('[role="alert"], .field-error, [aria-invalid="true"]').first()
	).toBeVisible();
	await expectNoAxeViolations(page, 'nouveau document avec erreurs');
});

test('the editor as co-pilote, panels open, has no axe violation', async ({ page }) => {
	await signIn(page, USERS.julien.email);
	await page.getByRole('link', { name: RGPD_TITLE }).click();
	await expect(page.getByTestId('connection-status')).toHaveText('Connecté');
	await openAllPanels(page);
	await expectNoAxeViolations(page, 'éditeur, co-pilote, panneaux ouverts');
});

test('the editor as reader, panels open, has no axe violation', async ({ page }) => {
	await signIn(page, USERS.amandine.email);
	await page.getByRole('link', { name: RGPD_TITLE }).click();
	await expect(page.getByTestId('connection-status')).toHaveText('Connecté');
	await openAllPanels(page);
	await expectNoAxeViolations(page, 'éditeur, lecteur, panneaux ouverts');
});

test('template admin pages have no axe violation', async ({ page }) => {
	await signIn(page, ADMIN);
	await page.goto('/admin/modeles');
	await expectNoAxeViolations(page, 'modèles');
	await page.locator('main a[href^="/admin/modeles/"]').first().click();
	const editor = page.getByRole('textbox', { name: 'Contenu du modèle' });
	await expect(editor).toBeVisible();
	await expectNoAxeViolations(page, 'modèle, édition');

	// The toolbar's states (same toolbar as documents; nothing is stored until saved): a task
	// list with its checkbox, a table and its menu, the link dialog with its error.
	await editor.locator('p').last().click();
	await page.keyboard.press('End');
	await page.keyboard.press('Enter');
	await page.getByRole('button', { name: 'Liste de tâches' }).click();
	await page.keyboard.type('Relire la convention');
	await page.keyboard.press('Enter');
	await page.keyboard.press('Enter');
	const tableMenu = page.getByRole('button', { name: 'Tableau', exact: true });
	await tableMenu.click();
	await page.getByRole('menuitem', { name: 'Insérer un tableau' }).click();
	// A table as a writer leaves it: its header cells named (axe flags empty ones).
	await page.keyboard.type('Poste');
	await page.keyboard.press('Tab');
	await page.keyboard.type('Montant');
	await page.keyboard.press('Tab');
	await page.keyboard.type('Observations');
	await expect(editor.getByRole('checkbox').first()).toBeVisible();
	await tableMenu.click();
	await expect(page.getByRole('menu', { name: 'Tableau' })).toBeVisible();
	await expectNoAxeViolations(page, 'modèle, tâches, tableau et son menu');
	await page.keyboard.press('Escape');

	await editor.locator('p').first().dblclick();
	await page.getByRole('button', { name: 'Lien', exact: true }).click();
	const dialog = page.getByRole('dialog', { name: 'Lien' });
	await expect(dialog).toBeVisible();
	await expectNoAxeViolations(page, 'dialogue de lien');
	await dialog.getByLabel('Adresse du lien').fill('javascript:alert(1)');
	await dialog.getByRole('button', { name: 'Appliquer' }).click();
	await expect(dialog.getByRole('alert')).toBeVisible();
	await expectNoAxeViolations(page, 'dialogue de lien avec erreur');
});

test('403 and 404 pages have no axe violation and keep the menu bar', async ({ browser, page }) => {
	// The direction reads everything: it gives the address of a document Julien is not part of.
	const claire = await signedInPage(browser, DIRECTION);
	const href = await claire
		.getByRole('link', { name: 'Plan de formation mutualisé 2027' })
		.first()
		.getAttribute('href');
	await claire.context().close();

	await page.goto('/connexion');
	await page.getByLabel('Adresse électronique').fill(USERS.julien.email);
	await page.getByLabel('Mot de passe').fill(DEMO_PASSWORD);
	await page.getByRole('button', { name: 'Se connecter' }).click();
	await expect(page).toHaveURL(/\/documents$/);

	const forbidden = await page.goto(href!);
	expect(forbidden?.status()).toBe(403);
	await expect(page.getByRole('heading', { level: 1, name: 'Accès refusé' })).toBeVisible();
	await expect(page.getByRole('banner').getByText(USERS.julien.name)).toBeAttached();
	await expectNoAxeViolations(page, 'page 403');

	const missing = await page.goto('/documents/aaaaaaaaaaaaaaaa');
	expect(missing?.status()).toBe(404);
	await expect(page.getByRole('heading', { level: 1, name: 'Introuvable' })).toBeVisible();
	await expect(page.getByRole('banner').getByText(USERS.julien.name)).toBeAttached();
	await expectNoAxeViolations(page, 'page 404');
});
