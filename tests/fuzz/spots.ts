// Where a frame keeps the numbers a dissector trusts: header lengths, total
// lengths, counts, next-header chains, DNS name pointers, TLS record,
// handshake and extension lengths. The fuzzer changes these on purpose
// (structure-aware mutation) and cuts frames at the layer boundaries found
// on the way.

/** A field of `size` bytes at `offset`; `nibble` marks the high half of one byte. */
export interface Spot {
  offset: number;
  size: 1 | 2 | 3 | 4;
  kind: 'length' | 'count' | 'pointer' | 'type' | 'nibble';
  bigEndian: boolean;
}

export interface FrameSpots {
  spots: Spot[];
  /** Offsets where a layer starts: cutting the frame there (or one byte in) truncates that layer. */
  layers: number[];
}

const MAX_DEPTH = 6;

class Walker {
  readonly spots: Spot[] = [];
  readonly layers: number[] = [];
  constructor(readonly b: Uint8Array) {}

  has(off: number, n: number): boolean {
    return off >= 0 && off + n <= this.b.length;
  }
  u8(off: number): number {
    return this.b[off]!;
  }
  u16(off: number): number {
    return (this.b[off]! << 8) | this.b[off + 1]!;
  }
  spot(offset: number, size: Spot['size'], kind: Spot['kind'], bigEndian = true): void {
    if (this.has(offset, size)) this.spots.push({ offset, size, kind, bigEndian });
  }
  layer(offset: number): void {
    if (offset > 0 && offset < this.b.length) this.layers.push(offset);
  }
}

/** Finds the spots of a frame of link type `link` (tcpdump LINKTYPE_ numbers). */
export function frameSpots(frame: Uint8Array, link: number): FrameSpots {
  const w = new Walker(frame);
  switch (link) {
    case 1:
      ethernet(w, 0, 0);
      break;
    case 101:
    case 228:
    case 229:
    case 12:
      ip(w, 0, 0);
      break;
    case 0:
    case 108:
      w.spot(0, 4, 'type', link === 108);
      ip(w, 4, 0);
      break;
    case 113:
      w.spot(14, 2, 'type');
      w.spot(4, 2, 'length');
      etherType(w, 16, w.has(14, 2) ? w.u16(14) : 0, 0);
      break;
    case 276:
      w.spot(0, 2, 'type');
      w.spot(10, 1, 'length');
      etherType(w, 20, w.has(0, 2) ? w.u16(0) : 0, 0);
      break;
    case 127:
      radiotap(w);
      break;
  }
  return { spots: w.spots, layers: w.layers };
}

function ethernet(w: Walker, off: number, depth: number): void {
  w.layer(off);
  let at = off + 12;
  // VLAN and QinQ tags.
  while (w.has(at, 2) && (w.u16(at) === 0x8100 || w.u16(at) === 0x88a8) && at < off + 12 + 4 * 4) {
    w.spot(at, 2, 'type');
    at += 4;
  }
  if (!w.has(at, 2)) return;
  w.spot(at, 2, 'type');
  etherType(w, at + 2, w.u16(at), depth);
}

function etherType(w: Walker, off: number, type: number, depth: number): void {
  if (depth > MAX_DEPTH) return;
  if (type === 0x0800 || type === 0x86dd) ip(w, off, depth);
  else if (type === 0x8864) {
    // PPPoE session: length, then PPP protocol.
    w.layer(off);
    w.spot(off + 4, 2, 'length');
    w.spot(off + 6, 2, 'type');
    if (w.has(off + 6, 2)) ip(w, off + 8, depth + 1);
  } else if (type === 0x8847) {
    // MPLS labels until bottom of stack.
    let at = off;
    while (w.has(at, 4) && at < off + 32) {
      w.layer(at);
      w.spot(at + 2, 1, 'type');
      if (w.u8(at + 2) & 1) {
        ip(w, at + 4, depth + 1);
        return;
      }
      at += 4;
    }
  }
}

function ip(w: Walker, off: number, depth: number): void {
  if (!w.has(off, 1) || depth > MAX_DEPTH) return;
  const version = w.u8(off) >> 4;
  if (version === 4) ipv4(w, off, depth);
  else if (version === 6) ipv6(w, off, depth);
}

