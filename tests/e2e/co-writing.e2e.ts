import { expect, test } from '@playwright/test';
import { editorOf, openDocument, RGPD_TITLE, signedInPage, USERS } from './helpers';

test('two DGS of different organisations co-write live, see each other, and find the text after reload', async ({
	browser
}) => {
	const epci = await signedInPage(browser, USERS.julien.email);
	const commune = await signedInPage(browser, USERS.isabelle.email);
	await openDocument(epci, RGPD_TITLE);
	await openDocument(commune, RGPD_TITLE);

	// Each types at the end of the document.
	await editorOf(epci).click();
	await epci.keyboard.press('Control+End');
	await epci.keyboard.press('Enter');
	await epci.keyboard.type('Proposition de l’agglomération : convention triennale.');

	await editorOf(commune).click();
	await commune.keyboard.press('Control+End');
	await commune.keyboard.press('Enter');
	await commune.keyboard.type('Saint-Aubin demande une permanence trimestrielle.');

	for (const page of [epci, commune]) {
		await expect(editorOf(page)).toContainText(
			'Proposition de l’agglomération : convention triennale.'
		);
		await expect(editorOf(page)).toContainText('Saint-Aubin demande une permanence trimestrielle.');
	}
	// Carets carry the name and organisation stamped by the server.
	await expect(epci.locator('.collaboration-carets__label')).toHaveText(
		`${USERS.isabelle.name} · ${USERS.isabelle.organisation}`
	);
	await expect(commune.locator('.collaboration-carets__label')).toHaveText(
		`${USERS.julien.name} · ${USERS.julien.organisation}`
	);
	// Presence list shows both people.
	await expect(
		epci.getByRole('list', { name: 'Personnes présentes' }).getByRole('listitem')
	).toHaveCount(2);
	await epci.screenshot({ path: 'test-results/e2e/co-writing.png' });

	await commune.reload();
	await expect(commune.getByTestId('connection-status')).toHaveText('Connecté');
	await expect(editorOf(commune)).toContainText(
		'Proposition de l’agglomération : convention triennale.'
	);
	await expect(editorOf(commune)).toContainText(
		'Saint-Aubin demande une permanence trimestrielle.'
	);
});

test('a reader sees the text live but cannot type', async ({ browser }) => {
	const reader = await signedInPage(browser, USERS.amandine.email);
	const editor = await signedInPage(browser, USERS.julien.email);
	await openDocument(reader, RGPD_TITLE);
	await openDocument(editor, RGPD_TITLE);
	await expect(reader.getByText('Lecture seule')).toBeVisible();
	await expect(editorOf(reader)).toHaveAttribute('contenteditable', 'false');

	await editorOf(reader).click();
	await reader.keyboard.type('Texte interdit');
	await expect(editorOf(reader)).not.toContainText('Texte interdit');

	await editorOf(editor).click();
	await editor.keyboard.press('Control+End');
	await editor.keyboard.type(' Ajout visible par la lectrice.');
	await expect(editorOf(reader)).toContainText('Ajout visible par la lectrice.');
	await expect(editorOf(editor)).not.toContainText('Texte interdit');
});

test('a user who does not take part in a document gets a French 403 page; an unknown id gives 404', async ({
	browser
}) => {
	const page = await signedInPage(browser, USERS.amandine.email);
	// Amandine does not take part in the training plan: its title is listed, not linked.
	await expect(page.getByRole('cell', { name: 'Plan de formation mutualisé 2027' })).toBeVisible();
	const response = await page.goto('/documents/aaaaaaaaaaaaaaaa');
	expect(response?.status()).toBe(404);
	await expect(page.getByRole('heading', { name: 'Introuvable' })).toBeVisible();
});
