import { expect, test, type Locator, type Page } from '@playwright/test';
import {
	editorOf,
	expectNoAxeViolations,
	expectNoHorizontalScroll,
	RGPD_TITLE,
	USERS
} from './helpers';

// A DGS on a phone (390 × 844): every step reachable without scrolling sideways.
test.use({ viewport: { width: 390, height: 844 }, hasTouch: true });

/** The element sits inside the viewport's width (reachable by scrolling down only). */
async function expectWithinWidth(page: Page, locator: Locator) {
	await locator.scrollIntoViewIfNeeded();
	const box = await locator.boundingBox();
	expect(box, 'element laid out').not.toBeNull();
	expect(box!.x).toBeGreaterThanOrEqual(0);
	expect(box!.x + box!.width).toBeLessThanOrEqual(390);
}

test('on a phone: log in, open a document, type, open the participants, log out', async ({
	page
}) => {
	await page.goto('/connexion');
	await expectNoHorizontalScroll(page);
	await page.getByLabel('Adresse électronique').fill(USERS.julien.email);
	await page.getByLabel('Mot de passe').fill('assemblier-demo');
	await page.getByRole('button', { name: 'Se connecter' }).click();
	await expect(page).toHaveURL(/\/documents$/);
	await expectNoHorizontalScroll(page);

	const link = page.getByRole('link', { name: RGPD_TITLE }).first();
	await expectWithinWidth(page, link);
	await link.click();
	await expect(page.getByTestId('connection-status')).toHaveText('Connecté');
	await expectNoHorizontalScroll(page);

	// The toolbar stays compact (one row, not a third of the screen) and does not cover the text.
	const toolbar = page.getByRole('toolbar', { name: 'Mise en forme' });
	const bar = await toolbar.boundingBox();
	expect(bar!.height).toBeLessThanOrEqual(56);

	const editor = editorOf(page);
	await editor.locator('p').first().click();
	await page.keyboard.press('End');
	await page.keyboard.type(' Tapé sur téléphone.');
	await expect(editor).toContainText('Tapé sur téléphone.');
	// Tools that do not fit are one tap away, in the overflow menu.
	await page.getByRole('button', { name: 'Plus d’outils' }).click();
	const more = page.getByRole('menu', { name: 'Plus d’outils' });
	await expect(more).toBeVisible();
	await expectWithinWidth(page, more);
	await page.keyboard.press('Escape');
	await expect(more).toBeHidden();

	// A table scrolls inside its own box; its cells do not break words letter by letter.
	const table = editor.locator('table').first();
	if (await table.count()) {
		await expectWithinWidth(page, editor.locator('.tableWrapper').first());
		await expectNoHorizontalScroll(page);
	}

	// The participants: a panel to open where the page offers one, else its section.
	const participants = page.getByRole('button', { name: /^Participants/ });
	if (await participants.count()) await participants.first().click();
	const heading = page.getByRole('heading', { name: 'Participants' });
	await expectWithinWidth(page, heading);
	await expectWithinWidth(page, page.getByRole('list', { name: 'Personnes', exact: true }));
	await expectNoHorizontalScroll(page);

	// The header's menu is a disclosure: closed, it hides the account; opened, logout is in reach.
	await page.evaluate(() => window.scrollTo(0, 0));
	const menu = page.getByRole('banner').getByRole('button', { name: 'Menu' });
	await expect(menu).toHaveAttribute('aria-expanded', 'false');
	await expect(page.getByRole('button', { name: 'Se déconnecter' })).toBeHidden();
	await menu.click();
	await expect(menu).toHaveAttribute('aria-expanded', 'true');
	const logout = page.getByRole('button', { name: 'Se déconnecter' });
	await expectWithinWidth(page, logout);
	await logout.click();
	await expect(page).toHaveURL(/\/connexion/);
	await expectNoHorizontalScroll(page);
});

test('on a phone, the header menu opens and closes from the keyboard', async ({ page }) => {
	await page.goto('/connexion');
	await page.getByLabel('Adresse électronique').fill(USERS.julien.email);
	await page.getByLabel('Mot de passe').fill('assemblier-demo');
	await page.getByRole('button', { name: 'Se connecter' }).click();
	await expect(page).toHaveURL(/\/documents$/);
	const menu = page.getByRole('banner').getByRole('button', { name: 'Menu' });
	await menu.focus();
	await page.keyboard.press('Enter');
	await expect(menu).toHaveAttribute('aria-expanded', 'true');
	await expect(page.getByRole('banner').getByRole('link', { name: 'Documents' })).toBeVisible();
	await page.keyboard.press('Escape');
	await expect(menu).toHaveAttribute('aria-expanded', 'false');
	await expect(menu).toBeFocused();
	await expect(page.getByRole('button', { name: 'Se déconnecter' })).toBeHidden();
});

test('on a phone, the pages and their open menus have no axe violation', async ({ page }) => {
	await page.goto('/connexion');
	await page.getByLabel('Adresse électronique').fill(USERS.julien.email);
	await page.getByLabel('Mot de passe').fill('assemblier-demo');
	await page.getByRole('button', { name: 'Se connecter' }).click();
	await expect(page).toHaveURL(/\/documents$/);
	await page.getByRole('banner').getByRole('button', { name: 'Menu' }).click();
	await expectNoAxeViolations(page, 'téléphone, tableau de bord, menu ouvert');
	await page.keyboard.press('Escape');

	await page.getByRole('link', { name: RGPD_TITLE }).first().click();
	await expect(page.getByTestId('connection-status')).toHaveText('Connecté');
	// The outline starts folded above the text, so the text is on the first screen.
	const outline = page.getByRole('navigation', { name: 'Sommaire du document' });
	await expect(outline.getByRole('button', { name: 'Contexte' })).toBeHidden();
	await outline.getByText('Sommaire').click();
	await expect(outline.getByRole('button', { name: 'Contexte' })).toBeVisible();
	await page.getByRole('button', { name: 'Plus d’outils' }).click();
	await expect(page.getByRole('menu', { name: 'Plus d’outils' })).toBeVisible();
	await expectNoAxeViolations(page, 'téléphone, document, menu « Plus d’outils » ouvert');
	await expectNoHorizontalScroll(page);
});

test.describe('without JavaScript', () => {
	test.use({ javaScriptEnabled: false });

	test('on a phone, the header shows its menu open and logout works', async ({ page }) => {
		await page.goto('/connexion');
		await page.getByLabel('Adresse électronique').fill(USERS.julien.email);
		await page.getByLabel('Mot de passe').fill('assemblier-demo');
		await page.getByRole('button', { name: 'Se connecter' }).click();
		await expect(page).toHaveURL(/\/documents$/);
		await expect(page.getByRole('banner').getByRole('button', { name: 'Menu' })).toBeHidden();
		await expectNoHorizontalScroll(page);
		const logout = page.getByRole('button', { name: 'Se déconnecter' });
		await expectWithinWidth(page, logout);
		await logout.click();
		await expect(page).toHaveURL(/\/connexion/);
	});
});
