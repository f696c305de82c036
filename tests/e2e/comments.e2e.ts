// Issue 12: anchored comment threads, live between two browsers, through the real server.
import { expect, test, type Page } from '@playwright/test';
import {
	editorOf,
	expectNoAxeViolations,
	openDocument,
	RGPD_TITLE,
	signedInPage,
	USERS
} from './helpers';

/** Selects `text` in the document body as a user's mouse would (the editor reads the DOM selection). */
async function selectInText(page: Page, text: string) {
	await editorOf(page).locator(`text=${text}`).first().waitFor();
	await page.evaluate((wanted) => {
		const body = document.querySelector('.document-body')!;
		const walker = document.createTreeWalker(body, NodeFilter.SHOW_TEXT);
		for (let node = walker.nextNode(); node; node = walker.nextNode()) {
			const at = node.textContent!.indexOf(wanted);
			if (at < 0) continue;
			const range = document.createRange();
			range.setStart(node, at);
			range.setEnd(node, at + wanted.length);
			const selection = window.getSelection()!;
			selection.removeAllRanges();
			selection.addRange(range);
			return;
		}
		throw new Error(`« ${wanted} » not found`);
	}, text);
}

const panelOf = (page: Page) => page.getByRole('region', { name: /Commentaires/ });
const markOf = (page: Page) => page.locator('.document-body .comment-mark');

const SENTENCE = 'Huit communes sur douze n’ont pas les moyens d’un DPO propre.';

test('a thread opened by one co-pilote appears live for the other, who replies and resolves; the highlight follows the text', async ({
	browser
}) => {
	const julien = await signedInPage(browser, USERS.julien.email);
	await openDocument(julien, RGPD_TITLE);
	const isabelle = await signedInPage(browser, USERS.isabelle.email);
	await openDocument(isabelle, RGPD_TITLE);

	await editorOf(julien).click();
	await selectInText(julien, SENTENCE);
	await panelOf(julien).getByRole('button', { name: 'Commenter la sélection' }).click();
	await julien.getByLabel('Votre commentaire').fill('Chiffre à vérifier avec le recensement.');
	await julien.getByRole('button', { name: 'Publier' }).click();

	await expect(markOf(isabelle)).toHaveText(SENTENCE);
	const card = panelOf(isabelle).locator('article.thread').first();
	await expect(card).toContainText('Chiffre à vérifier avec le recensement.');
	await card.getByRole('button', { name: /^Répondre/ }).click();
	await isabelle.getByLabel('Votre réponse').fill('Je confirme : huit sur douze.');
	await card.getByRole('button', { name: 'Répondre', exact: true }).click();
	await expect(panelOf(julien).locator('article.thread').first()).toContainText(
		'Je confirme : huit sur douze.'
	);

	// Text typed before the passage: the highlight still covers the same sentence.
	await editorOf(isabelle).click();
	await isabelle.keyboard.press('Control+Home');
	await isabelle.keyboard.type('Note liminaire. ');
	await expect(editorOf(julien)).toContainText('Note liminaire.');
	await expect(markOf(julien)).toHaveText(SENTENCE);
	await expect(markOf(isabelle)).toHaveText(SENTENCE);

	await expectNoAxeViolations(isabelle, 'document page with a thread');
	await isabelle.screenshot({ path: 'test-results/comments-1280.png', fullPage: true });

	await card.getByRole('button', { name: /^Résoudre/ }).click();
	await expect(markOf(julien)).toHaveCount(0);
	await expect(panelOf(julien).getByText('Aucun fil ne correspond à ces filtres.')).toBeVisible();
});
