// Reading tshark's -z statistics, as tshark -q prints them: conversations,
// endpoints, protocol hierarchy (io,phs) and packet lengths (plen,tree).

import type { Endpoint } from '../../src/lib/stats';

export interface TsharkConversation {
  addressA: string;
  portA: number | null;
  addressB: string;
  portB: number | null;
  /** tshark's "->" columns: frames and bytes from A to B ("<-": B to A). */
  framesAtoB: number;
  bytesAtoB: string;
  framesBtoA: number;
  bytesBtoA: string;
  relStart: number;
  duration: number;
}

/** One row of tshark's -z endpoints table: the same columns as ours. */
export type TsharkEndpoint = Endpoint;

export interface TsharkPhsNode {
  protocol: string;
  frames: number;
  bytes: number;
  children: TsharkPhsNode[];
}

export interface TsharkPlenRow {
  bucket: string;
  count: number;
  average: number | null;
  min: number | null;
  max: number | null;
  percent: number;
}

export interface TsharkStats {
  /** By title: "Ethernet", "IPv4", "IPv6", "TCP", "UDP". */
  conversations: Map<string, TsharkConversation[]>;
  endpoints: Map<string, TsharkEndpoint[]>;
  phs: TsharkPhsNode[] | null;
  plen: TsharkPlenRow[] | null;
}

const RULE = /^={20,}$/;

/** Splits tshark -q output into its tables. */
export function parseTsharkStats(text: string): TsharkStats {
  const out: TsharkStats = { conversations: new Map(), endpoints: new Map(), phs: null, plen: null };
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    let m: RegExpExecArray | null;
    if ((m = /^(\S+) Conversations$/.exec(line))) {
      const { rows, next } = block(lines, i + 1);
      out.conversations.set(m[1]!, rows.map((r) => conversationRow(r, m![1] === 'TCP' || m![1] === 'UDP')));
      i = next;
    } else if ((m = /^(\S+) Endpoints$/.exec(line))) {
      const { rows, next } = block(lines, i + 1);
      out.endpoints.set(m[1]!, rows.map((r) => endpointRow(r, m![1] === 'TCP' || m![1] === 'UDP')));
      i = next;
    } else if (line === 'Protocol Hierarchy Statistics') {
      const { rows, next } = block(lines, i + 1);
      out.phs = phsTree(rows);
      i = next;
    } else if (line.startsWith('Packet Lengths:')) {
      const rows: TsharkPlenRow[] = [];
      let j = i + 1;
      for (; j < lines.length && !/^={20,}/.test(lines[j]!); j++) {
        const r = /^ ?(Packet Lengths|\d+-\d+|\d+ and greater)\s+(\d+)\s+(\S+)\s+(\S+)\s+(\S+)\s+\S+\s+([\d.]+)%/.exec(lines[j]!);
        if (r) {
          const num = (s: string) => (s === '-' ? null : Number(s));
          rows.push({ bucket: r[1]!, count: Number(r[2]), average: num(r[3]!), min: num(r[4]!), max: num(r[5]!), percent: Number(r[6]) });
        }
      }
      out.plen = rows;
      i = j;
    }
  }
  return out;
}

/** The data rows of a table: after "Filter:" and its headings, up to the closing rule. */
function block(lines: string[], from: number): { rows: string[]; next: number } {
  const rows: string[] = [];
  let j = from;
  for (; j < lines.length && !RULE.test(lines[j]!); j++) {
    const l = lines[j]!;
    if (l.startsWith('Filter:') || l.trim() === '' || /^\s*\|/.test(l)) continue;
    rows.push(l);
  }
  return { rows, next: j };
}

function splitPort(s: string): { address: string; port: number } {
  const colon = s.lastIndexOf(':');
  return { address: s.slice(0, colon), port: Number(s.slice(colon + 1)) };
}

function conversationRow(line: string, ports: boolean): TsharkConversation {
  const t = line.trim().split(/\s+/);
  // A <-> B framesBA bytesBA unit framesAB bytesAB unit total bytes unit start duration
  const a = ports ? splitPort(t[0]!) : { address: t[0]!, port: null };
  const b = ports ? splitPort(t[2]!) : { address: t[2]!, port: null };
  return {
    addressA: a.address,
    portA: a.port,
    addressB: b.address,
    portB: b.port,
    framesBtoA: Number(t[3]),
    bytesBtoA: `${t[4]} ${t[5]}`,
    framesAtoB: Number(t[6]),
    bytesAtoB: `${t[7]} ${t[8]}`,
    relStart: Number(t[12]),
    duration: Number(t[13]),
  };
}

function endpointRow(line: string, ports: boolean): TsharkEndpoint {
  const t = line.trim().split(/\s+/);
  const [address, port] = ports ? [t[0]!, Number(t[1])] : [t[0]!, null];
  const n = t.slice(ports ? 2 : 1).map(Number);
  return { address, port, packets: n[0]!, bytes: n[1]!, txPackets: n[2]!, txBytes: n[3]!, rxPackets: n[4]!, rxBytes: n[5]! };
}

function phsTree(rows: string[]): TsharkPhsNode[] {
  const roots: TsharkPhsNode[] = [];
  const stack: TsharkPhsNode[] = [];
  for (const row of rows) {
    const m = /^( *)(\S+)\s+frames:(\d+) bytes:(\d+)$/.exec(row);
    if (!m) continue;
    const depth = m[1]!.length / 2;
    const node: TsharkPhsNode = { protocol: m[2]!, frames: Number(m[3]), bytes: Number(m[4]), children: [] };
    stack.length = depth;
    if (depth === 0) roots.push(node);
    else stack[depth - 1]?.children.push(node);
    stack.push(node);
  }
  return roots;
}

/** A byte count as tshark's conversation tables print it (format_size, SI prefixes). */
export function tsharkSize(bytes: number): string {
  const units = ['bytes', 'kB', 'MB', 'GB', 'TB'];
  let v = bytes;
  let k = 0;
  // format_size: the largest prefix whose quotient is at least 10, in integer division.
  const power = [1, 1e3, 1e6, 1e9, 1e12];
  for (let p = 4; p >= 1; p--) {
    if (Math.floor(bytes / power[p]!) >= 10) {
      v = Math.floor(bytes / power[p]!);
      k = p;
      break;
    }
  }
  return `${v} ${units[k]}`;
}
