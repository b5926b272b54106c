// Captures made for the browser tests: hostile text in every place a
// packet can carry it.

import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Bytes, pcap } from '../unit/builder';

const PAYLOADS = ['<script>window.__pwned = 1</script>', '<img src=x onerror="window.__pwned = 2">', '"><svg onload="window.__pwned=3">'];

function ipv4Udp(src: number[], dst: number[], sport: number, dport: number, payload: Uint8Array): Uint8Array {
  return ethIpv4(17, src, dst, new Bytes(true).u16(sport).u16(dport).u16(8 + payload.length).u16(0).bytes(payload).build());
}

function ipv4Tcp(src: number[], dst: number[], sport: number, dport: number, seq: number, flags: number, payload: Uint8Array): Uint8Array {
  const tcp = new Bytes(true).u16(sport).u16(dport).u32(seq).u32(1).u8(0x50).u8(flags).u16(65535).u16(0).u16(0).bytes(payload).build();
  return ethIpv4(6, src, dst, tcp);
}

function ethIpv4(proto: number, src: number[], dst: number[], l4: Uint8Array): Uint8Array {
  return new Bytes(true)
    .bytes([0, 1, 2, 3, 4, 5])
    .bytes([6, 7, 8, 9, 10, 11])
    .u16(0x0800)
    .u8(0x45)
    .u8(0)
    .u16(20 + l4.length)
    .u16(1)
    .u16(0)
    .u8(64)
    .u8(proto)
    .u16(0)
    .bytes(src)
    .bytes(dst)
    .bytes(l4)
    .build();
}

/** A DNS query whose name is `name`, label by label (any bytes a label can hold). */
function dnsQuery(name: string): Uint8Array {
  const b = new Bytes(true).u16(0x1234).u16(0x0100).u16(1).u16(0).u16(0).u16(0);
  for (const label of name.split('.')) {
    const bytes = new TextEncoder().encode(label).slice(0, 63);
    b.u8(bytes.length).bytes(bytes);
  }
  return b.u8(0).u16(1).u16(1).build();
}

/** A capture whose DNS names, HTTP host and URI carry HTML and script. */
export function hostileCapture(): string {
  const frames: Uint8Array[] = [];
  for (const p of PAYLOADS) frames.push(ipv4Udp([10, 0, 0, 1], [10, 0, 0, 53], 40000, 53, dnsQuery(`${p}.example.com`)));
  const uri = encodeURI('/') + PAYLOADS[0];
  const request = new TextEncoder().encode(`GET ${uri} HTTP/1.1\r\nHost: ${PAYLOADS[1]}\r\nUser-Agent: ${PAYLOADS[2]}\r\n\r\n`);
  frames.push(ipv4Tcp([10, 0, 0, 1], [10, 0, 0, 80], 40001, 80, 1000, 0x18, request));
  const dir = mkdtempSync(join(tmpdir(), 'packetlens-e2e-'));
  const path = join(dir, '<img src=x onerror=alert(9)>.pcap');
  writeFileSync(path, pcap(frames.map((data, i) => ({ sec: 1_700_000_000 + i, frac: 0, data }))));
  return path;
}
