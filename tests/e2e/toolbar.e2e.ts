import { expect, test, type Page } from '@playwright/test';
import { signIn } from './helpers';

// The toolbar is the same for documents and templates; the template editor (admin) is used here
// because nothing it does is stored until « Enregistrer le modèle ».
const ADMIN = 'marc.lefevre@agglo-lauze.test';

async function openTemplate(page: Page) {
	await signIn(page, ADMIN);
	await page.goto('/admin/modeles');
	await page.locator('main a[href^="/admin/modeles/"]').first().click();
	const editor = page.getByRole('textbox', { name: 'Contenu du modèle' });
	await expect(editor).toBeVisible();
	return editor;
}

test('links are set in a dialog of our own that refuses other schemes in French and puts the focus back', async ({
	page
}) => {
	const editor = await openTemplate(page);
	await editor.locator('p').first().click();
	await editor.locator('p').first().dblclick(); // selects a word
	const linkButton = page.getByRole('button', { name: 'Lien', exact: true });
	await linkButton.click();

	const dialog = page.getByRole('dialog', { name: 'Lien' });
	await expect(dialog).toBeVisible();
	const field = dialog.getByLabel('Adresse du lien');
	await expect(field).toBeFocused();
	await field.fill('javascript:alert(1)');
	await dialog.getByRole('button', { name: 'Appliquer' }).click();
	await expect(dialog.getByRole('alert')).toHaveText(
		'Adresse refusée : seuls les liens http, https et mailto sont permis.'
	);
	await expect(field).toHaveAttribute('aria-invalid', 'true');
	await expect(field).toHaveAccessibleDescription(/Adresse refusée/);
	await expect(field).toBeFocused();

	// Tab and Shift+Tab stay in the dialog.
	for (let i = 0; i < 5; i++) {
		await page.keyboard.press('Tab');
		expect(await dialog.evaluate((d) => d.contains(document.activeElement))).toBe(true);
	}
	await page.keyboard.press('Shift+Tab');
	expect(await dialog.evaluate((d) => d.contains(document.activeElement))).toBe(true);

	await field.fill('https://www.cnil.fr');
	await field.press('Enter');
	await expect(dialog).toBeHidden();
	await expect(editor.locator('a[href="https://www.cnil.fr"]')).toHaveCount(1);
	await expect(editor).toBeFocused(); // back to writing

	// Escape closes without changing anything.
	await linkButton.click();
	await expect(dialog).toBeVisible();
	await expect(dialog.getByLabel('Adresse du lien')).toHaveValue('https://www.cnil.fr');
	await page.keyboard.press('Escape');
	await expect(dialog).toBeHidden();
	await expect(linkButton).toBeFocused();
	await expect(editor.locator('a[href="https://www.cnil.fr"]')).toHaveCount(1);
});

test('tables are edited from one « Tableau » menu, usable from the keyboard', async ({ page }) => {
	const editor = await openTemplate(page);
	await editor.locator('p').last().click();
	await page.keyboard.press('End');
	await page.keyboard.press('Enter');
	const tables = await editor.locator('table').count();

	const menuButton = page.getByRole('button', { name: 'Tableau', exact: true });
	await expect(menuButton).toHaveAttribute('aria-haspopup', 'menu');
	await menuButton.focus();
	await page.keyboard.press('Enter');
	const menu = page.getByRole('menu', { name: 'Tableau' });
	await expect(menu).toBeVisible();
	await expect(menuButton).toHaveAttribute('aria-expanded', 'true');
	await expect(menu.getByRole('menuitem', { name: 'Insérer un tableau' })).toBeFocused();
	await expect(menu.getByRole('menuitem', { name: 'Supprimer la ligne' })).toHaveAttribute(
		'aria-disabled',
		'true'
	);
	await page.keyboard.press('Enter');
	await expect(menu).toBeHidden();
	await expect(editor.locator('table')).toHaveCount(tables + 1);
	const table = editor.locator('table').last();
	await expect(table.locator('tr')).toHaveCount(3);

	// The caret is in the new table: add a row below, a column on the left, then check the header.
	await menuButton.click();
	await menu.getByRole('menuitem', { name: 'Insérer une ligne au-dessous' }).click();
	await expect(table.locator('tr')).toHaveCount(4);
	await menuButton.click();
	await menu.getByRole('menuitem', { name: 'Insérer une colonne à gauche' }).click();
	await expect(table.locator('tr').first().locator('th, td')).toHaveCount(4);
	await menuButton.click();
	await expect(menu.getByRole('menuitemcheckbox', { name: 'Ligne d’en-tête' })).toHaveAttribute(
		'aria-checked',
		'true'
	);
	// Arrow keys move through the items; Escape closes and gives the focus back to the button.
	await page.keyboard.press('ArrowDown');
	await expect(menu.getByRole('menuitem', { name: 'Insérer une ligne au-dessus' })).toBeFocused();
	await page.keyboard.press('End');
	await expect(menu.getByRole('menuitem', { name: 'Supprimer le tableau' })).toBeFocused();
	await page.keyboard.press('Escape');
	await expect(menu).toBeHidden();
	await expect(menuButton).toBeFocused();
	await expect(menuButton).toHaveAttribute('aria-expanded', 'false');
});

test('task-list checkboxes are named in French after their task', async ({ page }) => {
	const editor = await openTemplate(page);
	await editor.locator('p').last().click();
	await page.keyboard.press('End');
	await page.keyboard.press('Enter');
	await page.getByRole('button', { name: 'Liste de tâches' }).click();
	await page.keyboard.type('Relire la convention');
	await expect(
		editor.getByRole('checkbox', { name: 'Tâche : Relire la convention' })
	).toBeVisible();
});