function ipv4(w: Walker, off: number, depth: number): void {
  w.layer(off);
  w.spot(off, 1, 'nibble');
  w.spot(off + 2, 2, 'length');
  w.spot(off + 6, 2, 'count'); // flags and fragment offset
  w.spot(off + 9, 1, 'type');
  if (!w.has(off, 20)) return;
  const ihl = (w.u8(off) & 15) * 4;
  // Options: type, length.
  for (let at = off + 20; at + 1 < off + ihl && w.has(at, 2); ) {
    const t = w.u8(at);
    if (t === 0) break;
    if (t === 1) {
      at++;
      continue;
    }
    w.spot(at + 1, 1, 'length');
    at += Math.max(2, w.u8(at + 1));
  }
  transport(w, off + ihl, w.u8(off + 9), depth);
}

function ipv6(w: Walker, off: number, depth: number): void {
  w.layer(off);
  w.spot(off + 4, 2, 'length');
  w.spot(off + 6, 1, 'type');
  if (!w.has(off, 40)) return;
  let next = w.u8(off + 6);
  let at = off + 40;
  // Extension headers: next header and length of each.
  for (let k = 0; k < 8 && w.has(at, 2); k++) {
    if (next === 0 || next === 43 || next === 60 || next === 51) {
      w.layer(at);
      w.spot(at, 1, 'type');
      w.spot(at + 1, 1, 'length');
      const len = next === 51 ? (w.u8(at + 1) + 2) * 4 : (w.u8(at + 1) + 1) * 8;
      next = w.u8(at);
      at += len;
    } else if (next === 44) {
      w.layer(at);
      w.spot(at, 1, 'type');
      w.spot(at + 2, 2, 'count');
      next = w.u8(at);
      at += 8;
    } else break;
  }
  transport(w, at, next, depth);
}

function transport(w: Walker, off: number, proto: number, depth: number): void {
  if (!w.has(off, 1)) return;
  w.layer(off);
  switch (proto) {
    case 6:
      tcp(w, off);
      break;
    case 17:
      udp(w, off);
      break;
    case 1:
    case 58:
      // ICMP errors quote an IP header: its spots are the quoted packet's.
      w.spot(off, 1, 'type');
      if (w.has(off, 8)) ip(w, off + 8, depth + 1);
      break;
    case 4:
    case 41:
      ip(w, off, depth + 1);
      break;
    case 47:
      // GRE: flags, protocol; then the inner packet.
      w.spot(off, 2, 'count');
      w.spot(off + 2, 2, 'type');
      if (w.has(off, 4)) {
        const flags = w.u16(off);
        const inner = off + 4 + (flags & 0x8000 ? 4 : 0) + (flags & 0x2000 ? 4 : 0) + (flags & 0x1000 ? 4 : 0);
        const type = w.u16(off + 2);
        if (type === 0x6558) ethernet(w, inner, depth + 1);
        else etherType(w, inner, type, depth + 1);
      }
      break;
  }
}

function tcp(w: Walker, off: number): void {
  w.spot(off + 12, 1, 'nibble');
  if (!w.has(off, 20)) return;
  const hlen = (w.u8(off + 12) >> 4) * 4;
  for (let at = off + 20; at + 1 < off + hlen && w.has(at, 2); ) {
    const kind = w.u8(at);
    if (kind === 0) break;
    if (kind === 1) {
      at++;
      continue;
    }
    w.spot(at + 1, 1, 'length');
    at += Math.max(2, w.u8(at + 1));
  }
  const data = off + hlen;
  if (!w.has(data, 1)) return;
  w.layer(data);
  const sport = w.u16(off);
  const dport = w.u16(off + 2);
  if (sport === 53 || dport === 53) {
    w.spot(data, 2, 'length');
    dns(w, data + 2);
  } else tls(w, data);
}

function udp(w: Walker, off: number): void {
  w.spot(off + 4, 2, 'length');
  if (!w.has(off, 8)) return;
  const data = off + 8;
  w.layer(data);
  const sport = w.u16(off);
  const dport = w.u16(off + 2);
  const dnsPorts = [53, 5353, 5355];
  if (dnsPorts.includes(sport) || dnsPorts.includes(dport)) dns(w, data);
  else if ((sport === 4789 || dport === 4789) && w.has(data, 8)) ethernet(w, data + 8, 1);
}

