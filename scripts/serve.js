// Serves the built site (build/) on loopback and prints the address to open.
// Any static file server works as well: the site is static.
import { preview } from 'vite';

const port = Number(process.env.PORT ?? 4173);
const server = await preview({ preview: { host: '127.0.0.1', port, strictPort: false, open: false }, logLevel: 'warn' });
const url = server.resolvedUrls?.local[0] ?? `http://127.0.0.1:${port}/`;
console.log(`Packetlens is running: open ${url}`);
console.log('(press Ctrl+C to stop; captures are decoded in your browser and never leave it)');
