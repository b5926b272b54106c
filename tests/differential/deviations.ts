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

/** Differences from capinfos, by file and column. */
export const INFO_DEVIATIONS: { file: string; column: string; reason: string }[] = [
  ...['start', 'end', 'duration', 'byteRate'].map((column) => ({
    file: 'pcapplusplus-pcapng-example.pcapng',
    column,
    reason:
      "capinfos 4.0 reports start and end times in the year 586524 for this file, whose two interfaces have different time stamp resolutions; tshark's frame.time_epoch and Packetlens agree on every packet's time, and Packetlens reports the first and last of those.",
  })),
  {
    file: 'tcpdump-timestamp_invalid_micro.pcap',
    column: 'end',
    reason:
      'The last record has a microsecond field of 1,000,000; capinfos prints it as it is ("17:16:10.1000000"), Packetlens normalises it to the next second ("17:16:11.000000"). Field output (frame.time_epoch) keeps the unnormalised form, as tshark does.',
  },
];
