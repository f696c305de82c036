import { expect, test, type Page } from '@playwright/test';
import { editorOf, signedInPage, USERS } from './helpers';

const TITLE = 'Position commune sur le RIFSEEP 2027';

async function cell(page: Page, row: number, column: number) {
	return editorOf(page).locator('table tr').nth(row).locator('td, th').nth(column);
}

/** A cell's text without colleagues' caret labels (decorations drawn inside the text). */
async function cellText(page: Page, row: number, column: number): Promise<string> {
	return (await cell(page, row, column)).evaluate((el) => {
		const copy = el.cloneNode(true) as HTMLElement;
		copy.querySelectorAll('.collaboration-carets__caret').forEach((c) => c.remove());
		return copy.textContent ?? '';
	});
}

test('a RIFSEEP position co-produced by its binôme: template, participants, concurrent table edits, offline, search', async ({
	browser
}) => {
	const julien = await signedInPage(browser, USERS.julien.email);

	// Create from the RIFSEEP template with a binôme EPCI + commune.
	await julien.getByRole('link', { name: 'Nouveau document' }).click();
	await julien.getByLabel('Titre', { exact: true }).fill(TITLE);
	await julien.getByLabel('Type de document').selectOption('position-commune');
	await julien.getByLabel('Modèle').selectOption('position-commune-rifseep');
	await julien.getByLabel('Second co-pilote').selectOption({
		label: 'Isabelle Moreau — Directrice générale des services (DGS), Saint-Aubin-sur-Lauze'
	});
	await julien.getByLabel('Thème').selectOption('rh');
	await julien.getByRole('button', { name: 'Créer le document' }).click();
	await expect(julien.getByRole('heading', { level: 1, name: TITLE })).toBeVisible();
	const binome = julien.getByRole('region', { name: 'Binôme de co-pilotes' });
	await expect(binome).toContainText('Julien Roux');
	await expect(binome).toContainText('Isabelle Moreau');
	await expect(editorOf(julien).locator('table th').first()).toHaveText('Groupe de fonctions');
	await expect(julien.getByRole('navigation', { name: 'Sommaire du document' })).toContainText(
		'Points d’arbitrage'
	);

	// Add a whole commune as rédacteurs and one person as reader.
	await julien.getByText('Ajouter une organisation entière').click();
	await julien.getByLabel('Organisation', { exact: true }).selectOption({ label: 'Lauzières' });
	await julien.getByLabel('Rôle', { exact: true }).last().selectOption('editor');
	await julien.getByRole('button', { name: 'Ajouter l’organisation' }).click();
	await expect(julien.getByRole('list', { name: 'Organisations entières' })).toContainText(
		'Lauzières'
	);
	await julien.getByText('Ajouter une personne').click();
	await julien
		.getByLabel('Personne', { exact: true })
		.selectOption({ label: 'Amandine Roche — Beaumont-les-Vignes' });
	await julien.locator('#new-role').selectOption('reader');
	await julien.getByRole('button', { name: 'Ajouter la personne' }).click();
	await expect(julien.getByRole('list', { name: 'Personnes', exact: true })).toContainText(
		'Amandine Roche'
	);
	const url = julien.url();

	// The communal co-pilote opens it; both edit the same table cell at once.
	const isabelle = await signedInPage(browser, USERS.isabelle.email);
	await isabelle.goto(url);
	for (const page of [julien, isabelle])
		await expect(page.getByTestId('connection-status')).toHaveText('Connecté');
	await (await cell(julien, 1, 2)).click();
	await (await cell(isabelle, 1, 3)).click();
	await Promise.all([
		julien.keyboard.type('3 000', { delay: 30 }),
		isabelle.keyboard.type('4 200', { delay: 30 })
	]);
	await (await cell(isabelle, 1, 2)).click();
	await isabelle.keyboard.press('End');
	await isabelle.keyboard.type(' (proposition)');
	for (const page of [julien, isabelle]) {
		await expect.poll(() => cellText(page, 1, 2)).toBe('3 000 (proposition)');
		await expect.poll(() => cellText(page, 1, 3)).toBe('4 200');
	}

	// Isabelle drives across the territory without network and keeps writing.
	await isabelle.context().setOffline(true);
	await expect(isabelle.getByTestId('connection-status')).toContainText('Hors ligne');
	await (await cell(isabelle, 2, 2)).click();
	await isabelle.keyboard.type('Écrit hors ligne : 1 800');
	await (await cell(julien, 3, 2)).click();
	await julien.keyboard.type('Pendant ce temps : 1 500');
	await expect(await cell(julien, 2, 2)).not.toContainText('hors ligne');
	await isabelle.context().setOffline(false);
	for (const page of [julien, isabelle]) {
		await expect(page.getByTestId('connection-status')).toHaveText('Connecté');
		await expect.poll(() => cellText(page, 2, 2)).toBe('Écrit hors ligne : 1 800');
		await expect.poll(() => cellText(page, 3, 2)).toBe('Pendant ce temps : 1 500');
	}
	await julien.screenshot({ path: 'test-results/e2e/coproduction.png', fullPage: false });

	// Search finds it by a word of its body (indexed from the live document).
	await expect(async () => {
		await julien.goto('/documents?q=hors+ligne');
		await expect(
			julien.getByRole('region', { name: /Résultats pour/ }).getByRole('link', { name: TITLE })
		).toBeVisible({ timeout: 1000 });
	}).toPass({ timeout: 15_000 });
	await expect(julien.locator('.hit-snippet mark').first()).toBeVisible();
});
