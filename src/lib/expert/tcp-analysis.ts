// TCP analysis, as Wireshark's expert info shows it: retransmissions,
// duplicate ACKs, segments out of order or not captured, zero and full
// windows, keep-alives, ports reused. The engine marks these packets with
// the tcp.analysis.* fields; they are found with one display filter over
// the selected TCP packets. A field the engine does not (yet) have finds
// nothing and is listed in the report's unavailableFields.

import type { ExpertContext } from './context';
import { makeFinding, plural, type Detector } from './detector';
import { TCP } from './conversations';
import { PacketRefs } from './packets';
import type { Finding, Severity } from './types';

interface AnalysisFlag {
  field: string;
  severity: Severity;
  /** Wireshark's summary text. */
  title: string;
}

/** Severities and summaries as Wireshark 4 gives them. */
export const TCP_ANALYSIS_FLAGS: readonly AnalysisFlag[] = [
  { field: 'tcp.analysis.retransmission', severity: 'note', title: 'This frame is a (suspected) retransmission' },
  { field: 'tcp.analysis.fast_retransmission', severity: 'note', title: 'This frame is a (suspected) fast retransmission' },
  { field: 'tcp.analysis.duplicate_ack', severity: 'note', title: 'Duplicate ACK' },
  { field: 'tcp.analysis.out_of_order', severity: 'warning', title: 'This frame is a (suspected) out-of-order segment' },
  { field: 'tcp.analysis.lost_segment', severity: 'warning', title: 'Previous segment(s) not captured (common at capture start)' },
  { field: 'tcp.analysis.zero_window', severity: 'warning', title: 'TCP Zero Window segment' },
  { field: 'tcp.analysis.window_full', severity: 'warning', title: 'TCP window specified by the receiver is now completely full' },
  { field: 'tcp.analysis.keep_alive', severity: 'note', title: 'TCP keep-alive segment' },
  { field: 'tcp.analysis.reused_ports', severity: 'note', title: 'A new tcp session is started with the same ports as an earlier session in this trace' },
  { field: 'tcp.analysis.spurious_retransmission', severity: 'note', title: 'This frame is a (suspected) spurious retransmission' },
  { field: 'tcp.analysis.ack_lost_segment', severity: 'warning', title: "ACKed segment that wasn't captured (common at capture start)" },
  { field: 'tcp.analysis.keep_alive_ack', severity: 'note', title: 'ACK to a TCP keep-alive segment' },
  { field: 'tcp.analysis.zero_window_probe', severity: 'note', title: 'TCP Zero Window Probe' },
  { field: 'tcp.analysis.zero_window_probe_ack', severity: 'note', title: 'ACK to a TCP Zero Window Probe' },
  { field: 'tcp.analysis.window_update', severity: 'chat', title: 'TCP window update' },
];

/** Kinds of reassembly records that rebuild messages and datagrams (CaptureInfo's Reassembly.kind; 5 is data held for later). */
const MESSAGE_KINDS = new Set([1, 2, 3, 4, 5]);

/**
 * The summary pass hands a segment's sequence analysis to the detail pass
 * as a record of the packet in the reassembly table, beside the messages
 * and datagrams (engine/rebuild.ts): a packet without such a record has no
 * tcp.analysis field to find, and need not be dissected. (The tests check
 * the findings against tshark's, so a change of that hand-over shows.)
 */
function mayHaveAnalysis(ctx: ExpertContext, i: number): boolean {
  return ctx.index.info.reassemblies.get(i)?.some((r) => !MESSAGE_KINDS.has(r.kind)) ?? false;
}

export const tcpAnalysisDetector: Detector = {
  id: 'tcp.analysis',
  name: 'TCP analysis',
  async run(ctx) {
    const d = ctx.dissector;
    const flags = TCP_ANALYSIS_FLAGS.filter((f) => {
      if (d.has(f.field)) return true;
      d.unavailable.add(f.field);
      return false;
    });
    if (flags.length === 0) return [];
    const proto = ctx.columns.ipProto;
    const stream = ctx.columns.stream;
    const found = await d.collect(
      flags.map((f) => f.field).join(' || '),
      flags.map((f) => f.field),
      (i) => proto[i] === TCP && ctx.selected(i) && mayHaveAnalysis(ctx, i),
    );
    const out: Finding[] = [];
    for (const flag of flags) {
      const refs = new PacketRefs();
      const streams = new Map<number, number>();
      for (const { packet, fields } of found) {
        if (!fields[flag.field]?.length) continue;
        refs.add(packet);
        streams.set(stream[packet]!, (streams.get(stream[packet]!) ?? 0) + 1);
      }
      if (refs.size === 0) continue;
      out.push(
        makeFinding({
          id: `tcp.analysis:${flag.field.slice('tcp.analysis.'.length)}`,
          severity: flag.severity,
          category: 'sequence',
          protocol: 'TCP',
          title: flag.title,
          rule: `The engine's TCP analysis marked these segments with ${flag.field} (the display filter "${flag.field}" shows them).`,
          packets: refs,
          details: {
            filter: flag.field,
            connections: streams.size,
            'busiest connections': [...streams.entries()]
              .sort((a, b) => b[1] - a[1])
              .slice(0, 5)
              .map(([s, n]) => `tcp.stream ${s}: ${plural(n, 'packet')}`),
          },
        }),
      );
    }
    return out;
  },
};
