// Logins sent in cleartext by line-based protocols, read from the TCP
// payload on their standard ports: FTP and POP3 (USER, PASS), IMAP (LOGIN,
// AUTHENTICATE PLAIN), SMTP and POP3 (AUTH PLAIN, AUTH LOGIN), and Telnet
// (what the client types after the server's "login:" and "Password:"
// prompts). User names are shown; passwords never are, only that one was
// sent. Anonymous FTP is a note rather than a warning: its password is by
// convention an e-mail address.

import type { ExpertContext } from './context';
import { TCP } from './conversations';
import { makeFinding, type Detector } from './detector';
import { PacketRefs } from './packets';
import type { Finding } from './types';

/** Server ports and the protocol spoken on them. */
export const LOGIN_PORTS = new Map<number, string>([
  [21, 'FTP'],
  [23, 'Telnet'],
  [25, 'SMTP'],
  [110, 'POP3'],
  [143, 'IMAP'],
  [587, 'SMTP'],
]);

export const CLEARTEXT_LOGIN_RULE =
  'A client sends a login over an unencrypted connection to a standard port: FTP (21) or POP3 (110) USER and PASS commands, IMAP (143) LOGIN or AUTHENTICATE PLAIN, SMTP (25, 587) or POP3 AUTH PLAIN or AUTH LOGIN, or Telnet (23) input typed after the server asks "login:" or "Password:".';

const ANONYMOUS = new Set(['anonymous', 'ftp']);
const TELNET = 23;

interface Session {
  protocol: string;
  client: number;
  server: number;
  serverPort: number;
  users: Set<string>;
  passwords: number;
  packets: number[];
  /** Client bytes not yet ending a line, and the packets that carried them. */
  line: string;
  lineParts: number[];
  /** The last client byte was a CR: a LF after it ends no second line. */
  afterCR: boolean;
  /** What the next client line is (after AUTH LOGIN, or a Telnet prompt). */
  expect: 'user' | 'password' | 'plain' | null;
}

export const cleartextLoginDetector: Detector = {
  id: 'credentials.login',
  name: 'Cleartext logins',
  async run(ctx) {
    const c = ctx.columns;
    // Client data to the login ports, and Telnet servers' prompts.
    const candidate = (i: number) => c.ipProto[i] === TCP && ctx.selected(i) && (LOGIN_PORTS.has(c.dstPort[i]!) || c.srcPort[i] === TELNET);
    const found = await ctx.dissector.collect('tcp.payload', ['tcp.payload'], candidate);
    const sessions = new Map<number, Session>();
    for (const { packet, fields } of found) {
      const payload = fields['tcp.payload']?.[0];
      if (!(payload instanceof Uint8Array) || payload.length === 0) continue;
      const toServer = LOGIN_PORTS.has(c.dstPort[packet]!);
      const session = sessionOf(ctx, sessions, packet, toServer);
      if (toServer) clientBytes(session, packet, payload);
      else if (session.protocol === 'Telnet') serverBytes(session, payload);
    }
    const out: Finding[] = [];
    const grouped = new Map<string, Session[]>();
    for (const s of sessions.values()) {
      if (s.users.size === 0 && s.passwords === 0) continue;
      const key = `${s.protocol}|${s.client}|${s.server}`;
      grouped.set(key, [...(grouped.get(key) ?? []), s]);
    }
    for (const list of grouped.values()) out.push(finding(ctx, list));
    return out;
  },
};

function sessionOf(ctx: ExpertContext, sessions: Map<number, Session>, packet: number, toServer: boolean): Session {
  const c = ctx.columns;
  const a = ctx.addresses;
  const stream = c.stream[packet]!;
  let s = sessions.get(stream);
  if (!s) {
    const serverPort = toServer ? c.dstPort[packet]! : c.srcPort[packet]!;
    s = {
      protocol: LOGIN_PORTS.get(serverPort)!,
      client: toServer ? a.source(packet) : a.destination(packet),
      server: toServer ? a.destination(packet) : a.source(packet),
      serverPort,
      users: new Set(),
      passwords: 0,
      packets: [],
      line: '',
      lineParts: [],
      afterCR: false,
      expect: null,
    };
    sessions.set(stream, s);
  }
  return s;
}

/** Appends client bytes and reads every line they complete. */
function clientBytes(s: Session, packet: number, payload: Uint8Array): void {
  const text = latin1(s.protocol === 'Telnet' ? stripTelnetCommands(payload) : payload);
  s.lineParts.push(packet);
  for (const ch of text) {
    const crlf = ch === '\n' && s.afterCR;
    s.afterCR = ch === '\r';
    if (crlf || ch === '\0') continue;
    if (ch === '\r' || ch === '\n') {
      if (s.line.length || s.expect === 'password') clientLine(s, s.line);
      s.line = '';
      s.lineParts = [packet];
      continue;
    }
    // Telnet clients send what is typed as it is typed, with backspaces.
    if (ch === '\b' || ch === '\x7f') s.line = s.line.slice(0, -1);
    else if (s.line.length < 1024) s.line += ch;
  }
  if (!s.line.length) s.lineParts = [];
}

