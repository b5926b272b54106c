// Packet comments written in a pcapng file, which Wireshark's expert info
// lists too: someone marked these packets for a reason.

import { makeFinding, type Detector } from './detector';
import { PacketRefs } from './packets';
import type { Finding } from './types';

export const commentsDetector: Detector = {
  id: 'comment',
  name: 'Packet comments',
  async run(ctx) {
    const byText = new Map<string, PacketRefs>();
    const packets = [...ctx.index.info.comments.keys()].filter((i) => ctx.selected(i)).sort((a, b) => a - b);
    for (const i of packets) {
      for (const text of ctx.index.info.comments.get(i) ?? []) {
        let refs = byText.get(text);
        if (!refs) byText.set(text, (refs = new PacketRefs()));
        refs.add(i);
      }
    }
    const out: Finding[] = [];
    let n = 0;
    for (const [text, refs] of byText) {
      out.push(
        makeFinding({
          id: `comment:${n++}`,
          severity: 'chat',
          category: 'comment',
          protocol: 'Frame',
          title: text.length > 200 ? text.slice(0, 197) + '...' : text,
          rule: 'A comment stored with the packet in the pcapng file.',
          packets: refs,
          details: { comment: text },
        }),
      );
    }
    return out;
  },
};
