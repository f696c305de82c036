import { expect, test, type Page } from '@playwright/test';
import { RGPD_TITLE, signIn, USERS } from './helpers';

const PLAN_TITLE = 'Plan de formation mutualisé 2027';

/** The search form's fields, by their labels. */
function form(page: Page) {
	return {
		q: page.getByLabel('Rechercher un mot, une personne ou une organisation'),
		kind: page.getByLabel('Type', { exact: true }),
		submit: page.getByRole('button', { name: 'Rechercher', exact: true })
	};
}

test('search, filters and scope tabs keep each other in the URL; « Réinitialiser » clears them', async ({
	page
}, testInfo) => {
	await signIn(page, USERS.julien.email);
	const { q, kind, submit } = form(page);
	await expect(page.getByRole('link', { name: PLAN_TITLE })).toBeVisible();

	// « communes » is in all three documents; the kind filter keeps the position commune only.
	await q.fill('communes');
	await kind.selectOption('position-commune');
	await submit.click();
	await expect(page).toHaveURL(/[?&]q=communes(&|$)/);
	await expect(page).toHaveURL(/[?&]type=position-commune(&|$)/);
	await expect(page.getByRole('heading', { name: /Résultats pour « communes »/ })).toBeVisible();
	await expect(page.getByRole('link', { name: RGPD_TITLE })).toBeVisible();
	await expect(page.getByRole('link', { name: PLAN_TITLE })).toHaveCount(0);
	await expect(page.locator('mark').first()).toHaveText(/^communes?$/i);
	await page.setViewportSize({ width: 1280, height: 900 });
	await page.screenshot({ path: testInfo.outputPath('dashboard-search-1280.png'), fullPage: true });

	// A scope tab keeps the search and the filters.
	await page.getByRole('link', { name: 'Mes documents' }).click();
	await expect(page).toHaveURL(/[?&]vue=mine(&|$)/);
	await expect(page).toHaveURL(/[?&]q=communes(&|$)/);
	await expect(page).toHaveURL(/[?&]type=position-commune(&|$)/);
	await expect(page.getByRole('link', { name: 'Mes documents' })).toHaveAttribute(
		'aria-current',
		'page'
	);
	await expect(q).toHaveValue('communes');
	await expect(kind).toHaveValue('position-commune');
	await expect(page.getByRole('link', { name: RGPD_TITLE })).toBeVisible();

	// And the form keeps the scope.
	await q.fill('protections');
	await submit.click();
	await expect(page).toHaveURL(/[?&]vue=mine(&|$)/);
	await expect(page).toHaveURL(/[?&]q=protections(&|$)/);
	await expect(page.getByRole('link', { name: RGPD_TITLE })).toBeVisible(); // « protection »

	await page.getByRole('link', { name: 'Réinitialiser' }).click();
	await expect(page).toHaveURL(/\/documents$/);
	await expect(q).toHaveValue('');
	await expect(kind).toHaveValue('');
	await expect(page.getByRole('link', { name: PLAN_TITLE })).toBeVisible();
});

test('a person’s or an organisation’s name finds their documents, without JavaScript too', async ({
	browser
}, testInfo) => {
	const context = await browser.newContext({ javaScriptEnabled: false });
	const page = await context.newPage();
	await signIn(page, USERS.julien.email);
	const { q, submit } = form(page);
	await q.fill('isabelle moreau');
	await submit.click();
	await expect(page).toHaveURL(/[?&]q=isabelle\+moreau(&|$)/);
	await expect(page.getByRole('link', { name: RGPD_TITLE })).toBeVisible();
	await expect(page.getByText(/Personnes et organisations/).first()).toContainText(
		'Isabelle Moreau'
	);
	await q.fill('Saint-Aubin');
	await submit.click();
	await expect(page.getByRole('link', { name: RGPD_TITLE })).toBeVisible();
	await page.setViewportSize({ width: 390, height: 844 });
	await page.screenshot({ path: testInfo.outputPath('dashboard-search-390.png'), fullPage: true });
	await context.close();
});

test('the dashboard shows times in Paris time, the same in the server’s HTML and after hydration', async ({
	browser
}) => {
	// A browser in another zone than the server (UTC) and the territory (Europe/Paris).
	const context = await browser.newContext({ timezoneId: 'America/New_York' });
	const page = await context.newPage();
	const warnings: string[] = [];
	page.on('console', (message) => {
		if (/hydrat|mismatch/i.test(message.text())) warnings.push(message.text());
	});
	await signIn(page, USERS.julien.email);

	const served = await (await page.request.get('/documents')).text();
	const time = page.getByRole('row', { name: new RegExp(RGPD_TITLE) }).locator('time');
	const instant = await time.getAttribute('datetime');
	expect(instant).toMatch(/^\d{4}-\d\d-\d\dT/);
	const paris = new Intl.DateTimeFormat('fr-FR', {
		dateStyle: 'medium',
		timeStyle: 'short',
		timeZone: 'Europe/Paris'
	}).format(new Date(instant!));
	// The server's HTML says the Paris time…
	expect(served).toContain(`<time datetime="${instant}">${paris}</time>`);
	// …and so does the hydrated page, once mounted (the relative time only appears then).
	await expect(page.getByRole('row', { name: new RegExp(RGPD_TITLE) })).toContainText(
		/il y a|à l’instant|hier/
	);
	await expect(time).toHaveText(paris);
	expect(warnings).toEqual([]);
	await context.close();
});

test('« Autres documents » follow the filters and link to the page that explains how to get access', async ({
	page
}) => {
	await signIn(page, USERS.amandine.email);
	const others = page.getByRole('region', { name: /Autres documents du territoire/ });
	const plan = others.getByRole('link', { name: PLAN_TITLE });
	await expect(plan).toHaveAttribute('href', /^\/documents\/[a-z0-9]+$/);
	await page.goto('/documents?type=plan-de-formation');
	await expect(plan).toBeVisible();
	await page.goto('/documents?type=compte-rendu');
	await expect(others).toHaveCount(0);
	await page.goto('/documents?q=formation');
	await expect(plan).toBeVisible();
	await page.goto('/documents?q=habilitations'); // in its text, which Amandine may not read
	await expect(others).toHaveCount(0);
	await page.goto('/documents');
	const href = await plan.getAttribute('href');
	// A document one may not open answers 403 (the page that says how to ask for access).
	expect((await page.request.get(href!)).status()).toBe(403);
});
