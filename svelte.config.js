import adapter from '@sveltejs/adapter-static';
import { vitePreprocess } from '@sveltejs/vite-plugin-svelte';

/** @type {import('@sveltejs/kit').Config} */
const config = {
  preprocess: vitePreprocess(),
  kit: {
    // A static site: every page is prerendered; nothing runs on a server.
    adapter: adapter({ pages: 'build', assets: 'build', fallback: undefined, strict: true }),
    // No inline script but SvelteKit's own (allowed by hash), no eval; the
    // engine needs 'wasm-unsafe-eval' to compile WebAssembly. Packet text is
    // only ever rendered as text, and this policy is the second line of defence.
    csp: {
      mode: 'hash',
      directives: {
        'default-src': ['self'],
        'script-src': ['self', 'wasm-unsafe-eval'],
        'worker-src': ['self'],
        'connect-src': ['self', 'ws://127.0.0.1:*', 'ws://localhost:*'],
        'img-src': ['self', 'data:', 'blob:'],
        'style-src': ['self', 'unsafe-inline'],
        'font-src': ['self'],
        'object-src': ['none'],
        'base-uri': ['none'],
        'form-action': ['none'],
        'manifest-src': ['self'],
      },
    },
    typescript: {
      config(tsconfig) {
        tsconfig.include.push('../bridge/**/*.ts', '../scripts/**/*.ts');
        return tsconfig;
      },
    },
  },
};

export default config;
