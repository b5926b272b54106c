// DNS: the names most asked about, the record types asked for, the reply
// codes of the answers, and the slowest answers (a response matched to its
// query by the conversation and the DNS id, as Wireshark's dns.time). The
// DNS packets are dissected (app-fields.ts); mDNS and LLMNR are not counted.

import { AddressBook, columnFamily } from './addresses';
import { bump, layerValues, packetsWith, ranked } from './app-fields';
import { dnsRcodeName, dnsTypeName } from './names';
import { RelativeTimes, type StatsSource } from './source';

export interface DnsAnswerTime {
  name: string;
  type: string;
  client: string;
  server: string;
  /** Packet indexes (from 0) of the query and of the response. */
  queryPacket: number;
  responsePacket: number;
  /** Seconds from the query to the response. */
  seconds: number;
  rcode: string;
}

export interface DnsStats {
  /** DNS messages: queries and responses. */
  queries: number;
  responses: number;
  /** Names asked about in queries, most asked first. */
  names: { name: string; count: number }[];
  /** Record types asked for in queries. */
  types: { type: string; count: number }[];
  /** Reply codes of the responses. */
  rcodes: { code: number; name: string; count: number }[];
  /** Responses matched to their query, slowest first (at most `slowestLimit`). */
  slowest: DnsAnswerTime[];
  /** Of all matched responses: how many, and their average and largest time in seconds. */
  answered: number;
  averageSeconds: number | null;
  maxSeconds: number | null;
  /** Queries no response answered. */
  unanswered: number;
  dissected: number;
  milliseconds: number;
}

const FIELDS = ['dns.flags.response', 'dns.flags.rcode', 'dns.id', 'dns.qry.name', 'dns.qry.type'];

export async function dnsStats(src: StatsSource, slowestLimit = 20): Promise<DnsStats> {
  const started = performance.now();
  const { index } = src;
  const c = index.columns.arrays;
  const times = new RelativeTimes(index);
  const book = new AddressBook(index);
  const { layers, dissected } = await layerValues(src, 'dns', ['dns'], FIELDS, packetsWith(src, ['dns']));

  const names = new Map<string, number>();
  const types = new Map<string, number>();
  const rcodes = new Map<number, number>();
  const pending = new Map<string, { packet: number; ns: number; name: string; type: string }>();
  const answers: DnsAnswerTime[] = [];
  let queries = 0;
  let responses = 0;
  let total = 0;
  let max = 0;
  for (const layer of layers) {
    const i = layer.packet;
    const v = layer.values;
    const response = v.get('dns.flags.response')?.[0] === 1;
    const id = v.get('dns.id')?.[0];
    const name = String(v.get('dns.qry.name')?.[0] ?? '');
    const type = v.has('dns.qry.type') ? dnsTypeName(Number(v.get('dns.qry.type')![0])) : '';
    // The conversation of a query and its response: the packet's stream, or its addresses and ports.
    const key = `${c.stream[i]! >= 0 ? c.stream[i] : `${c.src[i]}-${c.dst[i]}`} ${id}`;
    if (!response) {
      queries++;
      for (const n of v.get('dns.qry.name') ?? []) bump(names, String(n));
      for (const t of v.get('dns.qry.type') ?? []) bump(types, dnsTypeName(Number(t)));
      if (!pending.has(key)) pending.set(key, { packet: i, ns: times.ns(i), name, type });
      continue;
    }
    responses++;
    const rcode = Number(v.get('dns.flags.rcode')?.[0] ?? 0);
    bump(rcodes, rcode);
    const query = pending.get(key);
    if (!query) continue;
    pending.delete(key);
    const seconds = (times.ns(i) - query.ns) / 1e9;
    total += seconds;
    if (seconds > max) max = seconds;
    const family = columnFamily(c.addrKind[i]!);
    answers.push({
      name: query.name || name,
      type: query.type || type,
      client: family ? book.text(family, c.dst[i]!) : '',
      server: family ? book.text(family, c.src[i]!) : '',
      queryPacket: query.packet,
      responsePacket: i,
      seconds,
      rcode: dnsRcodeName(rcode),
    });
  }
  const slowest = answers.sort((a, b) => b.seconds - a.seconds || a.responsePacket - b.responsePacket).slice(0, slowestLimit);
  return {
    queries,
    responses,
    names: ranked(names).map(({ value, count }) => ({ name: value, count })),
    types: ranked(types).map(({ value, count }) => ({ type: value, count })),
    rcodes: ranked(rcodes).map(({ value, count }) => ({ code: value, name: dnsRcodeName(value), count })),
    slowest,
    answered: answers.length,
    averageSeconds: answers.length ? total / answers.length : null,
    maxSeconds: answers.length ? max : null,
    unanswered: pending.size,
    dissected,
    milliseconds: performance.now() - started,
  };
}

