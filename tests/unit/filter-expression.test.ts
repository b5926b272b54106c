// "Apply as filter" on any field of the details pane must give a filter that
// compiles and selects the packet the field came from: checked for every
// field of every packet in captures with many protocols.

import { describe, it, expect } from 'vitest';
import { openSync, closeSync } from 'node:fs';
import { join } from 'node:path';
import { loadEngine, readCaptureFile, readPacketBytes } from '../../src/lib/engine/node';
import { rebuildForSync } from '../../src/lib/engine/rebuild';
import { compileFilter, evaluatePlan } from '../../src/lib/filter/compile';
import { NodeFields } from '../../src/lib/filter/packet-fields';
import { filterExpression, quote } from '../../src/lib/filter/expression';
import { FieldType } from '../../src/lib/engine/registry';
import { CORPUS } from '../differential/corpus';

const engine = await loadEngine();

const FILES = ['zeek-wikipedia.pcap', 'zeek-http_post.pcap', 'zeek-dns-edns-ecs.pcap', 'pcapplusplus-tls.pcap', 'zeek-dhcp_dhcp.pcap', 'zeek-ntp_ntp.pcap', 'zeek-icmp_icmp6-nd-options.pcap', 'tcpdump-quic_handshake.pcap', 'pcapplusplus-pcapng-example.pcapng', 'zeek-tunnels_vxlan.pcap'];

describe('a field applied as a filter selects its packet', () => {
  for (const file of FILES) {
    it(file, () => {
      const path = join(CORPUS, file);
      const index = readCaptureFile(engine, path);
      const fd = openSync(path, 'r');
      const failures: string[] = [];
      let checked = 0;
      try {
        const read = (p: number) => readPacketBytes(fd, index, p);
        for (let i = 0; i < Math.min(index.packetCount, 200); i++) {
          const detail = engine.dissect(index, i, read(i), rebuildForSync(index, i, read));
          const expressions = [...new Set(detail.nodes.filter((n) => !n.hidden).map((n) => filterExpression(n.field, n.value, n.display)))];
          const raw = engine.dissectNodes(index, i, read(i), rebuildForSync(index, i, read));
          for (const text of expressions) {
            checked++;
            try {
              const filter = compileFilter(text, engine.registry);
              const fields = new NodeFields(filter.fieldIds, engine.registry, raw, (s) => engine.sourceBytes(s), index.info.comments.get(i));
              if (!evaluatePlan(filter.plan, fields)) failures.push(`frame ${i + 1}: ${text} does not match`);
            } catch (e) {
              failures.push(`frame ${i + 1}: ${text}: ${(e as Error).message}`);
            }
          }
        }
      } finally {
        closeSync(fd);
      }
      expect(checked).toBeGreaterThan(index.packetCount);
      expect(failures.slice(0, 10)).toEqual([]);
    }, 60_000);
  }

  it('quotes strings so that the lexer reads them back', () => {
    expect(quote('a "b" \\ c\r\n')).toBe('"a \\"b\\" \\\\ c\\x0d\\x0a"');
    const field = engine.registry.get('http.host')!;
    expect(filterExpression(field, 'example.com', 'example.com')).toBe('http.host == "example.com"');
    expect(filterExpression(engine.registry.get('tcp')!, null, '')).toBe('tcp');
    expect(engine.registry.get('tcp')!.type).toBe(FieldType.PROTOCOL);
  });
});
