// A bounded ASCII/UTF-8 text builder over a fixed block of linear memory.
// Used for the Info column, node annotations and string values. Writing past
// the end is silently truncated: a hostile packet can make text long, never
// make memory grow.

const HEX = "0123456789abcdef";

export class Text {
  ptr: usize;
  cap: i32;
  len: i32 = 0;

  constructor(cap: i32) {
    this.cap = cap;
    this.ptr = heap.alloc(<usize>cap);
  }

  reset(): void {
    this.len = 0;
  }

  // @ts-ignore: decorator
  @inline byte(c: u32): void {
    if (this.len < this.cap) {
      store<u8>(this.ptr + <usize>this.len, <u8>c);
      this.len++;
    }
  }

  /** Appends a string declared in the source (ASCII or BMP; encoded as UTF-8). */
  str(s: string): void {
    const n = s.length;
    const src = changetype<usize>(s);
    // ASCII, the usual case: copied from the UTF-16 units while there is room,
    // without a check per byte; the rest (and any other character) below.
    const room = this.cap - this.len;
    const fast = n < room ? n : room;
    const dst = this.ptr + <usize>this.len;
    let i = 0;
    for (; i < fast; i++) {
      const c = <u32>load<u16>(src + (<usize>i << 1));
      if (c >= 0x80) break;
      store<u8>(dst + <usize>i, <u8>c);
    }
    this.len += i;
    if (this.len >= this.cap) return;
    for (; i < n; i++) {
      const c = <u32>load<u16>(src + (<usize>i << 1));
      if (c < 0x80) this.byte(c);
      else if (c < 0x800) {
        this.byte(0xc0 | (c >> 6));
        this.byte(0x80 | (c & 0x3f));
      } else {
        this.byte(0xe0 | (c >> 12));
        this.byte(0x80 | ((c >> 6) & 0x3f));
        this.byte(0x80 | (c & 0x3f));
      }
    }
  }

  dec(v: u64): void {
    if (v <= <u64>u32.MAX_VALUE) {
      this.dec32(<u32>v);
      return;
    }
    let digits: i32 = 0;
    let t = v;
    while (t > 0) {
      digits++;
      t /= 10;
    }
    const start = this.len;
    for (let i = 0; i < digits; i++) this.byte(0x30);
    if (this.len - start < digits) return; // truncated: leave zeros
    let p = this.ptr + <usize>start + <usize>digits;
    while (v > 0) {
      p--;
      store<u8>(p, <u8>(0x30 + <u32>(v % 10)));
      v /= 10;
    }
  }

  /** dec() for values that fit 32 bits, the usual case: u32 division is cheaper. */
  private dec32(v: u32): void {
    let digits: i32 = 1;
    for (let t = v / 10; t > 0; t /= 10) digits++;
    if (this.cap - this.len < digits) {
      // Truncated: as many leading digits as fit.
      const room = this.cap - this.len;
      let skip = digits - room;
      let w = v;
      while (skip-- > 0) w /= 10;
      if (room > 0) this.dec32Exact(w, room);
      return;
    }
    this.dec32Exact(v, digits);
  }

  private dec32Exact(v: u32, digits: i32): void {
    let p = this.ptr + <usize>this.len + <usize>digits;
    for (let i = 0; i < digits; i++) {
      p--;
      store<u8>(p, <u8>(0x30 + v % 10));
      v /= 10;
    }
    this.len += digits;
  }

  sdec(v: i64): void {
    if (v < 0) {
      this.byte(0x2d);
      this.dec(<u64>(-v));
    } else this.dec(<u64>v);
  }

  /** Lower-case hex with at least `width` digits, no prefix. */
  hexw(v: u64, width: i32): void {
    let digits = 1;
    let t = v >> 4;
    while (t > 0) {
      digits++;
      t >>= 4;
    }
    if (digits < width) digits = width;
    for (let i = digits - 1; i >= 0; i--) {
      this.byte(<u32>HEX.charCodeAt(<i32>((v >> (<u64>(i * 4))) & 0xf)));
    }
  }

  /** "0x" followed by `width` hex digits. */
  hex(v: u64, width: i32): void {
    this.str("0x");
    this.hexw(v, width);
  }

  ipv4(v: u32): void {
    this.dec((v >> 24) & 0xff);
    this.byte(0x2e);
    this.dec((v >> 16) & 0xff);
    this.byte(0x2e);
    this.dec((v >> 8) & 0xff);
    this.byte(0x2e);
    this.dec(v & 0xff);
  }

  /** An IPv6 address in RFC 5952 form, read from 16 bytes at p. */
  ipv6(p: usize): void {
    // Longest run of two or more zero groups is shown as "::".
    let bestStart = -1;
    let bestLen = 0;
    let runStart = -1;
    for (let i = 0; i < 8; i++) {
      const g = (<u32>load<u8>(p + <usize>(i * 2)) << 8) | <u32>load<u8>(p + <usize>(i * 2 + 1));
      if (g == 0) {
        if (runStart < 0) runStart = i;
        const runLen = i - runStart + 1;
        if (runLen > bestLen) {
          bestLen = runLen;
          bestStart = runStart;
        }
      } else runStart = -1;
    }
    if (bestLen < 2) bestStart = -1;
    // IPv4-mapped and IPv4-compatible addresses keep a dotted tail (BSD inet_ntop's rule).
    const mapped = bestStart == 0 && bestLen == 5 && load<u8>(p + 10) == 0xff && load<u8>(p + 11) == 0xff;
    const compatible = bestStart == 0 && (bestLen == 6 || (bestLen == 7 && load<u8>(p + 15) != 1));
    let i = 0;
    while (i < 8) {
      if (i == bestStart) {
        this.str("::");
        if (mapped || compatible) {
          if (mapped) this.str("ffff:");
          this.ipv4(bswap<u32>(load<u32>(p + 12)));
          return;
        }
        i += bestLen;
        continue;
      }
      if (i > 0 && i != bestStart + bestLen) this.byte(0x3a);
      const g = (<u32>load<u8>(p + <usize>(i * 2)) << 8) | <u32>load<u8>(p + <usize>(i * 2 + 1));
      this.hexw(g, 1);
      i++;
    }
  }

  mac(p: usize): void {
    for (let i = 0; i < 6; i++) {
      if (i > 0) this.byte(0x3a);
      this.hexw(load<u8>(p + <usize>i), 2);
    }
  }

  /** Bytes from a packet, shown as text: printable ASCII kept, others escaped as Wireshark does. */
  printable(p: usize, n: i32): void {
    for (let i = 0; i < n; i++) {
      const c = <u32>load<u8>(p + <usize>i);
      if (c >= 0x20 && c < 0x7f) {
        if (c == 0x5c) this.str("\\\\");
        else this.byte(c);
      } else if (c == 0x0a) this.str("\\n");
      else if (c == 0x0d) this.str("\\r");
      else if (c == 0x09) this.str("\\t");
      else {
        this.str("\\x");
        this.hexw(c, 2);
      }
    }
  }

  /** Replaces this text with a copy of another's. */
  copyFrom(other: Text): void {
    this.len = 0;
    this.raw(other.ptr, other.len);
  }

  /** Raw bytes, copied as they are (for string values). */
  raw(p: usize, n: i32): void {
    let room = this.cap - this.len;
    if (n > room) n = room;
    if (n <= 0) return;
    memory.copy(this.ptr + <usize>this.len, p, <usize>n);
    this.len += n;
  }
}