/** DNS: the four counts, every label length and compression pointer, and each record's lengths. */
function dns(w: Walker, off: number): void {
  if (!w.has(off, 12)) return;
  for (let k = 0; k < 4; k++) w.spot(off + 4 + 2 * k, 2, 'count');
  const counts = [w.u16(off + 4), w.u16(off + 6), w.u16(off + 8), w.u16(off + 10)];
  let at = off + 12;
  const records = Math.min(64, counts[0]! + counts[1]! + counts[2]! + counts[3]!);
  for (let r = 0; r < records && w.has(at, 1); r++) {
    at = dnsName(w, at);
    if (at < 0) return;
    w.spot(at, 2, 'type');
    if (r < counts[0]!) {
      at += 4;
      continue;
    }
    w.spot(at + 8, 2, 'length');
    if (!w.has(at + 8, 2)) return;
    const rdlen = w.u16(at + 8);
    const type = w.u16(at);
    const rdata = at + 10;
    // Names inside record data (CNAME, NS, PTR, MX, SOA) carry pointers too.
    if (type === 5 || type === 2 || type === 12) dnsName(w, rdata);
    else if (type === 15) dnsName(w, rdata + 2);
    at = rdata + rdlen;
  }
}

/** Marks the labels of a name; returns the offset after it, or -1. */
function dnsName(w: Walker, off: number): number {
  let at = off;
  for (let k = 0; k < 128 && w.has(at, 1); k++) {
    const len = w.u8(at);
    if (len === 0) return at + 1;
    if ((len & 0xc0) === 0xc0) {
      w.spot(at, 2, 'pointer');
      return at + 2;
    }
    w.spot(at, 1, 'length');
    at += 1 + len;
  }
  return -1;
}

/** TLS records; in a ClientHello or ServerHello, every length down to the extensions and the server name. */
function tls(w: Walker, off: number): void {
  let at = off;
  for (let k = 0; k < 8 && w.has(at, 5); k++) {
    const type = w.u8(at);
    if (type < 20 || type > 24 || w.u8(at + 1) !== 3) return;
    w.layer(at);
    w.spot(at + 3, 2, 'length');
    const len = w.u16(at + 3);
    if (type === 22 && w.has(at + 5, 4)) handshake(w, at + 5);
    at += 5 + len;
  }
}

function handshake(w: Walker, off: number): void {
  const type = w.u8(off);
  w.spot(off, 1, 'type');
  w.spot(off + 1, 3, 'length');
  if (type !== 1 && type !== 2) return;
  let at = off + 4 + 2 + 32;
  if (!w.has(at, 1)) return;
  w.spot(at, 1, 'length');
  at += 1 + w.u8(at);
  if (type === 1) {
    if (!w.has(at, 2)) return;
    w.spot(at, 2, 'length');
    at += 2 + w.u16(at);
    if (!w.has(at, 1)) return;
    w.spot(at, 1, 'length');
    at += 1 + w.u8(at);
  } else at += 3;
  if (!w.has(at, 2)) return;
  w.spot(at, 2, 'length');
  const end = at + 2 + w.u16(at);
  at += 2;
  for (let k = 0; k < 64 && at + 4 <= end && w.has(at, 4); k++) {
    const ext = w.u16(at);
    w.spot(at, 2, 'type');
    w.spot(at + 2, 2, 'length');
    const len = w.u16(at + 2);
    if (ext === 0 && w.has(at + 4, 5)) {
      // server_name: list length, type, name length.
      w.spot(at + 4, 2, 'length');
      w.spot(at + 7, 2, 'length');
    } else if ((ext === 16 || ext === 43 || ext === 10 || ext === 13 || ext === 51) && w.has(at + 4, 2)) {
      w.spot(at + 4, ext === 43 && type === 1 ? 1 : 2, 'length');
    }
    at += 4 + len;
  }
}

function radiotap(w: Walker): void {
  w.spot(2, 2, 'length', false);
  w.spot(4, 4, 'count', false);
  if (!w.has(0, 4)) return;
  const len = w.b[2]! | (w.b[3]! << 8);
  w.layer(len);
  // 802.11 frame control, then (for data frames) LLC/SNAP.
  w.spot(len, 1, 'type');
  if (w.has(len, 1) && (w.u8(len) & 0x0c) === 0x08) {
    const hdr = len + ((w.u8(len) & 0x80) ? 26 : 24);
    w.layer(hdr);
    if (w.has(hdr, 8) && w.u8(hdr) === 0xaa) {
      w.spot(hdr + 6, 2, 'type');
      etherType(w, hdr + 8, w.u16(hdr + 6), 1);
    }
  }
}
