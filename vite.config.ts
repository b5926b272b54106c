import { sveltekit } from '@sveltejs/kit/vite';
import { defineConfig } from 'vite';
import svelteConfig from './svelte.config.js';
import { policyText, workerCsp } from './scripts/worker-csp.js';

export default defineConfig({
  // The workers' policy: the pages' own directives, sent as a header (see scripts/worker-csp.js).
  plugins: [sveltekit(), workerCsp(policyText(svelteConfig.kit?.csp?.directives ?? {}))],
  worker: { format: 'es' },
  build: {
    // A .wasm must stay a file (never inlined as a data: URL) so it is precached and streamed.
    assetsInlineLimit: (file) => (file.endsWith('.wasm') ? false : undefined),
  },
});
