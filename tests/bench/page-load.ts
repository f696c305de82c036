// 6. The document page on a slow line (2 Mbit/s down, 40 ms each way), in Chromium: how long
// before a DGS reads the document's text, how long before the live editor is connected, and what
// the scripts weigh once compressed — on the document page, and on the dashboard, which must not
// load the editor at all.
import { chromium, type Page, type Request } from '@playwright/test';
import { findChromium } from '../../server/scripts/ensure-chromium.js';
import { SESSION_COOKIE } from '../../src/lib/server/auth/cookie';
import type { BenchServer } from './harness';

export interface PageLoadResult {
	/** From navigation to the document's text visible (server-rendered, then live). */
	textVisibleMs: number;
	/** From navigation to the editor saying « Connecté ». */
	editorConnectedMs: number;
	/** Compressed bytes of every script the document page loads. */
	documentPageScriptKB: number;
	/** Compressed bytes of scripts of the dashboard that carry the editor (ProseMirror): 0 expected. */
	dashboardEditorScriptKB: number;
	dashboardScriptKB: number;
}

const SLOW_LINE = {
	offline: false,
	latency: 40,
	downloadThroughput: 2_000_000 / 8,
	uploadThroughput: 1_000_000 / 8
};

/** Compressed sizes (and, on demand, the text) of the scripts a page loads. */
function watchScripts(page: Page) {
	const scripts: { request: Request; bytes: number }[] = [];
	page.on('requestfinished', async (request) => {
		if (request.resourceType() !== 'script') return;
		scripts.push({ request, bytes: (await request.sizes()).responseBodySize });
	});
	return scripts;
}

export async function pageLoad(
	server: BenchServer,
	documentId: string,
	token: string,
	phrase: string,
	samples: number
): Promise<PageLoadResult> {
	const browser = await chromium.launch({
		executablePath: findChromium() ?? undefined,
		args: ['--no-sandbox', '--disable-gpu']
	});
	const base = `http://127.0.0.1:${server.port}`;
	try {
		const runs: PageLoadResult[] = [];
		for (let i = 0; i < samples; i++) {
			// A fresh context each time: nothing cached, as on a DGS's first visit of the morning.
			const context = await browser.newContext();
			await context.addCookies([{ name: SESSION_COOKIE, value: token, url: base }]);
			const page = await context.newPage();
			const cdp = await context.newCDPSession(page);
			await cdp.send('Network.enable');
			await cdp.send('Network.emulateNetworkConditions', SLOW_LINE);
			const documentScripts = watchScripts(page);
			const start = Date.now();
			await page.goto(`${base}/documents/${documentId}`, { waitUntil: 'commit' });
			await page.getByText(phrase).first().waitFor({ state: 'visible', timeout: 60_000 });
			const textVisibleMs = Date.now() - start;
			await page
				.getByTestId('connection-status')
				.filter({ hasText: 'Connecté' })
				.waitFor({ timeout: 60_000 });
			const editorConnectedMs = Date.now() - start;
			await page.waitForLoadState('networkidle');

			// The dashboard in a context of its own: with a warm cache its scripts would not be counted.
			const dashboardContext = await browser.newContext();
			await dashboardContext.addCookies([{ name: SESSION_COOKIE, value: token, url: base }]);
			const dashboard = await dashboardContext.newPage();
			const dashboardScripts = watchScripts(dashboard);
			await dashboard.goto(`${base}/documents`, { waitUntil: 'networkidle' });
			let editorBytes = 0;
			for (const script of dashboardScripts) {
				const body = (await (await script.request.response())?.text()) ?? '';
				if (/prosemirror|ProseMirror/.test(body)) editorBytes += script.bytes;
			}
			const kb = (list: { bytes: number }[]) => list.reduce((sum, s) => sum + s.bytes, 0) / 1024;
			runs.push({
				textVisibleMs,
				editorConnectedMs,
				documentPageScriptKB: kb(documentScripts),
				dashboardEditorScriptKB: editorBytes / 1024,
				dashboardScriptKB: kb(dashboardScripts)
			});
			await context.close();
			await dashboardContext.close();
		}
		const median = (key: keyof PageLoadResult) =>
			runs.map((r) => r[key]).sort((a, b) => a - b)[Math.floor(runs.length / 2)];
		return {
			textVisibleMs: median('textVisibleMs'),
			editorConnectedMs: median('editorConnectedMs'),
			documentPageScriptKB: median('documentPageScriptKB'),
			dashboardEditorScriptKB: median('dashboardEditorScriptKB'),
			dashboardScriptKB: median('dashboardScriptKB')
		};
	} finally {
		await browser.close();
	}
}
