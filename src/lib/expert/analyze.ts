// The expert analysis of a capture: every detector run over the selected
// packets, their findings sorted most serious first.

import type { CaptureIndex, Engine } from '../engine/engine';
import type { ReadPackets } from '../filter/evaluate';
import { arpSpoofDetector } from './arp-spoof';
import { cleartextLoginDetector } from './cleartext-logins';
import { commentsDetector } from './comments';
import { ExpertContext } from './context';
import type { Detector } from './detector';
import { dnsTunnelDetector } from './dns-tunnel';
import { nxdomainDetector } from './dns-nxdomain';
import { flagScanDetector } from './flag-scan';
import { hostSweepDetector } from './host-sweep';
import { httpCredentialsDetector } from './http-credentials';
import { icmpFloodDetector } from './icmp-flood';
import { malformedDetector } from './malformed';
import { portScanDetector } from './port-scan';
import { synFloodDetector } from './syn-flood';
import { tcpAnalysisDetector } from './tcp-analysis';
import { tcpEventsDetector } from './tcp-events';
import { SEVERITIES, type Category, type ExpertProgress, type ExpertReport, type Finding } from './types';
import { unusualPortDetector } from './unusual-ports';

export const DETECTORS: readonly Detector[] = [
  malformedDetector,
  tcpAnalysisDetector,
  tcpEventsDetector,
  portScanDetector,
  hostSweepDetector,
  flagScanDetector,
  synFloodDetector,
  icmpFloodDetector,
  arpSpoofDetector,
  nxdomainDetector,
  dnsTunnelDetector,
  httpCredentialsDetector,
  cleartextLoginDetector,
  unusualPortDetector,
  commentsDetector,
];

export interface ExpertOptions {
  onProgress?: (p: ExpertProgress) => void;
  /** Checked between batches of dissected packets: true ends the analysis early, with what was found. */
  shouldStop?: () => boolean;
  /** Ids of the detectors to run (DETECTORS[].id); all by default. */
  detectors?: readonly string[];
}

const CATEGORY_ORDER: readonly Category[] = ['malformed', 'security', 'protocol', 'sequence', 'comment'];

/**
 * Expert findings for a capture: malformed packets, TCP analysis and
 * connection events, and the security detectors. `read` gives packets'
 * captured bytes (as for runFilter); `selection`, a display filter's
 * matches (1 per packet), limits the packets that raise findings (what is
 * known about their conversations still comes from the whole capture).
 */
export async function expertFindings(
  index: CaptureIndex,
  engine: Engine,
  read: ReadPackets,
  selection: Uint8Array | null = null,
  options: ExpertOptions = {},
): Promise<ExpertReport> {
  const started = performance.now();
  const stop = options.shouldStop ?? (() => false);
  const ctx = new ExpertContext(index, engine, read, selection, stop);
  const detectors = options.detectors ? DETECTORS.filter((d) => options.detectors!.includes(d.id)) : DETECTORS;
  const findings: Finding[] = [];
  for (let k = 0; k < detectors.length; k++) {
    if (stop()) break;
    const d = detectors[k]!;
    options.onProgress?.({ stage: d.name, done: k, total: detectors.length });
    findings.push(...(await d.run(ctx)));
  }
  options.onProgress?.({ stage: 'done', done: detectors.length, total: detectors.length });
  return {
    findings: sortFindings(findings),
    packetsAnalysed: ctx.selectedCount,
    dissected: ctx.dissector.dissected,
    unavailableFields: [...ctx.dissector.unavailable].sort(),
    milliseconds: performance.now() - started,
  };
}

/** Most serious first; within a severity, by group, then the most packets first. */
export function sortFindings(findings: Finding[]): Finding[] {
  const rank = (f: Finding) => SEVERITIES.indexOf(f.severity) * 10 + CATEGORY_ORDER.indexOf(f.category);
  return [...findings].sort((a, b) => rank(a) - rank(b) || b.packetCount - a.packetCount || a.title.localeCompare(b.title));
}
