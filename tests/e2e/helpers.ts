import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Browser, type Cookie, type Page } from '@playwright/test';

export const DEMO_PASSWORD = 'assemblier-demo';
export const USERS = {
	julien: {
		email: 'julien.roux@agglo-lauze.test',
		name: 'Julien Roux',
		organisation: 'Communauté d’agglomération Cœur de Lauze'
	},
	isabelle: {
		email: 'isabelle.moreau@saint-aubin.test',
		name: 'Isabelle Moreau',
		organisation: 'Saint-Aubin-sur-Lauze'
	},
	amandine: {
		email: 'amandine.roche@beaumont.test',
		name: 'Amandine Roche',
		organisation: 'Beaumont-les-Vignes'
	}
} as const;
export const RGPD_TITLE = 'Position commune RGPD — délégué à la protection des données mutualisé';

export async function signIn(page: Page, email: string, password = DEMO_PASSWORD): Promise<void> {
	await page.goto('/connexion');
	await page.getByLabel('Adresse électronique').fill(email);
	await page.getByLabel('Mot de passe').fill(password);
	await page.getByRole('button', { name: 'Se connecter' }).click();
	await expect(page).toHaveURL(/\/documents$/);
}

// The session cookies of each demo user, signed in once per Playwright process (one process
// serves one database): a sign-in hashes with argon2id (19 MiB) on purpose, and over a hundred
// of them made a large part of the run. Cookies only — never a page's local storage, which
// would carry one scenario's kept-aside text or merge flags into another.
const sessions = new Map<string, Cookie[]>();

// Every browser context a scenario opened is closed when it ends (those of signedInPage, and
// those a scenario made itself). Left open, each kept its editor, socket and presence pings
// alive for the rest of the run in that worker — dozens by the end, slowing every later
// scenario (and showing up in their presence lists).
test.afterEach(async ({ browser }) => {
	await Promise.all(browser.contexts().map((context) => context.close().catch(() => {})));
});

/**
 * A signed-in page in its own browser context (its own cookies), like a second computer, on
 * /documents. The first time for a user it signs in through the form; later it reuses that
 * session (signing in again if it has ended).
 */
export async function signedInPage(browser: Browser, email: string): Promise<Page> {
	const cookies = sessions.get(email);
	if (cookies) {
		const context = await browser.newContext({ storageState: { cookies, origins: [] } });
		const page = await context.newPage();
		await page.goto('/documents');
		if (/\/documents$/.test(page.url())) return page;
		await context.close();
	}
	const context = await browser.newContext();
	const page = await context.newPage();
	await signIn(page, email);
	sessions.set(email, await context.cookies());
	return page;
}

export async function openDocument(page: Page, title: string): Promise<void> {
	await page.getByRole('link', { name: title }).click();
	await expect(page.getByRole('heading', { level: 1, name: title })).toBeVisible();
	await expect(page.getByTestId('connection-status')).toHaveText('Connecté');
}

export function editorOf(page: Page) {
	return page.getByRole('textbox', { name: 'Texte du document' });
}

/**
 * Runs axe (WCAG 2.0/2.1 A and AA) on the page as it is and fails with one readable line per
 * violation and node, so a report says what to fix and where.
 */
export async function expectNoAxeViolations(page: Page, state: string): Promise<void> {
	const results = await new AxeBuilder({ page })
		.withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'])
		// Tagged "experimental", so off by default, yet WCAG 2.5.3 (RGAA 11.2): a button's
		// accessible name must contain its visible text.
		.options({ rules: { 'label-content-name-mismatch': { enabled: true } } })
		.analyze();
	const lines = results.violations.flatMap((v) =>
		v.nodes.map((n) => `${v.id} (${v.impact}) ${n.target.join(' ')} — ${n.failureSummary ?? ''}`)
	);
	expect(lines, `axe violations — ${state}`).toEqual([]);
}

/** The page scrolls only vertically: nothing sticks out to the right of the viewport. */
export async function expectNoHorizontalScroll(page: Page): Promise<void> {
	// Measured once the page's stylesheets are in: right after a navigation the layout may still
	// be the unstyled one (seen once, without JavaScript: a 722 px table before its CSS applied).
	await page.waitForLoadState('load');
	const { scrollWidth, clientWidth, culprits } = await page.evaluate(() => {
		const width = document.documentElement.clientWidth;
		// The outermost elements sticking out, to say what to fix when this fails.
		const culprits: string[] = [];
		for (const element of document.querySelectorAll<HTMLElement>('body *')) {
			const box = element.getBoundingClientRect();
			if (box.right <= width + 1 || box.width === 0) continue;
			if (element.parentElement && element.parentElement.getBoundingClientRect().right > width + 1)
				continue;
			culprits.push(
				`${element.tagName.toLowerCase()}.${element.className} (${Math.round(box.left)}–${Math.round(box.right)} px): ${element.textContent?.slice(0, 60)}`
			);
		}
		return { scrollWidth: document.documentElement.scrollWidth, clientWidth: width, culprits };
	});
	expect(
		scrollWidth,
		`page width — sticking out: ${culprits.slice(0, 5).join(' | ')}`
	).toBeLessThanOrEqual(clientWidth);
}
