import { sveltekit } from '@sveltejs/kit/vite';
import { defineConfig } from 'vite';

export default defineConfig({
  plugins: [sveltekit()],
  worker: { format: 'es' },
  build: {
    // A .wasm must stay a file (never inlined as a data: URL) so it is precached and streamed.
    assetsInlineLimit: (file) => (file.endsWith('.wasm') ? false : undefined),
  },
});
