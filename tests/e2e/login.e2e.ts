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

test('what a DGS types before the page’s script has arrived (slow line) is kept when it starts', async ({
	page
}) => {
	// Hold the application's JavaScript until the form has been filled in.
	let release: () => void = () => {};
	const held = new Promise<void>((resolve) => (release = resolve));
	await page.route('**/_app/immutable/**/*.js', async (route) => {
		await held;
		await route.continue();
	});
	await page.goto('/connexion', { waitUntil: 'domcontentloaded' });
	await page.getByLabel('Adresse électronique').fill(USERS.julien.email);
	await page.getByLabel('Mot de passe').fill('assemblier-demo');
	release();
	// The held scripts load, the page hydrates; then nothing moves on the network.
	await page.waitForLoadState('networkidle');
	await expect(page.getByLabel('Adresse électronique')).toHaveValue(USERS.julien.email);
	await page.getByRole('button', { name: 'Se connecter' }).click();
	await expect(page).toHaveURL(/\/documents$/);
});
