import { expect, test, type Page } from '@playwright/test';
import { editorOf, signedInPage, USERS } from './helpers';

const TITLE = 'RIFSEEP 2027 — montants à arbitrer';

function cell(page: Page, row: number, column: number) {
	return editorOf(page).locator('table tr').nth(row).locator('td, th').nth(column);
}

/** A cell's text without colleagues' caret labels (decorations drawn inside the text). */
function cellText(page: Page, row: number, column: number): Promise<string> {
	return cell(page, row, column).evaluate((el) => {
		const copy = el.cloneNode(true) as HTMLElement;
		copy.querySelectorAll('.collaboration-carets__caret').forEach((c) => c.remove());
		return copy.textContent ?? '';
	});
}

const noticeOf = (page: Page) =>
	page.getByRole('region', { name: /modifiés? des deux côtés pendant votre déconnexion/ });

test('two co-pilotes type different amounts in one cell, one offline: the merged cell is flagged « à vérifier » until checked', async ({
	browser
}) => {
	const julien = await signedInPage(browser, USERS.julien.email);
	await julien.getByRole('link', { name: 'Nouveau document' }).click();
	await julien.getByLabel('Titre', { exact: true }).fill(TITLE);
	await julien.getByLabel('Type de document').selectOption('position-commune');
	await julien.getByLabel('Modèle').selectOption('position-commune-rifseep');
	const partner = julien.getByLabel('Second co-pilote');
	await partner.selectOption(
		(await partner.locator('option', { hasText: USERS.isabelle.name }).getAttribute('value'))!
	);
	await julien.getByRole('button', { name: 'Créer le document' }).click();
	await expect(julien.getByRole('heading', { level: 1, name: TITLE })).toBeVisible();
	const isabelle = await signedInPage(browser, USERS.isabelle.email);
	await isabelle.goto(julien.url());
	for (const page of [julien, isabelle])
		await expect(page.getByTestId('connection-status')).toHaveText('Connecté');

	await isabelle.context().setOffline(true);
	await expect(isabelle.getByTestId('connection-status')).toContainText('Hors ligne');
	await cell(isabelle, 1, 2).click();
	await isabelle.keyboard.type('3 000');
	await cell(julien, 1, 2).click();
	await julien.keyboard.type('2 800');
	// A cell only one of them touched is not flagged.
	await cell(isabelle, 2, 2).click();
	await isabelle.keyboard.type('1 800');
	await expect.poll(() => cellText(julien, 1, 2)).toBe('2 800');

	await isabelle.context().setOffline(false);
	for (const page of [julien, isabelle]) {
		await expect(page.getByTestId('connection-status')).toHaveText('Connecté');
		await expect.poll(() => cellText(page, 1, 2)).toMatch(/^(3 0002 800|2 8003 000)$/);
		await expect.poll(() => cellText(page, 2, 2)).toBe('1 800');
	}
	await expect(noticeOf(isabelle)).toContainText(
		'1 passage modifié des deux côtés pendant votre déconnexion : à vérifier'
	);
	await expect(cell(isabelle, 1, 2)).toHaveClass(/merge-flag/);
	await expect(cell(isabelle, 2, 2)).not.toHaveClass(/merge-flag/);
	// Only the person whose edits merged is told; the flag is never document content.
	await expect(noticeOf(julien)).toHaveCount(0);
	await expect(julien.locator('.merge-flag')).toHaveCount(0);
	await isabelle.screenshot({ path: 'test-results/e2e/merge-flag.png' });
	await isabelle.setViewportSize({ width: 390, height: 844 });
	await isabelle.screenshot({ path: 'test-results/e2e/merge-flag-390.png', fullPage: true });
	await isabelle.setViewportSize({ width: 1280, height: 720 });

	// Still to check after a reload; once marked « vérifié », it stays so.
	await isabelle.reload();
	await expect(isabelle.getByTestId('connection-status')).toHaveText('Connecté');
	await expect(cell(isabelle, 1, 2)).toHaveClass(/merge-flag/);
	await noticeOf(isabelle).getByRole('button', { name: /^Voir/ }).click();
	await expect(editorOf(isabelle)).toBeFocused();
	await noticeOf(isabelle)
		.getByRole('button', { name: /^Vérifié/ })
		.click();
	await expect(noticeOf(isabelle)).toHaveCount(0);
	await expect(cell(isabelle, 1, 2)).not.toHaveClass(/merge-flag/);
	await isabelle.reload();
	await expect(isabelle.getByTestId('connection-status')).toHaveText('Connecté');
	await expect.poll(() => cellText(isabelle, 1, 2)).toMatch(/^(3 0002 800|2 8003 000)$/);
	await expect(noticeOf(isabelle)).toHaveCount(0);
	await expect(isabelle.locator('.merge-flag')).toHaveCount(0);
});
