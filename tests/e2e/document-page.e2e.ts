// The document page's panels: settings that survive saving, participants with a safety net,
// access requests from the 403 page, and what each role allows.
import { expect, test, type Browser, type Page } from '@playwright/test';
import { signedInPage, USERS } from './helpers';

const KARIM = { email: 'karim.haddad@montferrand.test', name: 'Karim Haddad' };
const YANNICK = { email: 'yannick.bertrand@mas-sauvage.test' };

/** A fresh document of Julien's (binôme with Isabelle), so no scenario depends on another. */
async function createDocument(page: Page, title: string): Promise<string> {
	await page.goto('/documents/nouveau');
	await page.getByLabel('Titre', { exact: true }).fill(title);
	await page.getByLabel('Type de document').selectOption('note');
	await page.getByLabel('Second co-pilote').selectOption({
		label: 'Isabelle Moreau — Directrice générale des services (DGS), Saint-Aubin-sur-Lauze'
	});
	await page.getByLabel('Thème').selectOption('rh');
	await page.getByLabel('Échéance').fill('2027-03-31');
	await page.getByLabel(/^Résumé/).fill('Un résumé que rien ne doit effacer.');
	await page.getByLabel('Lauzières').check();
	await page.getByLabel('Beaumont-les-Vignes').check();
	await page.getByRole('button', { name: 'Créer le document' }).click();
	await expect(page.getByRole('heading', { level: 1, name: title })).toBeVisible();
	return page.url();
}

const unique = (title: string) => `${title} ${Date.now().toString(36)}`;

async function expectSettingsIntact(page: Page, title: string) {
	const field = (label: string) => page.getByLabel(label, { exact: true });
	await expect(field('Titre')).toHaveValue(title);
	await expect(field('Thème')).toHaveValue('rh');
	await expect(field('Échéance')).toHaveValue('2027-03-31');
	await expect(field('Résumé')).toHaveValue('Un résumé que rien ne doit effacer.');
	await expect(field('Lauzières')).toBeChecked();
	await expect(field('Beaumont-les-Vignes')).toBeChecked();
	await expect(field('Saint-Aubin-sur-Lauze')).not.toBeChecked();
}

test('the settings form comes back with what is stored: saved twice, then reloaded, nothing is erased', async ({
	browser
}) => {
	const julien = await signedInPage(browser, USERS.julien.email);
	const title = unique('Note de réglages');
	await createDocument(julien, title);
	await julien.getByText('Réglages du document').click();
	await expectSettingsIntact(julien, title);
	for (let round = 0; round < 2; round++) {
		await julien.getByRole('button', { name: 'Enregistrer les réglages' }).click();
		await expect(
			julien.getByRole('status').filter({ hasText: 'Réglages enregistrés.' })
		).toBeVisible();
		await expectSettingsIntact(julien, title);
	}
	await julien.reload();
	await julien.getByText('Réglages du document').click();
	await expectSettingsIntact(julien, title);
});

test('removing a participant asks first; a role change and a removal can be undone for a few seconds', async ({
	browser
}) => {
	const julien = await signedInPage(browser, USERS.julien.email);
	await createDocument(julien, unique('Note des participants'));
	await julien.getByText('Ajouter une personne').click();
	await julien
		.getByLabel('Personne', { exact: true })
		.selectOption({ label: 'Amandine Roche — Beaumont-les-Vignes' });
	await julien.getByLabel('Rôle', { exact: true }).first().selectOption('reader');
	await julien.getByRole('button', { name: 'Ajouter la personne' }).click();
	const people = julien.getByRole('list', { name: 'Personnes', exact: true });
	const undo = julien
		.getByRole('region', { name: 'Participants' })
		.getByRole('button', { name: 'Annuler' });
	const amandineRole = julien.getByLabel('Rôle de Amandine Roche', { exact: true });
	await expect(amandineRole).toHaveValue('reader');

	// A role change applies, then « Annuler » puts the previous role back.
	await amandineRole.selectOption('editor');
	await expect(julien.getByText('Le rôle de Amandine Roche a été modifié.')).toBeVisible();
	await undo.click();
	await expect(julien.getByText('Le rôle de Amandine Roche a été rétabli.')).toBeVisible();
	await julien.reload();
	await expect(julien.getByLabel('Rôle de Amandine Roche', { exact: true })).toHaveValue('reader');

	// « Retirer » asks first; « Garder » keeps her.
	await julien.getByRole('button', { name: 'Retirer Amandine Roche' }).click();
	const dialog = julien.getByRole('dialog', { name: 'Retirer Amandine Roche ?' });
	await expect(dialog).toBeVisible();
	await dialog.getByRole('button', { name: 'Garder' }).click();
	await expect(dialog).toBeHidden();
	await expect(people).toContainText('Amandine Roche');
	await julien.getByRole('button', { name: 'Retirer Amandine Roche' }).click();
	await dialog.getByRole('button', { name: 'Retirer', exact: true }).click();
	await expect(julien.getByText('Amandine Roche ne participe plus au document.')).toBeVisible();
	await expect(people).not.toContainText('Amandine Roche');
	await undo.click();
	await expect(julien.getByLabel('Rôle de Amandine Roche', { exact: true })).toHaveValue('reader');
	await julien.screenshot({ path: 'test-results/screens/participants-1280.png', fullPage: true });
	await julien.setViewportSize({ width: 390, height: 844 });
	await julien.getByRole('button', { name: 'Retirer Amandine Roche' }).click();
	await expect(dialog).toBeVisible();
	await julien.screenshot({ path: 'test-results/screens/participants-dialog-390.png' });
	await dialog.getByRole('button', { name: 'Garder' }).click();
	await julien.screenshot({ path: 'test-results/screens/participants-390.png', fullPage: true });
});

