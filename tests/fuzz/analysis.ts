// Everything the app runs over a capture besides the engine, on a fuzz
// input: display filters, statistics, expert findings and follow stream.
// None of it may throw, whatever the capture holds.

import type { CaptureIndex, Engine } from '../../src/lib/engine/engine';
import { compileFilter, type CompiledFilter } from '../../src/lib/filter/compile';
import { runFilter } from '../../src/lib/filter/evaluate';
import { expertFindings } from '../../src/lib/expert';
import { conversations, endpoints, protocolHierarchy, packetLengths, captureSummary, dnsStats, tlsStats, httpStats, TALK_KINDS, type StatsSource } from '../../src/lib/stats';
import { followStreamSync, formatFollow, FOLLOW_MODES } from '../../src/lib/stream';
import { BreakError } from './invariants';

/** Filters over columns, over dissected fields, and over bytes. */
const FILTERS = [
  'ip.src == 10.0.0.0/8 || ipv6 || eth.addr == ff:ff:ff:ff:ff:ff',
  'tcp.flags.syn == 1 && !tcp.analysis.flags',
  'dns.qry.name contains "a" || tls.handshake.extensions_server_name || http.request.uri matches "^/"',
  'frame contains "GET" || udp.payload[0:2] == 00:01 || len(tcp.payload) > 10',
];
/** Streams of each protocol followed, at most. */
const STREAMS = 4;

let compiled: CompiledFilter[] | null = null;

export async function checkAnalysis(engine: Engine, index: CaptureIndex, bytes: Uint8Array): Promise<void> {
  compiled ??= FILTERS.map((f) => compileFilter(f, engine.registry));
  const readOne = (p: number): Uint8Array => {
    const at = index.columns.fileOffset(p);
    return bytes.subarray(at, at + index.columns.capLen(p));
  };
  const read = async (ids: number[]) => ids.map(readOne);
  const step = async (what: string, run: () => unknown): Promise<void> => {
    try {
      await run();
    } catch (e) {
      throw new BreakError({ invariant: 'analysis without exception', detail: `${what}: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}` });
    }
  };
  for (const [k, filter] of compiled.entries()) await step(`filter ${FILTERS[k]}`, () => runFilter(filter, index, engine, read));
  const src: StatsSource = { index, engine, read };
  await step('summary', () => captureSummary(src));
  await step('packet lengths', () => packetLengths(src));
  await step('protocol hierarchy', () => protocolHierarchy(src));
  for (const kind of TALK_KINDS) {
    await step(`${kind} conversations`, () => conversations(src, kind));
    await step(`${kind} endpoints`, () => endpoints(src, kind));
  }
  await step('DNS statistics', () => dnsStats(src));
  await step('TLS statistics', () => tlsStats(src));
  await step('HTTP statistics', () => httpStats(src));
  await step('expert', () => expertFindings(index, engine, read, null));
  const flows = index.flows;
  for (const [protocol, count] of [['tcp', flows?.tcpStreams ?? 0], ['udp', flows?.udpStreams ?? 0]] as const) {
    for (let s = 0; s < Math.min(count, STREAMS); s++) {
      await step(`follow ${protocol} ${s}`, () => {
        const stream = followStreamSync(engine, index, readOne, protocol, s);
        for (const mode of FOLLOW_MODES) formatFollow(stream, mode);
      });
    }
  }
}
