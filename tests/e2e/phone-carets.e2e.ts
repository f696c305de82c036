import { expect, test } from '@playwright/test';
import {
	editorOf,
	expectNoHorizontalScroll,
	openDocument,
	RGPD_TITLE,
	signedInPage,
	USERS
} from './helpers';

test('on a phone, a colleague’s caret at the end of a line does not push the page sideways', async ({
	browser
}) => {
	const colleague = await signedInPage(browser, USERS.julien.email);
	await openDocument(colleague, RGPD_TITLE);
	// The colleague's caret (labelled with name and organisation) sits at the end of a long line.
	await editorOf(colleague).locator('p').first().click();
	await colleague.keyboard.press('End');

	const phone = await browser.newContext({ viewport: { width: 390, height: 844 } });
	const page = await phone.newPage();
	await page.goto('/connexion');
	await page.getByLabel('Adresse électronique').fill(USERS.isabelle.email);
	await page.getByLabel('Mot de passe').fill('assemblier-demo');
	await page.getByRole('button', { name: 'Se connecter' }).click();
	await expect(page).toHaveURL(/\/documents$/);
	await page.getByRole('link', { name: RGPD_TITLE }).first().click();
	await expect(page.getByTestId('connection-status')).toHaveText('Connecté');
	await expect(page.locator('.collaboration-carets__label').first()).toBeVisible();
	await expectNoHorizontalScroll(page);
	await phone.close();
	await colleague.context().close();
});
