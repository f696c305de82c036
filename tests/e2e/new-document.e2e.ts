// /documents/nouveau: a refused submission says what is wrong where it is wrong, keeps what was
// typed, and the form works without JavaScript.
import { expect, test } from '@playwright/test';
import { signedInPage, USERS } from './helpers';

test('a refused creation shows a summary at the top, the error next to its field, and moves the focus there', async ({
	browser
}) => {
	const page = await signedInPage(browser, USERS.julien.email);
	await page.setViewportSize({ width: 1280, height: 700 });
	await page.goto('/documents/nouveau');
	// Passes the browser's checks, refused by the server.
	await page.getByLabel('Titre', { exact: true }).fill('Note <brouillon>');
	await page.getByLabel('Second co-pilote').selectOption({
		label: 'Isabelle Moreau — Directrice générale des services (DGS), Saint-Aubin-sur-Lauze'
	});
	await page.getByLabel(/^Résumé/).fill('Gardé après le refus.');
	await page.getByLabel('Lauzières').check();
	await page.getByRole('button', { name: 'Créer le document' }).click();

	const summary = page.getByRole('alert').filter({ hasText: '1 erreur' });
	await expect(summary).toBeVisible();
	const title = page.getByLabel('Titre', { exact: true });
	await expect(title).toBeFocused();
	await expect(title).toBeInViewport();
	await expect(title).toHaveAttribute('aria-invalid', 'true');
	const describedBy = (await title.getAttribute('aria-describedby')) ?? '';
	const message = page.locator(`[id="${describedBy.split(' ')[0]}"]`);
	await expect(message).toContainText('ne peut pas contenir les caractères < ou >');
	await expect(message).toBeInViewport();
	// What was typed is still there.
	await expect(title).toHaveValue('Note <brouillon>');
	await expect(page.getByLabel(/^Résumé/)).toHaveValue('Gardé après le refus.');
	await expect(page.getByLabel('Lauzières')).toBeChecked();
	await expect(page.getByLabel('Second co-pilote')).not.toHaveValue('');
	await page.screenshot({
		path: 'test-results/screens/new-document-errors-1280.png',
		fullPage: false
	});
	await page.setViewportSize({ width: 390, height: 844 });
	await page.screenshot({
		path: 'test-results/screens/new-document-errors-390.png',
		fullPage: false
	});

	// The summary links to the field.
	await page.getByLabel('Résumé').focus();
	await summary.getByRole('link', { name: /ne peut pas contenir/ }).click();
	await expect(title).toBeFocused();

	await title.fill('Note de brouillon');
	await page.getByRole('button', { name: 'Créer le document' }).click();
	await expect(page.getByRole('heading', { level: 1, name: 'Note de brouillon' })).toBeVisible();
});

test('several refused fields are listed together, in the order of the form', async ({
	browser
}) => {
	const page = await signedInPage(browser, USERS.julien.email);
	await page.goto('/documents/nouveau');
	await page.getByLabel('Titre', { exact: true }).fill('Note <brouillon>');
	// As an older browser would send it: no co-pilote chosen (the browser's own check is off).
	const create = page.getByRole('button', { name: 'Créer le document' });
	await page
		.locator('form', { has: create })
		.evaluate((form: HTMLFormElement) => (form.noValidate = true));
	await page.getByRole('button', { name: 'Créer le document' }).click();
	const summary = page.getByRole('alert').filter({ hasText: '2 erreurs' });
	await expect(summary).toBeVisible();
	await expect(summary.getByRole('link')).toHaveText([
		/ne peut pas contenir les caractères < ou >/,
		/second co-pilote/
	]);
	await expect(page.getByLabel('Titre', { exact: true })).toBeFocused();
	await expect(page.getByLabel('Second co-pilote')).toHaveAttribute('aria-invalid', 'true');
	await page.context().close();
});

test('without JavaScript, a document is created from a template of another kind than the first one', async ({
	browser
}) => {
	const julien = await signedInPage(browser, USERS.julien.email);
	const context = await browser.newContext({ javaScriptEnabled: false });
	await context.addCookies(await julien.context().cookies());
	const page = await context.newPage();
	await page.goto('/documents/nouveau');
	const title = `Compte-rendu sans script ${Date.now().toString(36)}`;
	await page.getByLabel('Titre', { exact: true }).fill(title);
	await page.getByLabel('Type de document').selectOption('compte-rendu');
	await page.getByLabel('Modèle').selectOption({ label: 'Compte-rendu de réunion des DGS' });
	await page.getByLabel('Second co-pilote').selectOption({
		label: 'Isabelle Moreau — Directrice générale des services (DGS), Saint-Aubin-sur-Lauze'
	});
	await page.getByRole('button', { name: 'Créer le document' }).click();
	await expect(page.getByRole('heading', { level: 1, name: title })).toBeVisible();
	await context.close();
});
