import { expect, test, type Browser, type Page } from '@playwright/test';
import { editorOf, RGPD_TITLE, signIn, USERS } from './helpers';

// The pages, the editor and co-writing work under the Content-Security-Policy (svelte.config.js,
// issue 10, defect 8): nothing is refused — no `securitypolicyviolation` event, no CSP error in
// the console — from the sign-in page to typing, aligning text and seeing a colleague's caret.

/** A signed-out page that records every CSP refusal, the page's own events and the console's. */
async function watchedPage(browser: Browser): Promise<{ page: Page; refusals: string[] }> {
	const page = await (await browser.newContext()).newPage();
	const refusals: string[] = [];
	// Bindings and init scripts come through the DevTools protocol: the page's CSP does not apply.
	await page.exposeBinding('__reportCspRefusal', (_source, refusal: string) =>
		refusals.push(`event: ${refusal}`)
	);
	await page.addInitScript(() => {
		document.addEventListener('securitypolicyviolation', (event) => {
			const report = (window as unknown as { __reportCspRefusal: (s: string) => void })
				.__reportCspRefusal;
			report(
				`${event.violatedDirective} ${event.blockedURI} ${event.sourceFile}:${event.lineNumber}`
			);
		});
	});
	page.on('console', (message) => {
		if (/Content[ -]Security[ -]Policy/i.test(message.text()))
			refusals.push(`console: ${message.text()}`);
	});
	return { page, refusals };
}

test('sign-in, dashboard, document, typing, alignment and co-writing: no CSP refusal', async ({
	browser
}) => {
	const epci = await watchedPage(browser);
	const commune = await watchedPage(browser);

	const signInPage = await epci.page.goto('/connexion');
	const csp = (await signInPage!.allHeaders())['content-security-policy'] ?? '';
	expect(csp).toMatch(/script-src 'self' 'nonce-[^']+'/);
	expect(csp).toContain("frame-ancestors 'none'");
	// The watch works: an inline script added to the page is refused and reported.
	await epci.page.evaluate(() => {
		const script = document.createElement('script');
		script.textContent = 'window.__ran = true';
		document.head.append(script);
	});
	await expect.poll(() => epci.refusals.join('\n')).toContain('script-src');
	expect(await epci.page.evaluate(() => '__ran' in window)).toBe(false);
	epci.refusals.length = 0;

	for (const [{ page }, email] of [
		[epci, USERS.julien.email],
		[commune, USERS.isabelle.email]
	] as const) {
		await signIn(page, email);
		await expect(page.getByRole('link', { name: RGPD_TITLE })).toBeVisible();
		await page.getByRole('link', { name: RGPD_TITLE }).click(); // the client-side router
		await expect(page.getByRole('heading', { level: 1, name: RGPD_TITLE })).toBeVisible();
		const response = await page.reload(); // and the page as the server renders it
		expect((await response!.allHeaders())['content-security-policy']).toContain(
			"object-src 'none'"
		);
		await expect(page.getByRole('heading', { level: 1, name: RGPD_TITLE })).toBeVisible();
		// The collaboration websocket (connect-src) is open.
		await expect(page.getByTestId('connection-status')).toHaveText('Connecté');
	}

	// Typing and a centred paragraph: the text-align style attribute must apply, not be refused.
	const editor = editorOf(epci.page);
	await editor.click();
	await epci.page.keyboard.press('Control+End');
	await epci.page.keyboard.press('Enter');
	await epci.page.keyboard.type('Paragraphe centré sous CSP.');
	await epci.page.keyboard.press('Control+Shift+E');
	const centred = editor.locator('p', { hasText: 'Paragraphe centré sous CSP.' });
	await expect(centred).toHaveCSS('text-align', 'center');
	await expect(editorOf(commune.page)).toContainText('Paragraphe centré sous CSP.');
	await expect(
		editorOf(commune.page).locator('p', { hasText: 'Paragraphe centré sous CSP.' })
	).toHaveCSS('text-align', 'center');
	// The colleague's caret and the avatars (inline colours) are there.
	// (Julien's windows left open by earlier scenarios may show carets too: one is enough.)
	await expect(
		commune.page
			.locator('.collaboration-carets__label', {
				hasText: `${USERS.julien.name} · ${USERS.julien.organisation}`
			})
			.first()
	).toBeVisible();

	// Back to the dashboard (client-side navigation) and a reload.
	await epci.page.goto('/documents');
	await epci.page.reload();
	await expect(epci.page.getByRole('link', { name: RGPD_TITLE })).toBeVisible();

	expect(epci.refusals).toEqual([]);
	expect(commune.refusals).toEqual([]);
});
