// Conversations, as Wireshark's Conversations window and tshark -z conv,...
// count them: for each pair of addresses (and ports, and stream, for TCP and
// UDP), the frames and bytes each way, when it started (seconds after the
// first frame of the capture) and how long it lasted. A is the source of the
// conversation's first packet; bytes are frame lengths on the wire. Listed
// as tshark lists them: most frames first, then in order of appearance.

import { AddressBook, Family } from './addresses';
import { PairIndex } from './pairs';
import { RelativeTimes, type StatsSource } from './source';
import { eachTalk, type TalkKind } from './talks';

export type ConversationKind = TalkKind;

export interface Conversation {
  addressA: string;
  /** null for Ethernet, IPv4 and IPv6 conversations. */
  portA: number | null;
  addressB: string;
  portB: number | null;
  framesAtoB: number;
  bytesAtoB: number;
  framesBtoA: number;
  bytesBtoA: number;
  /** Seconds from the first frame of the capture to the conversation's first packet. */
  relStart: number;
  /** Seconds from its first packet to its last. */
  duration: number;
  /** tcp.stream or udp.stream, for TCP and UDP conversations. */
  stream?: number;
}

export interface ConversationTable {
  kind: ConversationKind;
  conversations: Conversation[];
  /** Packets that were dissected because the index could not tell (tunnels ...). */
  dissected: number;
  milliseconds: number;
}

export async function conversations(src: StatsSource, kind: ConversationKind): Promise<ConversationTable> {
  const started = performance.now();
  const book = new AddressBook(src.index);
  const times = new RelativeTimes(src.index);
  const c = src.index.columns;
  const transport = kind === 'tcp' || kind === 'udp';
  const t = new Tally();
  // TCP and UDP conversations are told apart by their stream, as tshark's
  // conversation id; others by their (unordered) pair of addresses.
  const byStream: number[] = [];
  const byPair = new PairIndex();
  const other = new Map<string, number>();

  const dissected = await eachTalk(src, kind, book, (i, family, a, b, pa, pb, stream) => {
    let id: number;
    if (transport) {
      id = stream >= 0 ? (byStream[stream] ?? -1) : (other.get(`${family} ${a} ${pa} ${b} ${pb}`) ?? other.get(`${family} ${b} ${pb} ${a} ${pa}`) ?? -1);
    } else {
      const before = byPair.size;
      id = byPair.add(a, b, true);
      if (id === before) id = -1;
      else id = t.byKey[id]!;
    }
    const len = c.origLen(i);
    const ns = times.ns(i);
    if (id < 0) {
      id = t.open(family, a, b, pa, pb, stream, ns);
      if (transport) {
        if (stream >= 0) byStream[stream] = id;
        else other.set(`${family} ${a} ${pa} ${b} ${pb}`, id);
      } else t.byKey.push(id);
    }
    const forward = t.a[id] === a && t.b[id] === b && t.portA[id] === pa && t.portB[id] === pb;
    t.add(id, forward, len, ns);
  });

  const out: Conversation[] = [];
  for (let id = 0; id < t.count; id++) {
    const conv: Conversation = {
      addressA: book.text(t.family[id]!, t.a[id]!),
      portA: transport ? t.portA[id]! : null,
      addressB: book.text(t.family[id]!, t.b[id]!),
      portB: transport ? t.portB[id]! : null,
      framesAtoB: t.framesAB[id]!,
      bytesAtoB: t.bytesAB[id]!,
      framesBtoA: t.framesBA[id]!,
      bytesBtoA: t.bytesBA[id]!,
      relStart: t.start[id]! / 1e9,
      duration: (t.end[id]! - t.start[id]!) / 1e9,
    };
    if (transport) conv.stream = t.stream[id]!;
    out.push(conv);
  }
  return { kind, conversations: byFramesThenOrder(out, (x) => x.framesAtoB + x.framesBtoA), dissected, milliseconds: performance.now() - started };
}

/** tshark's order: most frames first; equal counts in order of appearance. */
export function byFramesThenOrder<T>(rows: T[], frames: (row: T) => number): T[] {
  return rows
    .map((row, k) => ({ row, k, f: frames(row) }))
    .sort((x, y) => y.f - x.f || x.k - y.k)
    .map((x) => x.row);
}

/** The conversations being counted, one entry per conversation in each array. */
class Tally {
  count = 0;
  readonly family: Family[] = [];
  readonly a: number[] = [];
  readonly b: number[] = [];
  readonly portA: number[] = [];
  readonly portB: number[] = [];
  readonly stream: number[] = [];
  readonly framesAB: number[] = [];
  readonly bytesAB: number[] = [];
  readonly framesBA: number[] = [];
  readonly bytesBA: number[] = [];
  readonly start: number[] = [];
  readonly end: number[] = [];
  /** Conversation of each address pair of the PairIndex, by pair id. */
  readonly byKey: number[] = [];

  open(family: Family, a: number, b: number, pa: number, pb: number, stream: number, ns: number): number {
    const id = this.count++;
    this.family.push(family);
    this.a.push(a);
    this.b.push(b);
    this.portA.push(pa);
    this.portB.push(pb);
    this.stream.push(stream);
    this.framesAB.push(0);
    this.bytesAB.push(0);
    this.framesBA.push(0);
    this.bytesBA.push(0);
    this.start.push(ns);
    this.end.push(ns);
    return id;
  }

  add(id: number, forward: boolean, len: number, ns: number): void {
    if (forward) {
      this.framesAB[id]!++;
      this.bytesAB[id]! += len;
    } else {
      this.framesBA[id]!++;
      this.bytesBA[id]! += len;
    }
    if (ns > this.end[id]!) this.end[id] = ns;
    else if (ns < this.start[id]!) this.start[id] = ns;
  }
}
