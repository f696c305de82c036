// In-app notifications in a real browser: an access request reaches the binôme's bell without a
// reload, the notifications page says who asks for what, following it leads to the document and
// lowers the count; no axe violation, at 1280 and 390 px.
import { expect, test, type Page } from '@playwright/test';
import { expectNoAxeViolations, expectNoHorizontalScroll, signedInPage, USERS } from './helpers';

const KARIM = { email: 'karim.haddad@montferrand.test', name: 'Karim Haddad' };

const bellOf = (page: Page) => page.getByRole('link', { name: /^Notifications,/ });

/** The unread count the bell announces (its accessible name). */
async function bellCount(page: Page): Promise<number> {
	const label = (await bellOf(page).getAttribute('aria-label')) ?? '';
	const match = /Notifications, (\d+) non lues?/.exec(label);
	if (label === 'Notifications, aucune non lue') return 0;
	expect(match, label).not.toBeNull();
	return Number(match![1]);
}

const bellSays = (n: number) =>
	n === 0 ? 'Notifications, aucune non lue' : `Notifications, ${n} non ${n === 1 ? 'lue' : 'lues'}`;

test('an access request reaches the binôme’s bell live; following it opens the document and lowers the count', async ({
	browser
}) => {
	const julien = await signedInPage(browser, USERS.julien.email);
	const title = `Note des notifications ${Date.now().toString(36)}`;
	await julien.goto('/documents/nouveau');
	await julien.getByLabel('Titre', { exact: true }).fill(title);
	await julien.getByLabel('Type de document').selectOption('note');
	await julien.getByLabel('Second co-pilote').selectOption({
		label: 'Isabelle Moreau — Directrice générale des services (DGS), Saint-Aubin-sur-Lauze'
	});
	await julien.getByRole('button', { name: 'Créer le document' }).click();
	await expect(julien.getByRole('heading', { level: 1, name: title })).toBeVisible();
	const documentUrl = julien.url();
	await julien.goto('/documents');
	// Other scenarios may have left notifications: count from where the bell stands.
	const before = await bellCount(julien);

	const karim = await signedInPage(browser, KARIM.email);
	await karim.goto(documentUrl);
	await karim.getByLabel(/^Message/).fill('Je prépare la commission RH.');
	await karim.getByRole('button', { name: 'Demander l’accès' }).click();
	await expect(karim.getByText('Votre demande a été envoyée au binôme')).toBeVisible();

	// No reload: the bell asks again when the window gets the focus back.
	await julien.evaluate(() => window.dispatchEvent(new Event('focus')));
	await expect(bellOf(julien)).toHaveAttribute('aria-label', bellSays(before + 1));
	await expect(bellOf(julien).locator('.bell-count')).toHaveText(String(before + 1));

	await julien.setViewportSize({ width: 1280, height: 800 });
	await julien.locator('header').screenshot({ path: 'test-results/screens/bell-header-1280.png' });
	await bellOf(julien).click();
	await expect(julien.getByRole('heading', { level: 1, name: 'Notifications' })).toBeVisible();
	await expect(bellOf(julien)).toHaveAttribute('aria-current', 'page');
	const sentence = `${KARIM.name} demande l’accès au document « ${title} »`;
	const item = julien.getByRole('listitem').filter({ hasText: sentence });
	await expect(item).toContainText('Non lue');
	await expect(item).toContainText('Je prépare la commission RH.');
	await expectNoAxeViolations(julien, 'notifications');
	await julien.screenshot({ path: 'test-results/screens/notifications-1280.png', fullPage: true });
	await julien.setViewportSize({ width: 390, height: 844 });
	await expect(bellOf(julien)).toBeVisible();
	await expectNoHorizontalScroll(julien);
	await expectNoAxeViolations(julien, 'notifications, téléphone');
	await julien.locator('header').screenshot({ path: 'test-results/screens/bell-header-390.png' });
	await julien.screenshot({ path: 'test-results/screens/notifications-390.png', fullPage: true });
	await julien.setViewportSize({ width: 1280, height: 800 });

	// « Ouvrir »: read, and on to the document, where the binôme answers the request.
	await item.getByRole('button', { name: 'Ouvrir' }).click();
	await expect(julien).toHaveURL(documentUrl);
	await expect(julien.getByRole('heading', { level: 1, name: title })).toBeVisible();
	await expect(bellOf(julien)).toHaveAttribute('aria-label', bellSays(before));

	await bellOf(julien).click();
	await expect(item).not.toContainText('Non lue');
	if (before > 0) {
		await julien.getByRole('button', { name: 'Tout marquer comme lu' }).click();
		await expect(julien.getByText('Tout est lu.')).toBeVisible();
	}
	await expect(bellOf(julien)).toHaveAttribute('aria-label', bellSays(0));
	await expect(julien.getByRole('button', { name: 'Tout marquer comme lu' })).toHaveCount(0);
});