test('without JavaScript: the removal is confirmed on a page, roles of people and organisations apply with a button', async ({
	browser
}) => {
	const julien = await signedInPage(browser, USERS.julien.email);
	const url = await createDocument(julien, unique('Note sans script'));
	const context = await browser.newContext({ javaScriptEnabled: false });
	await context.addCookies(await julien.context().cookies());
	const page = await context.newPage();
	await page.goto(url);
	await page.getByText('Ajouter une organisation entière').click();
	await page.getByLabel('Organisation', { exact: true }).selectOption({ label: 'Lauzières' });
	await page.locator('#new-org-role').selectOption('reader');
	await page.getByRole('button', { name: 'Ajouter l’organisation' }).click();
	const lauzieres = page.getByLabel('Rôle de Lauzières', { exact: true });
	await expect(lauzieres).toHaveValue('reader');
	await lauzieres.selectOption('editor');
	await page.getByRole('button', { name: 'Appliquer le rôle de Lauzières' }).click();
	await expect(page.getByLabel('Rôle de Lauzières', { exact: true })).toHaveValue('editor');

	await page.getByRole('button', { name: 'Retirer Lauzières' }).click();
	await expect(page.getByRole('heading', { name: 'Retirer Lauzières ?' })).toBeVisible();
	await page.getByRole('button', { name: 'Retirer', exact: true }).click();
	await expect(page.getByText('L’organisation ne participe plus au document.')).toBeVisible();
	await expect(page.getByRole('list', { name: 'Organisations entières' })).toHaveCount(0);
	await context.close();
});

async function answerAsBinome(browser: Browser, url: string) {
	const julien = await signedInPage(browser, USERS.julien.email);
	await julien.goto(url);
	const requests = julien.getByRole('region', { name: 'Demandes d’accès' });
	await expect(requests).toContainText(KARIM.name);
	await expect(requests).toContainText('Je prépare la commission RH.');
	await requests.getByLabel(`Rôle accordé à ${KARIM.name}`).selectOption('annotator');
	await julien.screenshot({
		path: 'test-results/screens/access-requests-1280.png',
		fullPage: true
	});
	await requests.getByRole('button', { name: `Accepter la demande de ${KARIM.name}` }).click();
	await expect(julien.getByText(`${KARIM.name} participe désormais au document`)).toBeVisible();
	await expect(julien.getByLabel(`Rôle de ${KARIM.name}`, { exact: true })).toHaveValue(
		'annotator'
	);
}

test('someone of the territory asks the named binôme for access from the 403 page; the binôme grants it on the document page', async ({
	browser
}) => {
	const julien = await signedInPage(browser, USERS.julien.email);
	const title = unique('Note confidentielle');
	const url = await createDocument(julien, title);

	const karim = await signedInPage(browser, KARIM.email);
	const response = await karim.goto(url);
	expect(response?.status()).toBe(403);
	await expect(karim.getByRole('heading', { level: 1, name: 'Accès refusé' })).toBeVisible();
	// The menu bar stays; the co-pilotes are named; the document's text is not shown.
	await expect(karim.getByRole('navigation', { name: 'Navigation principale' })).toBeVisible();
	const binome = karim.getByRole('list', { name: 'Binôme de co-pilotes' });
	await expect(binome).toContainText(USERS.julien.name);
	await expect(binome).toContainText(USERS.julien.organisation);
	await expect(binome).toContainText(USERS.isabelle.name);
	await expect(binome).toContainText(USERS.isabelle.organisation);
	await expect(karim.getByText('Un résumé que rien ne doit effacer.')).toHaveCount(0);
	await karim.setViewportSize({ width: 390, height: 844 });
	await karim.screenshot({ path: 'test-results/screens/access-denied-390.png', fullPage: true });
	await karim.setViewportSize({ width: 1280, height: 800 });
	await karim.screenshot({ path: 'test-results/screens/access-denied-1280.png', fullPage: true });
	await karim.getByLabel(/^Message/).fill('Je prépare la commission RH.');
	await karim.getByRole('button', { name: 'Demander l’accès' }).click();
	await expect(karim.getByText('Votre demande a été envoyée au binôme')).toBeVisible();
	// Asking twice does not pile up requests.
	await karim.goto(url);
	await expect(karim.getByText('Votre demande est en attente')).toBeVisible();

	await answerAsBinome(browser, url);
	await karim.goto(url);
	await expect(karim.getByRole('heading', { level: 1, name: title })).toBeVisible();
});

test('the annotator role says what it allows, on the page and where roles are chosen', async ({
	browser
}) => {
	// Le Mas-Sauvage annotates the training plan as a whole organisation.
	const yannick = await signedInPage(browser, YANNICK.email);
	await yannick.getByRole('link', { name: 'Plan de formation mutualisé 2027' }).click();
	await expect(
		yannick.getByText(
			'Annotateur : vous commentez le texte (sélectionnez un passage, puis « Commenter la sélection ») ; vous ne le modifiez pas.'
		)
	).toBeVisible();

	const julien = await signedInPage(browser, USERS.julien.email);
	await createDocument(julien, unique('Note des rôles'));
	await julien.getByText('Ajouter une personne').click();
	// Beside the role selector of the form just opened (the organisation form has the same help).
	await expect(
		julien.getByText(/Annotateur : commente le texte, sans le modifier/).first()
	).toBeVisible();
});
