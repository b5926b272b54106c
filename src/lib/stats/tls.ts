// TLS: the server names clients asked for (SNI), the versions servers chose,
// and the application protocols offered (ALPN), from the ClientHello and
// ServerHello of each connection, over TCP and in QUIC. Hellos come first in
// a connection, so only the first TLS (or QUIC) packet of each stream and
// direction is dissected, and the next one only when that held no hello (a
// hello after a HelloRetryRequest, in a second QUIC Initial ...): not the
// encrypted traffic after them.

import { AddressBook, columnFamily } from './addresses';
import { bump, layerValues, packetsWith, ranked, type LayerValues } from './app-fields';
import { PathFacts } from './layers';
import { tlsVersionName } from './names';
import type { StatsSource } from './source';

export interface TlsSession {
  /** tcp.stream (TLS) or udp.stream (QUIC). */
  stream: number;
  transport: 'tcp' | 'quic';
  client: string;
  server: string;
  serverName: string | null;
  /** The version the server chose; null when its hello was not seen. */
  version: string | null;
  /** Packet index (from 0) of the ClientHello. */
  packet: number;
}

export interface TlsStats {
  clientHellos: number;
  serverHellos: number;
  /** Server names of the ClientHellos, most asked first. */
  serverNames: { name: string; count: number }[];
  /** Versions of the ServerHellos (the supported_versions extension, else the hello's version). */
  versions: { version: string; count: number }[];
  /** Application protocols offered in ClientHellos (each hello counts each once). */
  alpn: { protocol: string; count: number }[];
  /** One per connection whose ClientHello was seen, in order. */
  sessions: TlsSession[];
  dissected: number;
  milliseconds: number;
}

/** TLS or QUIC packets read at most per stream and direction, looking for its hello. */
const PER_DIRECTION = 3;
const CLIENT_HELLO = 1;
const SERVER_HELLO = 2;

const FIELDS = [
  'tls.handshake.type',
  'tls.handshake.version',
  'tls.handshake.extensions_server_name',
  'tls.handshake.extensions.supported_version',
  'tls.handshake.extensions_alpn_str',
];

export async function tlsStats(src: StatsSource): Promise<TlsStats> {
  const started = performance.now();
  const { index, engine } = src;
  const c = index.columns.arrays;
  const book = new AddressBook(index);
  const quicId = engine.registry.get('quic')?.id ?? -1;
  const facts = new PathFacts(index, engine.registry);
  const { layers, dissected } = await helloLayers(src, packetsWith(src, ['tls', 'quic']));

  const serverNames = new Map<string, number>();
  const versions = new Map<string, number>();
  const alpn = new Map<string, number>();
  const sessions = new Map<string, TlsSession>();
  let clientHellos = 0;
  let serverHellos = 0;
  for (const layer of layers) {
    const i = layer.packet;
    const v = layer.values;
    const types = v.get('tls.handshake.type') ?? [];
    const quic = (index.info.layers.paths[facts.path(i)] ?? []).includes(quicId);
    const key = `${quic ? 'q' : 't'}${c.stream[i]}`;
    if (types.includes(CLIENT_HELLO)) {
      clientHellos++;
      const name = v.get('tls.handshake.extensions_server_name')?.[0];
      if (name !== undefined) bump(serverNames, String(name));
      for (const p of new Set(v.get('tls.handshake.extensions_alpn_str') ?? [])) bump(alpn, String(p));
      if (!sessions.has(key)) {
        const family = columnFamily(c.addrKind[i]!);
        sessions.set(key, {
          stream: c.stream[i]!,
          transport: quic ? 'quic' : 'tcp',
          client: family ? book.text(family, c.src[i]!) : '',
          server: family ? book.text(family, c.dst[i]!) : '',
          serverName: name !== undefined ? String(name) : null,
          version: null,
          packet: i,
        });
      }
    }
    if (types.includes(SERVER_HELLO)) {
      serverHellos++;
      const chosen = v.get('tls.handshake.extensions.supported_version')?.[0] ?? v.get('tls.handshake.version')?.[types.indexOf(SERVER_HELLO)] ?? v.get('tls.handshake.version')?.[0];
      if (chosen !== undefined) {
        const name = tlsVersionName(Number(chosen));
        bump(versions, name);
        const session = sessions.get(key);
        if (session && session.version === null) session.version = name;
      }
    }
  }
  return {
    clientHellos,
    serverHellos,
    serverNames: ranked(serverNames).map(({ value, count }) => ({ name: value, count })),
    versions: ranked(versions).map(({ value, count }) => ({ version: value, count })),
    alpn: ranked(alpn).map(({ value, count }) => ({ protocol: value, count })),
    sessions: [...sessions.values()],
    dissected,
    milliseconds: performance.now() - started,
  };
}

/**
 * The layers of the packets that hold hellos: in rounds, the next packet of
 * each stream and direction that has shown no hello yet, up to
 * PER_DIRECTION of them. Packets without a stream are all read.
 */
async function helloLayers(src: StatsSource, packets: number[]): Promise<{ layers: LayerValues[]; dissected: number }> {
  const c = src.index.columns.arrays;
  const sel = src.selection;
  const queues = new Map<string, number[]>();
  const direction = (i: number) => (c.stream[i]! >= 0 ? `${c.ipProto[i]} ${c.stream[i]} ${c.src[i]} ${c.srcPort[i]}` : `packet ${i}`);
  for (const i of packets) {
    if (sel && sel[i] !== 1) continue;
    const key = direction(i);
    const q = queues.get(key);
    if (!q) queues.set(key, [i]);
    else if (q.length < PER_DIRECTION) q.push(i);
  }
  const chosen: number[] = [];
  let dissected = 0;
  let pending = [...queues.values()];
  for (let round = 0; round < PER_DIRECTION && pending.length; round++) {
    const batch = pending.map((q) => q[round]!).filter((i) => i !== undefined).sort((a, b) => a - b);
    const got = await layerValues(src, 'tls', ['tls', 'quic'], FIELDS, batch);
    dissected += got.dissected;
    chosen.push(...batch);
    const hello = new Set<number>();
    for (const l of got.layers) {
      const types = l.values.get('tls.handshake.type') ?? [];
      if (types.includes(CLIENT_HELLO) || types.includes(SERVER_HELLO)) hello.add(l.packet);
    }
    pending = pending.filter((q) => q[round] !== undefined && !hello.has(q[round]!) && q.length > round + 1);
  }
  chosen.sort((a, b) => a - b);
  return { layers: (await layerValues(src, 'tls', ['tls', 'quic'], FIELDS, chosen)).layers, dissected };
}

