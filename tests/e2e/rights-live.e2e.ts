import { expect, test, type Page } from '@playwright/test';
import { editorOf, signedInPage, USERS } from './helpers';

const PIERRE = { email: 'pierre.lambert@villeneuve.test', name: 'Pierre Lambert' };

/** Julien creates a note with Isabelle as binôme and gives Pierre `role`; returns its URL. */
async function noteWithPierre(julien: Page, title: string, role: 'editor' | 'reader') {
	await julien.getByRole('link', { name: 'Nouveau document' }).click();
	await julien.getByLabel('Titre', { exact: true }).fill(title);
	await julien.getByLabel('Type de document').selectOption('note');
	const partner = julien.getByLabel('Second co-pilote');
	await partner.selectOption(
		(await partner.locator('option', { hasText: USERS.isabelle.name }).getAttribute('value'))!
	);
	await julien.getByRole('button', { name: 'Créer le document' }).click();
	await expect(julien.getByRole('heading', { level: 1, name: title })).toBeVisible();
	await julien.getByText('Ajouter une personne').click();
	const person = julien.locator('#new-member');
	await person.selectOption(
		(await person.locator('option', { hasText: PIERRE.name }).getAttribute('value'))!
	);
	await julien.locator('#new-role').selectOption(role);
	await julien.getByRole('button', { name: 'Ajouter la personne' }).click();
	await expect(julien.getByRole('list', { name: 'Personnes', exact: true })).toContainText(
		PIERRE.name
	);
	return julien.url();
}

/** The co-pilote changes Pierre's role from the participants panel and waits for the answer. */
async function setPierreRole(julien: Page, role: 'editor' | 'reader') {
	await Promise.all([
		julien.waitForResponse(
			(r) => r.request().method() === 'POST' && r.url().includes('setMember') && r.ok()
		),
		julien.getByLabel(`Rôle de ${PIERRE.name}`).selectOption(role)
	]);
}

async function typeAtEnd(page: Page, text: string) {
	await editorOf(page).click();
	await page.keyboard.press('Control+End');
	await page.keyboard.press('Enter');
	await page.keyboard.type(text);
}

const toolbarOf = (page: Page) => page.getByRole('toolbar', { name: 'Mise en forme' });
const keptAsideOf = (page: Page) => page.getByRole('region', { name: 'Texte mis de côté' });

