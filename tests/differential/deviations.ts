// Where Packetlens knowingly differs from tshark 4.0 on the corpus, and why.
// The differential suites allow a mismatch only when it is listed here.

export interface Deviation {
  file: string;
  field: string;
  /** Frames concerned; all frames of the file when absent. */
  frames?: number[];
  reason: string;
}

export const FIELD_DEVIATIONS: Deviation[] = [
  {
    file: 'zeek-snmp_snmpv1_get.pcap',
    field: 'udp.stream',
    reason:
      "tshark's SNMP dissector registers a wildcard-port conversation for every request to port 161, so each reply starts a new udp.stream; Packetlens numbers UDP conversations by their addresses and ports only, as for every other protocol.",
  },
];

export function deviationFor(file: string, field: string, frame: number): Deviation | undefined {
  return FIELD_DEVIATIONS.find((d) => d.file === file && d.field === field && (!d.frames || d.frames.includes(frame)));
}
