// What the expert analysis reports: findings in the shape of Wireshark's
// expert info (a severity, a group, a summary and the packets it concerns),
// extended with the rule that raised each one.

/** How serious a finding is, from Wireshark's expert levels (most serious first). */
export type Severity = 'error' | 'warning' | 'note' | 'chat';

export const SEVERITIES: readonly Severity[] = ['error', 'warning', 'note', 'chat'];

/**
 * The group a finding belongs to, after Wireshark's expert groups:
 * malformed (packets cut short or impossible headers), sequence (TCP
 * analysis and connection events), protocol (a protocol used in a way it
 * should not be), security (attacks, scans and exposed secrets), comment
 * (comments written in the capture file).
 */
export type Category = 'malformed' | 'sequence' | 'protocol' | 'security' | 'comment';

/** A detail value: shown as "name: value"; a list as one item a line. */
export type DetailValue = string | number | string[];

export interface Finding {
  /** Stable for a given capture: the detector's id and what it is about ("scan.ports:10.0.0.5>10.0.0.9"). */
  id: string;
  severity: Severity;
  category: Category;
  /** The protocol it concerns, as the Protocol column names it ("TCP", "DNS"). */
  protocol: string;
  /** One line saying what was found ("Port scan from 10.0.0.66 to 10.0.0.10: 40 ports"). */
  title: string;
  /** The rule that raised it, with its thresholds, in plain words. */
  rule: string;
  /** Frame numbers (1-based, as the packet list numbers them) of the packets that raised it, in order; at most `packetCap`. */
  packets: number[];
  /** How many packets raised it in all (packets holds the first of them). */
  packetCount: number;
  /** What a person needs to judge it: addresses, ports, counts, names. */
  details: Record<string, DetailValue>;
}

export interface ExpertReport {
  findings: Finding[];
  /** Packets the analysis looked at (the selection, or the whole capture). */
  packetsAnalysed: number;
  /** Packets that had to be dissected (the columns could not answer for them). */
  dissected: number;
  /** Fields the analysis would read that this engine does not have yet (their findings are simply absent). */
  unavailableFields: string[];
  milliseconds: number;
}

export interface ExpertProgress {
  /** The detector running ("DNS anomalies"). */
  stage: string;
  /** Detectors done, of how many. */
  done: number;
  total: number;
}
