// The bridge's command line.

import { parseArgs } from 'node:util';
import { DEFAULT_PORT, MAX_SNAPLEN } from '../src/lib/live/wire';

export const DEFAULT_APP = 'http://127.0.0.1:4173';

export const USAGE = `Usage: sudo npm run bridge -- [options]

Streams packets captured on this machine to the Packetlens page. It prints one
link: open it in the browser.

  --interface NAME   the interface the page offers first (default: the first
                     one with an address that is not loopback)
  --filter 'BPF'     the capture filter the page offers first, in libpcap's
                     syntax, e.g. 'tcp port 443' (default: none)
  --snaplen N        bytes kept of each packet, 64 to ${MAX_SNAPLEN} (default ${MAX_SNAPLEN};
                     libpcap, as the bridge uses it, keeps at most 65535)
  --port N           the WebSocket port (default ${DEFAULT_PORT}; 0 picks a free one)
  --app URL          where the Packetlens app is served (default ${DEFAULT_APP},
                     as by npm start); only pages from its origin may connect
  --origin URL       one more origin that may connect, such as a development
                     server (may be given more than once)
  --listen-any       listen on every address, not only on 127.0.0.1 and ::1:
                     anyone who can reach the port and has the token can capture
  -h, --help         this text
`;

export interface BridgeArgs {
  help: boolean;
  interface: string | null;
  filter: string;
  snaplen: number;
  port: number;
  app: string;
  origins: string[];
  listenAny: boolean;
}

function integer(name: string, text: string | undefined, min: number, max: number, fallback: number): number {
  if (text === undefined) return fallback;
  const n = /^\d+$/.test(text) ? Number(text) : NaN;
  if (!(n >= min && n <= max)) throw new Error(`--${name} takes a whole number from ${min} to ${max}, not "${text}"`);
  return n;
}

function webOrigin(name: string, text: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new Error(`--${name} takes a URL such as ${DEFAULT_APP}, not "${text}"`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error(`--${name} takes an http or https URL, not "${text}"`);
  return url.origin;
}

/** Reads the arguments; throws a message for a person on a mistake. */
export function parseBridgeArgs(argv: string[]): BridgeArgs {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    allowPositionals: false,
    options: {
      interface: { type: 'string' },
      filter: { type: 'string' },
      snaplen: { type: 'string' },
      port: { type: 'string' },
      app: { type: 'string' },
      origin: { type: 'string', multiple: true },
      'listen-any': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const app = values.app ?? DEFAULT_APP;
  webOrigin('app', app);
  if (values.interface !== undefined && values.interface.length === 0) throw new Error('--interface takes a name, such as eth0');
  return {
    help: values.help ?? false,
    interface: values.interface ?? null,
    filter: values.filter ?? '',
    snaplen: integer('snaplen', values.snaplen, 64, MAX_SNAPLEN, MAX_SNAPLEN),
    port: integer('port', values.port, 0, 65535, DEFAULT_PORT),
    app: app.replace(/\/+$/, ''),
    origins: (values.origin ?? []).map((o) => webOrigin('origin', o)),
    listenAny: values['listen-any'] ?? false,
  };
}
