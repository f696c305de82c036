import { expect, test } from '@playwright/test';
import { signIn, USERS } from './helpers';

test('a wrong password shows a French error and keeps the user on the login page', async ({
	page
}) => {
	await page.goto('/documents');
	await expect(page).toHaveURL(/\/connexion/);
	await page.getByLabel('Adresse électronique').fill(USERS.julien.email);
	await page.getByLabel('Mot de passe').fill('pas-le-bon');
	await page.getByRole('button', { name: 'Se connecter' }).click();
	await expect(page.getByRole('alert')).toHaveText(
		'Adresse électronique ou mot de passe incorrect.'
	);
	await expect(page).toHaveURL(/\/connexion/);
	await expect(page.getByLabel('Adresse électronique')).toHaveValue(USERS.julien.email);
});

test('signing in lists the territory documents; signing out ends the session', async ({ page }) => {
	await signIn(page, USERS.julien.email);
	await expect(
		page.getByRole('heading', { name: 'Documents du territoire', exact: true })
	).toBeVisible();
	await expect(page.getByRole('link', { name: /Position commune RGPD/ })).toBeVisible();
	await expect(page.getByRole('banner').getByText(USERS.julien.name)).toBeVisible();
	await page.getByRole('button', { name: 'Se déconnecter' }).click();
	await expect(page).toHaveURL(/\/connexion/);
	await page.goto('/documents');
	await expect(page).toHaveURL(/\/connexion/);
});
