import adapter from '@sveltejs/adapter-node';
import { vitePreprocess } from '@sveltejs/vite-plugin-svelte';

/** @type {import('@sveltejs/kit').Config} */
const config = {
	preprocess: vitePreprocess(),
	compilerOptions: { runes: true },
	kit: {
		// The production entry is server/index.ts (it mounts build/handler.js); adapter-node's own index.js is unused.
		adapter: adapter({ out: 'build', precompress: true }),
		// Content-Security-Policy of every page (header; the other security headers: server/security-headers.ts).
		// Pages are rendered on each request, so SvelteKit puts a fresh nonce on its own inline
		// script ('auto' would use hashes for prerendered pages; there are none). No other inline
		// script, no eval, no foreign origin.
		csp: {
			mode: 'auto',
			directives: {
				'default-src': ['self'],
				'script-src': ['self'],
				// Deliberate 'unsafe-inline' for styles only: Tiptap injects its base <style> element,
				// text alignment is a style attribute on paragraphs and headings (set by ProseMirror),
				// the avatars' colours are style attributes, and app.html has `style="display:
				// contents"` and a <noscript> <style>. A nonce cannot cover style attributes, and a
				// nonce listed in style-src makes browsers ignore 'unsafe-inline'. Styles cannot run
				// script; scripts stay nonce-only.
				'style-src': ['self', 'unsafe-inline'],
				'img-src': ['self'],
				'font-src': ['self'],
				// The collaboration websocket is on the same origin: CSP 3's 'self' matches ws:/wss:
				// of the same host; hooks.server.ts also names it for engines that predate that.
				'connect-src': ['self'],
				'manifest-src': ['self'],
				'worker-src': ['self'],
				'frame-src': ['none'],
				'object-src': ['none'],
				'base-uri': ['self'],
				'form-action': ['self'],
				'frame-ancestors': ['none']
			}
		},
		typescript: {
			config: (tsconfig) => {
				tsconfig.include.push(
					'../server/**/*.ts',
					'../migrations/**/*.js',
					'../tests/**/*.ts',
					'../server/scripts/**/*.js'
				);
				return tsconfig;
			}
		}
	}
};

export default config;
