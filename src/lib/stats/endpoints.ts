// Endpoints, as Wireshark's Endpoints window and tshark -z endpoints,...
// count them: for each address (and port, for TCP and UDP), the packets and
// bytes it sent and received. Each layer of a packet counts once for its
// source and once for its destination. Listed as tshark lists them: most
// packets first, then in order of appearance.

import { AddressBook } from './addresses';
import { byFramesThenOrder } from './conversations';
import { PairIndex } from './pairs';
import type { StatsSource } from './source';
import { eachTalk, type TalkKind } from './talks';

export type EndpointKind = TalkKind;

export interface Endpoint {
  address: string;
  /** null for Ethernet, IPv4 and IPv6 endpoints. */
  port: number | null;
  packets: number;
  bytes: number;
  txPackets: number;
  txBytes: number;
  rxPackets: number;
  rxBytes: number;
}

export interface EndpointTable {
  kind: EndpointKind;
  endpoints: Endpoint[];
  /** Packets that were dissected because the index could not tell (tunnels ...). */
  dissected: number;
  milliseconds: number;
}

export async function endpoints(src: StatsSource, kind: EndpointKind): Promise<EndpointTable> {
  const started = performance.now();
  const book = new AddressBook(src.index);
  const c = src.index.columns;
  const transport = kind === 'tcp' || kind === 'udp';
  // Keyed by (address id, family << 16 | port): IPv4 values and IPv6 ids may coincide.
  const index = new PairIndex();
  const family: number[] = [];
  const address: number[] = [];
  const port: number[] = [];
  const tx: number[] = [];
  const txBytes: number[] = [];
  const rx: number[] = [];
  const rxBytes: number[] = [];
  const endpoint = (f: number, a: number, p: number): number => {
    const before = index.size;
    const id = index.add(a, (f << 16) | p);
    if (id === before) {
      family.push(f);
      address.push(a);
      port.push(p);
      tx.push(0);
      txBytes.push(0);
      rx.push(0);
      rxBytes.push(0);
    }
    return id;
  };

  const dissected = await eachTalk(src, kind, book, (i, f, a, b, pa, pb) => {
    const len = c.origLen(i);
    const s = endpoint(f, a, transport ? pa : 0);
    tx[s]!++;
    txBytes[s]! += len;
    const d = endpoint(f, b, transport ? pb : 0);
    rx[d]!++;
    rxBytes[d]! += len;
  });

  const out: Endpoint[] = family.map((f, id) => ({
    address: book.text(f, address[id]!),
    port: transport ? port[id]! : null,
    packets: tx[id]! + rx[id]!,
    bytes: txBytes[id]! + rxBytes[id]!,
    txPackets: tx[id]!,
    txBytes: txBytes[id]!,
    rxPackets: rx[id]!,
    rxBytes: rxBytes[id]!,
  }));
  return { kind, endpoints: byFramesThenOrder(out, (e) => e.packets), dissected, milliseconds: performance.now() - started };
}
