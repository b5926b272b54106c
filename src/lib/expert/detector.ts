// The shape of a detector, and the one way findings are made.

import type { ExpertContext } from './context';
import type { PacketRefs } from './packets';
import type { Category, DetailValue, Finding, Severity } from './types';

export interface Detector {
  /** Prefix of its findings' ids ("scan.ports"). */
  id: string;
  /** For progress ("Port scans"). */
  name: string;
  run(ctx: ExpertContext): Promise<Finding[]>;
}

export interface FindingParts {
  id: string;
  severity: Severity;
  category: Category;
  protocol: string;
  title: string;
  rule: string;
  packets: PacketRefs;
  details?: Record<string, DetailValue>;
}

export function makeFinding(p: FindingParts): Finding {
  const { packets, packetCount } = p.packets.frames();
  return {
    id: p.id,
    severity: p.severity,
    category: p.category,
    protocol: p.protocol,
    title: p.title,
    rule: p.rule,
    packets,
    packetCount,
    details: p.details ?? {},
  };
}

/** "1 packet", "3 packets". */
export function plural(n: number, word: string, many = word + 's'): string {
  return `${n} ${n === 1 ? word : many}`;
}
