import adapter from '@sveltejs/adapter-node';
import { vitePreprocess } from '@sveltejs/vite-plugin-svelte';

/** @type {import('@sveltejs/kit').Config} */
const config = {
	preprocess: vitePreprocess(),
	compilerOptions: { runes: true },
	kit: {
		// The production entry is server/index.ts (it mounts build/handler.js); adapter-node's own index.js is unused.
		adapter: adapter({ out: 'build', precompress: true }),
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
