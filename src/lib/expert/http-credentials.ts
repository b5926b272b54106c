// Credentials in plain HTTP: Basic authentication sends the user name and
// password in base64, which anyone on the path can decode; a Bearer token
// sent the same way can be replayed. (Digest and NTLM do not send the
// password and are not reported.) The password itself is never shown.

import type { Comparable } from '../filter/compile';
import { makeFinding, type Detector } from './detector';
import { PacketRefs } from './packets';
import type { Finding } from './types';

export const HTTP_CREDENTIALS_RULE =
  'An HTTP request carries an Authorization or Proxy-Authorization header with the Basic scheme (user name and password, base64-encoded) or a Bearer token, over a connection that is not encrypted.';

const FIELDS = ['http.authorization', 'http.proxy_authorization', 'http.authbasic', 'http.host'];

interface Group {
  packets: PacketRefs;
  schemes: Set<string>;
  users: Set<string>;
  hosts: Set<string>;
  client: number;
  server: number;
}

export const httpCredentialsDetector: Detector = {
  id: 'credentials.http',
  name: 'HTTP credentials',
  async run(ctx) {
    const found = await ctx.dissector.collect('http.authorization || http.proxy_authorization', FIELDS, (i) => ctx.selected(i));
    const a = ctx.addresses;
    const groups = new Map<string, Group>();
    for (const { packet, fields } of found) {
      const headers = [...(fields['http.authorization'] ?? []), ...(fields['http.proxy_authorization'] ?? [])].map(String);
      const schemes = headers.map((h) => (h.split(/\s+/)[0] ?? '').toLowerCase()).filter((s) => s === 'basic' || s === 'bearer');
      if (schemes.length === 0) continue;
      const key = `${a.source(packet)}>${a.destination(packet)}`;
      let g = groups.get(key);
      if (!g) groups.set(key, (g = { packets: new PacketRefs(), schemes: new Set(), users: new Set(), hosts: new Set(), client: a.source(packet), server: a.destination(packet) }));
      g.packets.add(packet);
      for (const s of schemes) g.schemes.add(s === 'basic' ? 'Basic' : 'Bearer');
      for (const u of basicUsers(fields['http.authbasic'], headers)) g.users.add(u);
      for (const h of fields['http.host'] ?? []) g.hosts.add(String(h));
    }
    const out: Finding[] = [];
    for (const g of groups.values()) {
      const client = a.text(g.client);
      const server = a.text(g.server);
      const users = [...g.users];
      const who = users.length ? ` for ${users.map((u) => `"${u}"`).join(', ')}` : '';
      out.push(
        makeFinding({
          id: `credentials.http:${client}>${server}`,
          severity: 'warning',
          category: 'security',
          protocol: 'HTTP',
          title: `HTTP ${[...g.schemes].join(' and ')} credentials in cleartext from ${client} to ${server}${who}`,
          rule: HTTP_CREDENTIALS_RULE,
          packets: g.packets,
          details: {
            client,
            server,
            ...(g.hosts.size ? { hosts: [...g.hosts] } : {}),
            schemes: [...g.schemes],
            users: users.length ? users : 'none (a token)',
            filter: 'http.authorization || http.proxy_authorization',
          },
        }),
      );
    }
    return out;
  },
};

/** User names from http.authbasic ("user:password"), or decoded from Basic headers when the engine gave none. */
function basicUsers(authbasic: Comparable[] | undefined, headers: string[]): string[] {
  const pairs = (authbasic ?? []).map(String);
  if (pairs.length === 0) {
    for (const h of headers) {
      const m = /^basic\s+([A-Za-z0-9+/=]+)/i.exec(h);
      if (m) pairs.push(decodeBase64(m[1]!));
    }
  }
  return pairs.map((p) => p.split(':')[0] ?? '').filter((u) => u.length > 0);
}

function decodeBase64(s: string): string {
  try {
    return new TextDecoder().decode(Uint8Array.from(atob(s), (c) => c.charCodeAt(0)));
  } catch {
    return '';
  }
}