test('a rédacteur lowered to lecteur while away: the page follows, what they typed is kept aside and never reaches anyone', async ({
	browser
}) => {
	const julien = await signedInPage(browser, USERS.julien.email);
	const url = await noteWithPierre(julien, 'Note sur les droits en direct', 'editor');
	const pierre = await signedInPage(browser, PIERRE.email);
	await pierre.goto(url);
	await expect(pierre.getByTestId('connection-status')).toHaveText('Connecté');
	await expect(toolbarOf(pierre)).toBeVisible();
	await typeAtEnd(pierre, 'Ajout accepté du rédacteur.');
	await expect(editorOf(julien)).toContainText('Ajout accepté du rédacteur.');

	// Pierre's line drops; meanwhile the co-pilote makes him a reader. He keeps typing.
	await pierre.context().setOffline(true);
	await expect(pierre.getByTestId('connection-status')).toContainText('Hors ligne');
	await setPierreRole(julien, 'reader');
	await typeAtEnd(pierre, 'Texte tapé après la rétrogradation.');

	await pierre.context().setOffline(false);
	await expect(pierre.getByTestId('role-notice')).toContainText(
		'Votre rôle a changé : vous êtes désormais lecteur.'
	);
	await expect(pierre.getByTestId('role-notice')).toContainText(
		'Vos modifications non envoyées sont mises de côté.'
	);
	await expect(toolbarOf(pierre)).toHaveCount(0);
	await expect(pierre.getByText(/^Lecture seule :/)).toBeVisible();
	await expect(pierre.getByText(/^Votre rôle :/)).toHaveText(/Votre rôle : Lecteur/);
	await expect(editorOf(pierre)).toHaveAttribute('contenteditable', 'false');
	await expect(keptAsideOf(pierre).getByRole('textbox')).toHaveValue(
		/Texte tapé après la rétrogradation\./
	);
	await expect(pierre.getByTestId('connection-status')).toHaveText('Connecté');
	// Resynced from the server: his accepted text is there, the refused one is not.
	await expect(editorOf(pierre)).toContainText('Ajout accepté du rédacteur.');
	await expect(editorOf(pierre)).not.toContainText('Texte tapé après la rétrogradation.');
	await keptAsideOf(pierre).getByRole('button', { name: 'Copier' }).click();
	await expect(keptAsideOf(pierre)).toContainText('Texte copié dans le presse-papiers.');
	await pierre.screenshot({ path: 'test-results/e2e/rights-kept-aside.png' });
	await pierre.setViewportSize({ width: 390, height: 844 });
	await pierre.screenshot({ path: 'test-results/e2e/rights-kept-aside-390.png', fullPage: true });
	await pierre.setViewportSize({ width: 1280, height: 720 });

	// Raised again: editable at once, and the refused text still does not come back, even
	// after a reload (the local copy that held it was dropped).
	await setPierreRole(julien, 'editor');
	await expect(pierre.getByTestId('role-notice')).toContainText('vous êtes désormais rédacteur');
	await expect(toolbarOf(pierre)).toBeVisible();
	await expect(editorOf(pierre)).toHaveAttribute('contenteditable', 'true');
	await pierre.reload();
	await expect(pierre.getByTestId('connection-status')).toHaveText('Connecté');
	await expect(editorOf(pierre)).toContainText('Ajout accepté du rédacteur.');
	await typeAtEnd(pierre, 'Retour du rédacteur.');
	await expect(editorOf(julien)).toContainText('Retour du rédacteur.');
	for (const page of [julien, pierre])
		await expect(editorOf(page)).not.toContainText('Texte tapé après la rétrogradation.');
	// The kept text survives the reload until he drops it.
	await expect(keptAsideOf(pierre)).toBeVisible();
	await keptAsideOf(pierre).getByRole('button', { name: 'Abandonner' }).click();
	await expect(keptAsideOf(pierre)).toHaveCount(0);
});

test('a lecteur raised to rédacteur types without reloading; lowered again, the toolbar goes at once', async ({
	browser
}) => {
	const julien = await signedInPage(browser, USERS.julien.email);
	const url = await noteWithPierre(julien, 'Note sur une promotion en direct', 'reader');
	const pierre = await signedInPage(browser, PIERRE.email);
	await pierre.goto(url);
	await expect(pierre.getByTestId('connection-status')).toHaveText('Connecté');
	await expect(pierre.getByText(/^Lecture seule :/)).toBeVisible();
	await expect(toolbarOf(pierre)).toHaveCount(0);

	await setPierreRole(julien, 'editor');
	await expect(pierre.getByTestId('role-notice')).toHaveText(
		/Votre rôle a changé : vous êtes désormais rédacteur\. Vous pouvez maintenant modifier le texte\./
	);
	await expect(toolbarOf(pierre)).toBeVisible();
	await expect(pierre.getByText(/^Votre rôle :/)).toHaveText(/Votre rôle : Rédacteur/);
	await expect(editorOf(pierre)).toHaveAttribute('contenteditable', 'true');
	await expect(pierre.getByTestId('connection-status')).toHaveText('Connecté');
	await typeAtEnd(pierre, 'Écrit sans recharger la page.');
	await expect(editorOf(julien)).toContainText('Écrit sans recharger la page.');

	await setPierreRole(julien, 'reader');
	await expect(pierre.getByTestId('role-notice')).toContainText('vous êtes désormais lecteur');
	await expect(toolbarOf(pierre)).toHaveCount(0);
	await expect(editorOf(pierre)).toHaveAttribute('contenteditable', 'false');
	await expect(keptAsideOf(pierre)).toHaveCount(0);
});
