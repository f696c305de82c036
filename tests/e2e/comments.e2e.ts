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
const ELODIE = { email: 'elodie.marchand@sainte-colombe.test', name: 'Élodie Marchand' };
const bellOf = (page: Page) => page.getByRole('link', { name: /^Notifications/ }).first();

test('a member of the Club RH comments au nom du club; the co-pilote sees it live, replies, resolves; the highlight follows the text; the bell tells', async ({
	browser
}) => {
	const elodie = await signedInPage(browser, ELODIE.email);
	await openDocument(elodie, RGPD_TITLE);
	await expect(elodie.getByText('Votre rôle :')).toContainText('Annotateur');
	const isabelle = await signedInPage(browser, USERS.isabelle.email);
	await openDocument(isabelle, RGPD_TITLE);
	const unreadBefore = Number(
		(await bellOf(isabelle).getAttribute('aria-label'))?.match(/(\d+) non lue/)?.[1] ?? 0
	);

	// The annotator cannot type in the text.
	await editorOf(elodie).click();
	await elodie.keyboard.type('Réécriture ');
	await expect(editorOf(elodie)).not.toContainText('Réécriture');
	await expect(editorOf(isabelle)).not.toContainText('Réécriture');

	await selectInText(elodie, SENTENCE);
	await panelOf(elodie).getByRole('button', { name: 'Commenter la sélection' }).click();
	await elodie
		.getByLabel('Votre commentaire')
		.fill('Le Club RH propose de citer le recensement des DPO.');
	await elodie.getByLabel('Publier').selectOption({ label: 'au nom du Club RH' });
	await elodie.getByRole('button', { name: 'Publier', exact: true }).click();

	// Live for the co-pilote: the highlight on the sentence and the thread, with the club.
	await expect(markOf(isabelle)).toHaveText(SENTENCE);
	const card = panelOf(isabelle).locator('article.thread').first();
	await expect(card).toContainText('Le Club RH propose de citer le recensement des DPO.');
	await expect(card).toContainText('Au nom du Club RH');
	await expect(panelOf(isabelle).getByTestId('open-by-club')).toContainText('Club RH : 1');
	// The bell counts the new thread (a notification of the binôme), without a reload.
	await expect(bellOf(isabelle)).toHaveAttribute(
		'aria-label',
		new RegExp(`${unreadBefore + 1} non lue`)
	);

	await card.getByRole('button', { name: /^Répondre/ }).click();
	await isabelle.getByLabel('Votre réponse').fill('Merci, nous l’ajoutons en annexe.');
	await card.getByRole('button', { name: 'Répondre', exact: true }).click();
	await expect(panelOf(elodie).locator('article.thread').first()).toContainText(
		'Merci, nous l’ajoutons en annexe.'
	);

	// Text typed before the passage: the highlight still covers the same sentence, for both.
	await editorOf(isabelle).click();
	await isabelle.keyboard.press('Control+Home');
	await isabelle.keyboard.type('Note liminaire. ');
	await expect(editorOf(elodie)).toContainText('Note liminaire.');
	await expect(markOf(elodie)).toHaveText(SENTENCE);
	await expect(markOf(isabelle)).toHaveText(SENTENCE);

	// Splitting the paragraph before the passage gives its characters new identities in Yjs:
	// the editor that split it moves the anchor, and the highlight stays on the sentence.
	await selectInText(isabelle, 'chaque commune doit');
	await isabelle.keyboard.press('ArrowLeft');
	await isabelle.keyboard.press('Enter');
	await expect(editorOf(elodie).locator('p', { hasText: /^\s*Depuis 2018,\s*$/ })).toBeVisible();
	await expect(markOf(isabelle)).toHaveText(SENTENCE);
	await expect(markOf(elodie)).toHaveText(SENTENCE);

	// From the panel to the text and back, by keyboard.
	await card.getByRole('button', { name: /^Aller au passage/ }).focus();
	await isabelle.keyboard.press('Enter');
	await expect(isabelle.locator('.document-body .comment-mark-active')).toHaveText(SENTENCE);

	await expectNoAxeViolations(isabelle, 'document page with a club thread');
	await isabelle.screenshot({ path: 'test-results/screens/comments-1280.png', fullPage: true });
	await isabelle.setViewportSize({ width: 390, height: 844 });
	await expectNoAxeViolations(isabelle, 'document page with a club thread, phone');
	await panelOf(isabelle).screenshot({ path: 'test-results/screens/comments-390.png' });
	await isabelle.setViewportSize({ width: 1280, height: 800 });

	await card.getByRole('button', { name: /^Résoudre/ }).click();
	await expect(markOf(elodie)).toHaveCount(0);
	await expect(markOf(isabelle)).toHaveCount(0);
	await expect(panelOf(elodie).getByText('Aucun fil ne correspond à ces filtres.')).toBeVisible();
	await panelOf(elodie).getByLabel('État').selectOption('resolved');
	await expect(panelOf(elodie).locator('article.thread').first()).toContainText(
		'Résolu par Isabelle Moreau'
	);
});
