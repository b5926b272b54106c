// The Content-Security-Policy of the app's workers. A page's <meta> policy
// (which SvelteKit writes, with the hashes of its inline scripts) governs the
// page only: a worker takes its policy from the HTTP headers of its own
// script, and without them runs under none. So the preview server (`vite
// preview`, which `npm start` runs) sends the same directives, without the
// hashes, as a header on every script it serves; it matters for the capture
// and reader workers and the service worker, and is harmless on the rest.
// Another web server serving build/ should send it as well.

const KEYWORDS = new Set(['self', 'none', 'unsafe-inline', 'unsafe-eval', 'wasm-unsafe-eval', 'strict-dynamic', 'unsafe-hashes', 'report-sample']);

/**
 * The policy's text from kit.csp.directives, with keywords quoted as SvelteKit writes them in the pages.
 * @param {object} directives kit.csp.directives: a list of sources by directive
 * @returns {string}
 */
export function policyText(directives) {
  return Object.entries(directives)
    .flatMap(([name, values]) => (Array.isArray(values) ? [[name, ...values.map((/** @type {string} */ v) => (KEYWORDS.has(v) ? `'${v}'` : v))].join(' ')] : []))
    .join('; ');
}

/**
 * Sends `policy` with every .js (and .mjs) file `vite preview` serves.
 * @param {string} policy
 * @returns {import('vite').Plugin}
 */
export function workerCsp(policy) {
  return {
    name: 'packetlens-worker-csp',
    configurePreviewServer(server) {
      server.middlewares.use((req, res, next) => {
        const path = new URL(req.url ?? '/', 'http://localhost').pathname;
        if (/\.m?js$/.test(path)) res.setHeader('Content-Security-Policy', policy);
        next();
      });
    },
  };
}