function clientLine(s: Session, line: string): void {
  const credential = (user?: string, password?: boolean) => {
    if (user) s.users.add(user);
    if (password) s.passwords++;
    s.packets.push(...s.lineParts);
  };
  if (s.expect) {
    const expect = s.expect;
    s.expect = null;
    if (expect === 'password') return credential(undefined, true);
    if (expect === 'plain') return credential(plainUser(line), true);
    if (s.protocol === 'Telnet') return credential(line);
    // AUTH LOGIN: the user name in base64, then the password.
    credential(decodeBase64(line));
    s.expect = 'password';
    return;
  }
  if (s.protocol === 'Telnet') return;
  let m: RegExpExecArray | null;
  if ((s.protocol === 'FTP' || s.protocol === 'POP3') && (m = /^USER\s+(.+)$/i.exec(line))) return credential(m[1]!.trim());
  if ((s.protocol === 'FTP' || s.protocol === 'POP3') && /^PASS(\s|$)/i.test(line)) return credential(undefined, true);
  if (s.protocol === 'IMAP' && (m = /^\S+\s+LOGIN\s+("(?:[^"\\]|\\.)*"|\S+)/i.exec(line))) return credential(m[1]!.replace(/^"|"$/g, ''), true);
  if ((m = /^(?:\S+\s+)?(?:AUTH|AUTHENTICATE)\s+PLAIN(?:\s+(\S+))?\s*$/i.exec(line))) {
    if (m[1] && m[1] !== '=') return credential(plainUser(m[1]), true);
    s.expect = 'plain';
    return;
  }
  if ((m = /^(?:\S+\s+)?(?:AUTH|AUTHENTICATE)\s+LOGIN(?:\s+(\S+))?\s*$/i.exec(line))) {
    if (m[1]) {
      credential(decodeBase64(m[1]));
      s.expect = 'password';
    } else s.expect = 'user';
    return;
  }
}

/** Telnet: the server's prompts say what the client types next. */
function serverBytes(s: Session, payload: Uint8Array): void {
  const prompt = latin1(stripTelnetCommands(payload)).trimEnd();
  if (/password\s*:$/i.test(prompt)) s.expect = 'password';
  else if (/(login|username|user name)\s*:$/i.test(prompt)) s.expect = 'user';
  else return;
  s.line = '';
  s.lineParts = [];
}

function finding(ctx: ExpertContext, sessions: Session[]): Finding {
  const first = sessions[0]!;
  const client = ctx.addresses.text(first.client);
  const server = ctx.addresses.text(first.server);
  const users = [...new Set(sessions.flatMap((s) => [...s.users]))];
  const passwords = sessions.reduce((n, s) => n + s.passwords, 0);
  const packets = new PacketRefs();
  for (const s of sessions) packets.addAll(s.packets);
  const anonymous = first.protocol === 'FTP' && users.length > 0 && users.every((u) => ANONYMOUS.has(u.toLowerCase()));
  const who = users.length ? `: user ${users.map((u) => `"${u}"`).join(', ')}` : '';
  return makeFinding({
    id: `credentials.login:${first.protocol}:${client}>${server}`,
    severity: anonymous ? 'note' : 'warning',
    category: 'security',
    protocol: first.protocol,
    title: `${first.protocol} ${anonymous ? 'anonymous login' : 'login'} in cleartext from ${client} to ${server}${who}`,
    rule: CLEARTEXT_LOGIN_RULE,
    packets,
    details: {
      client,
      server: `${server}:${first.serverPort}`,
      users: users.length ? users : 'not seen',
      'passwords sent': passwords,
      sessions: sessions.length,
    },
  });
}

/** The user of a SASL PLAIN message ("authzid\0user\0password", base64). */
function plainUser(b64: string): string {
  const parts = decodeBase64(b64).split('\0');
  return parts[1] ?? '';
}

function decodeBase64(s: string): string {
  try {
    return latin1(Uint8Array.from(atob(s.trim()), (c) => c.charCodeAt(0)));
  } catch {
    return '';
  }
}

function latin1(b: Uint8Array): string {
  let s = '';
  for (let i = 0; i < b.length; i++) s += String.fromCharCode(b[i]!);
  return s;
}

/** Telnet data without its option negotiation (IAC sequences). */
export function stripTelnetCommands(b: Uint8Array): Uint8Array {
  const out: number[] = [];
  for (let i = 0; i < b.length; i++) {
    if (b[i] !== 0xff) {
      out.push(b[i]!);
      continue;
    }
    const cmd = b[i + 1];
    if (cmd === undefined) break;
    if (cmd === 0xff) {
      out.push(0xff);
      i++;
    } else if (cmd >= 251 && cmd <= 254) i += 2;
    else if (cmd === 250) {
      let j = i + 2;
      while (j + 1 < b.length && !(b[j] === 0xff && b[j + 1] === 240)) j++;
      i = j + 1;
    } else i++;
  }
  return Uint8Array.from(out);
}
