import { expect, test, type Page, type TestInfo } from '@playwright/test';
import { expectNoAxeViolations, expectNoHorizontalScroll, signedInPage } from './helpers';

// Distribution lists (issue 13, part 4): the direction générale sees the demo list « Tous les
// DGS et secrétaires de mairie » reach the DGS of the agglomeration and of the communes, creates
// a list by name with a mayor who has no account (an invalid address refused first), and sets a
// person's function; a member of the territory is refused the pages. axe finds nothing on them,
// at 1280 and 390 px.

const CLAIRE = 'claire.martin@agglo-lauze.test';
const JULIEN = 'julien.roux@agglo-lauze.test';
const DGS = [
	'Claire Martin',
	'Thomas Girard',
	'Isabelle Moreau',
	'Pierre Lambert',
	'Sandrine Blanc',
	'François Meunier',
	'Karim Haddad',
	'Hélène Faure',
	'Camille Dupuis'
];

async function atBothWidths(page: Page, state: string, shot: string, testInfo: TestInfo) {
	const project = testInfo.project.name;
	for (const width of [1280, 390]) {
		await page.setViewportSize({ width, height: width === 390 ? 844 : 900 });
		await expectNoHorizontalScroll(page);
		await expectNoAxeViolations(page, `${state} (${width} px)`);
		// Kept outside Playwright's output folder, which a passing run empties.
		await page.screenshot({
			path: `test-results/screens/${shot}-${project}-${width}.png`,
			fullPage: true
		});
	}
	await page.setViewportSize({ width: 1280, height: 900 });
}

test('the direction manages distribution lists; « Tous les DGS… » reaches the DGS', async ({
	browser
}, testInfo) => {
	const claire = await signedInPage(browser, CLAIRE);
	await claire
		.getByRole('navigation', { name: 'Navigation principale' })
		.getByRole('link', { name: 'Diffusion' })
		.click();
	await expect(
		claire.getByRole('heading', { level: 1, name: 'Listes de diffusion' })
	).toBeVisible();
	await atBothWidths(claire, 'listes de diffusion', 'diffusion', testInfo);

	// The demo list by functions: the nine DGS and the four secrétaires de mairie, today.
	await claire.getByRole('link', { name: 'Tous les DGS et secrétaires de mairie' }).click();
	const recipients = claire.getByRole('list', { name: 'Destinataires' });
	await expect(recipients.getByRole('listitem')).toHaveCount(13);
	for (const name of DGS) await expect(recipients).toContainText(name);
	await expect(recipients).toContainText('Amandine Roche');
	await expect(recipients).not.toContainText('Nadia Benali');
	await atBothWidths(claire, 'liste par fonctions', 'diffusion-dgs', testInfo);

	// A list by name, with a mayor who has no account. A name of its own: the same database
	// serves a second run.
	const name = `Conférence des maires ${Date.now().toString(36)}`;
	await claire.goto('/diffusion');
	await claire.getByText('Créer une liste').click();
	await claire.getByLabel('Nom de la liste').fill(name);
	await claire.getByRole('radio', { name: /Liste nominative/ }).check();
	await claire.getByRole('button', { name: 'Créer la liste' }).click();
	await expect(claire.getByRole('heading', { level: 1, name })).toBeVisible();
	await expect(claire.getByRole('status')).toContainText('La liste a été créée.');

	await claire.getByLabel('Nom', { exact: true }).fill('Gérard Fontaine');
	await claire.getByLabel('Adresse électronique').fill('maire@lauzieres');
	await claire.getByRole('button', { name: 'Ajouter la personne' }).click();
	const emailField = claire.getByLabel('Adresse électronique');
	await expect(emailField).toHaveAttribute('aria-invalid', 'true');
	await expect(claire.locator('#external-email-error')).toHaveText(
		'Cette adresse électronique n’est pas valide : écrivez-la sous la forme prenom.nom@exemple.fr.'
	);
	await expect(claire.getByLabel('Nom', { exact: true })).toHaveValue('Gérard Fontaine');
	await atBothWidths(claire, 'adresse refusée', 'diffusion-refus', testInfo);

	await emailField.fill(' Maire@Lauzieres.test ');
	await claire.getByRole('button', { name: 'Ajouter la personne' }).click();
	const people = claire.getByRole('list', { name: 'Personnes de la liste' });
	await expect(people).toContainText('Gérard Fontaine');
	await expect(people).toContainText('Sans compte — maire@lauzieres.test');
	await expect(claire.getByRole('list', { name: 'Destinataires' })).toContainText(
		'maire@lauzieres.test'
	);
	await claire
		.getByLabel('Personne', { exact: true })
		.selectOption({ label: 'Thomas Girard — Lauzières' });
	await claire.getByRole('button', { name: 'Ajouter', exact: true }).click();
	await expect(people).toContainText('Thomas Girard');
	await atBothWidths(claire, 'liste nominative', 'diffusion-nominative', testInfo);

	// Deleting is confirmed.
	await claire.getByRole('button', { name: 'Supprimer la liste…' }).click();
	await expect(claire.getByRole('heading', { name: `Supprimer « ${name} » ?` })).toBeVisible();
	await claire.getByRole('button', { name: 'Supprimer la liste', exact: true }).click();
	await expect(
		claire.getByRole('heading', { level: 1, name: 'Listes de diffusion' })
	).toBeVisible();
	await expect(claire.getByRole('link', { name })).toHaveCount(0);

	// The functions page.
	await claire.getByRole('link', { name: 'Fonctions des personnes' }).click();
	await expect(claire.getByLabel('Fonction de Julien Roux', { exact: true })).toHaveValue('cadre');
	await atBothWidths(claire, 'fonctions des personnes', 'diffusion-personnes', testInfo);

	// Someone of the territory without the direction's role: no link, and the page refused.
	const julien = await signedInPage(browser, JULIEN);
	await expect(
		julien.getByRole('navigation', { name: 'Navigation principale' }).getByRole('link', {
			name: 'Diffusion'
		})
	).toHaveCount(0);
	const refused = await julien.goto('/diffusion');
	expect(refused?.status()).toBe(403);
	await expect(julien.getByText(/Seules la direction et les administrateurs/)).toBeVisible();
});
