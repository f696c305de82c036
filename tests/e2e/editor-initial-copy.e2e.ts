import { expect, test } from '@playwright/test';
import { editorOf, openDocument, RGPD_TITLE, signedInPage, USERS } from './helpers';

test('while the live editor is not ready, the stored text is shown read-only; the editor then takes its place', async ({
	browser
}) => {
	const slow = await signedInPage(browser, USERS.julien.email);
	// The collaboration socket opens but never answers, like a line too slow to sync.
	await slow.routeWebSocket(/\/collab\//, () => {});
	await slow.getByRole('link', { name: RGPD_TITLE }).click();
	await expect(slow.getByTestId('initial-copy')).toContainText(
		'Huit communes sur douze n’ont pas les moyens d’un DPO propre.'
	);
	await expect(slow.getByTestId('connection-status')).toHaveText('Synchronisation…');
	await expect(editorOf(slow)).toBeHidden();

	const live = await signedInPage(browser, USERS.julien.email);
	await openDocument(live, RGPD_TITLE);
	await expect(live.getByTestId('initial-copy')).toHaveCount(0);
	await expect(editorOf(live)).toContainText(
		'Huit communes sur douze n’ont pas les moyens d’un DPO propre.'
	);
});
