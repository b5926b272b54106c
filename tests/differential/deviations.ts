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

/** Display filters that knowingly select other frames than tshark's, by file. */
export const FILTER_DEVIATIONS: { file: string; filter: string; reason: string }[] = [
  {
    file: 'zeek-snmp_snmpv1_get.pcap',
    filter: 'udp.stream in {0, 1, 2}',
    reason: 'udp.stream numbering differs for SNMP (see the udp.stream field deviation above).',
  },
  ...['pcapplusplus-pcapng-example.pcapng', 'derived-pcapplusplus-pcapng-example-cut-mid-block.pcapng'].flatMap((file) =>
    ['tls', 'tls.handshake.type == 1'].map((filter) => ({
      file,
      filter,
      reason: 'This TLS runs inside a MySQL connection (port 3306) after its SSL request; Packetlens has no MySQL dissector, so it does not see where TLS starts.',
    })),
  ),
  {
    file: 'pcapplusplus-pcapng-example.pcapng',
    filter: 'ssh',
    reason: 'Frames 94 and 101 are SSH on port 22 in a connection whose banners were not captured; Packetlens recognises SSH by its banner only.',
  },
  {
    file: 'pcapplusplus-pcapng-example.pcapng',
    filter: 'frame.time >= "2010-01-01 00:00:00"',
    reason:
      'Frames 60 to 159 have time stamps in the year 586524 (past what 64-bit nanoseconds hold). The index keeps no time for them, so the filter leaves them out as tshark does; the streaming pass compares their seconds and selects them.',
  },
  ...['http', 'http.response.code == 200'].map((filter) => ({
    file: 'pcapplusplus-many-protocols.pcap',
    filter,
    reason: 'tshark marks frame 2599 (FIN, PSH with 96 bytes) a TCP retransmission and does not dissect it; Packetlens finds its bytes not seen before and completes the HTTP response with them.',
  })),
  ...['tls', 'tls.record.version == 0x0303'].map((filter) => ({
    file: 'pcapplusplus-many-protocols.pcap',
    filter,
    reason: 'tshark marks frame 2507 (FIN, PSH with 27 bytes) a TCP retransmission and does not dissect it; Packetlens finds its bytes not seen before and dissects them as TLS.',
  })),
  ...['tls', 'tls.handshake.type == 1'].map((filter) => ({
    file: 'tcpdump-quic_retry.pcap',
    filter,
    reason: 'Frame 3 repeats the ClientHello after a Retry; the detail pass of one packet decrypts it, the pass over the file does not (as tshark). Listed in tests/unit/ondemand.test.ts too.',
  })),
];
