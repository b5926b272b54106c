import adapter from '@sveltejs/adapter-static';
import { vitePreprocess } from '@sveltejs/vite-plugin-svelte';

/** @type {import('@sveltejs/kit').Config} */
const config = {
  preprocess: vitePreprocess(),
  kit: {
    // A static site: every page is prerendered; nothing runs on a server.
    adapter: adapter({ pages: 'build', assets: 'build', fallback: undefined, strict: true }),
    typescript: {
      config(tsconfig) {
        tsconfig.include.push('../bridge/**/*.ts', '../scripts/**/*.ts');
        return tsconfig;
      },
    },
  },
};

export default config;
