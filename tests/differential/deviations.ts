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
  ...['tls', 'tls.handshake.type == 1'].map((filter) => ({
    file: 'tcpdump-quic_retry.pcap',
    filter,
    reason: 'Frame 3 repeats the ClientHello after a Retry; the detail pass of one packet decrypts it, the pass over the file does not (as tshark). Listed in tests/unit/ondemand.test.ts too.',
  })),
];

/**
 * TCP sequence analysis (tests/differential/tcp-analysis.test.ts): cells of
 * tcp.analysis.* fields, or frames of the Info column's analysis prefix and
 * TCP summary, that knowingly differ from tshark 4.0.
 */
export const TCP_ANALYSIS_DEVIATIONS: Deviation[] = [
  {
    file: 'tcpdump-timestamp_invalid_micro.pcap',
    field: 'tcp.analysis.ack_rtt',
    frames: [3],
    reason:
      'Frame 2 has a microsecond field of 1,000,000. tshark subtracts the unnormalised time stamps and prints "-0.1000000000"; Packetlens keeps time stamps normalised in the index and prints the same span as "-1.000000000" (see frame.time_epoch in ondemand.test.ts).',
  },
];

export function tcpAnalysisDeviation(file: string, field: string, frame: number): Deviation | undefined {
  return TCP_ANALYSIS_DEVIATIONS.find((d) => d.file === file && d.field === field && (!d.frames || d.frames.includes(frame)));
}

/** Streams whose follow output (tests/differential/follow.test.ts) knowingly differs from tshark 4.0's. */
export const FOLLOW_DEVIATIONS: { file: string; protocol: 'tcp' | 'udp'; stream?: number; reason: string }[] = [
  {
    file: 'zeek-snmp_snmpv1_get.pcap',
    protocol: 'udp',
    reason: 'udp.stream numbers differ (see the udp.stream field deviation): the same data is followed under other stream numbers.',
  },
  {
    file: 'zeek-ipv6-hbh-routing0.pcap',
    protocol: 'udp',
    stream: 0,
    reason:
      "The packet has a type 0 routing header: tshark's Destination (and so follow's Node 1) is the routing header's last address, 2001:78:1:32::2; Packetlens's Destination column, which follow uses, is the IPv6 header's destination. The data agrees.",
  },
];

/** The statistics stats.test.ts compares, as tshark names them. */
export type StatName = 'conv,eth' | 'conv,ip' | 'conv,ipv6' | 'conv,tcp' | 'conv,udp' | 'endpoints,ip' | 'io,phs' | 'plen';

/**
 * Rows of statistics that knowingly differ from tshark's, by file and
 * statistic. `rows` matches the row's key (a conversation's "A:port B:port",
 * an endpoint's address, a protocol path such as "eth/ip/tcp/data"); all
 * rows of the statistic when absent. `times` limits it to the relative start
 * and duration of conversations.
 */
export interface StatsDeviation {
  file: string;
  stat: StatName;
  rows?: RegExp;
  times?: boolean;
  reason: string;
}

/** Protocol hierarchy rows where tshark has a dissector Packetlens lacks (Packetlens shows the bytes as data, or under the protocol above). */
const missingDissector = (file: string, protocols: string[], shownAs = ['data']): StatsDeviation => ({
  file,
  stat: 'io,phs',
  rows: new RegExp(`(^|/)(${[...protocols, ...shownAs].map((p) => p.replace(/\./g, '\\.')).join('|')})(/|$)`),
  reason: `tshark dissects ${protocols.join(', ')}, which Packetlens does not: it shows ${shownAs.join(', ')} there instead.`,
});

/** tshark dissects HTTP bodies by media type, as layers after HTTP, and puts "tcp.segments" after them. */
const HTTP_BODIES = ['data-text-lines', 'media', 'image-gif', 'image-jfif', 'png', 'xml', 'json', 'ocsp', 'urlencoded-form'];
const httpBodies = (file: string): StatsDeviation => ({
  file,
  stat: 'io,phs',
  rows: new RegExp(`/http/(${HTTP_BODIES.join('|')}|tcp\\.segments)(/|$)`),
  reason:
    'tshark dissects an HTTP body by its media type (data-text-lines, image-jfif, json ...) as a layer after HTTP, and shows the reassembled segments after that layer; Packetlens shows the body inside HTTP, so "tcp.segments" comes right after "http".',
});

export const STATS_DEVIATIONS: StatsDeviation[] = [
  ...['conv,ip', 'conv,ipv6', 'conv,tcp'].map((stat) => ({
    file: 'pcapplusplus-pcapng-example.pcapng',
    stat: stat as StatName,
    times: true,
    reason:
      "Frames 60 to 159 have time stamps in the year 586524, past what 64-bit nanoseconds hold: tshark's relative start times overflow (18445321545205 s) and its durations lose precision; Packetlens keeps no time for those frames, so it counts them at the epoch (a relative start of -1422528504 s).",
  })),
  {
    file: 'pcapplusplus-pcapng-example.pcapng',
    stat: 'io,phs',
    rows: /(^|\/)(data|mysql|tls|x11|ssh|_ws\.short)(\/|$)/,
    reason:
      "Packetlens has no MySQL or X11 dissector (their bytes are data), so it sees neither the TLS inside MySQL nor the X11 requests; the SSH of frames 94 and 101 has no banner in the capture, and Packetlens recognises SSH by its banner. tshark's X11 and HTTP dissectors read past the packets the snapshot length cut (_ws.short); Packetlens stops at the captured bytes without reading past them.",
  },
  {
    file: 'derived-pcapplusplus-pcapng-example-cut-mid-block.pcapng',
    stat: 'io,phs',
    rows: /(^|\/)(data|mysql|tls)(\/|$)/,
    reason: 'Packetlens has no MySQL dissector: its bytes are data, and the TLS that runs inside the MySQL connection is not seen (as in pcapplusplus-pcapng-example.pcapng).',
  },
  missingDissector('derived-tcpdump-pptp-cut-in-record-header.pcap', ['pptp']),
  missingDissector('tcpdump-pptp.pcap', ['pptp']),
  missingDissector('pcapplusplus-one_tcp_stream_fin_rst_close_packet.pcap', ['mysql']),
  missingDissector('tcpdump-isup.pcap', ['m3ua'], []),
  missingDissector('zeek-snmp_snmpv1_get.pcap', ['snmp']),
  missingDissector('zeek-tcp-syslog.pcap', ['rsh']),
  ...['pcapngtg-le-test101.pcapng', 'pcapngtg-le-test202.pcapng'].map((file) => ({
    file,
    stat: 'io,phs' as StatName,
    rows: /(^|\/)(data|db-lsp-disc|_ws\.short)(\/|$)/,
    reason:
      "tshark dissects Dropbox LAN sync discovery (db-lsp-disc), which Packetlens shows as data. The DHCP packets are cut by the snapshot length: tshark's DHCP dissector reads past the captured bytes (_ws.short); Packetlens's shows the options it has and stops there.",
  })),
  {
    file: 'pcapplusplus-MplsPackets.pcap',
    stat: 'io,phs',
    rows: /\/pweth/,
    reason: 'tshark puts a "pweth.cw" item (the pseudowire control word) at the top level of its tree, before the pwethcw layer; Packetlens has the control word inside pwethcw.',
  },
  httpBodies('pcapplusplus-many-protocols.pcap'),
  {
    file: 'pcapplusplus-many-protocols.pcap',
    stat: 'io,phs',
    rows: /(^|\/)(data|_ws\.malformed|rip|dhcpv6)(\/|$)/,
    reason:
      'The 86 TCP keep-alive segments carry one byte already sent: tshark shows it as data (and, for 17 of them, a reassembly error as a malformed packet); Packetlens does not dissect bytes already seen. tshark dissects RIP and DHCPv6, which Packetlens shows as data.',
  },
  httpBodies('pcapplusplus-raw_ip.pcap'),
  {
    file: 'pcapplusplus-raw_ip.pcap',
    stat: 'io,phs',
    rows: /^raw\/ip\/tcp\/data$/,
    reason: 'Frame 66 carries one byte below the sequence already acknowledged; tshark shows no data for it, Packetlens shows the byte as data.',
  },
  httpBodies('zeek-http_get.pcap'),
  httpBodies('zeek-http_post.pcap'),
  {
    file: 'zeek-icmp_icmp6-mldv2.pcap',
    stat: 'io,phs',
    rows: /_ws\.malformed$/,
    reason: "tshark finds two MLDv2 reports malformed (their records run past the payload length); Packetlens's ICMPv6 dissector reads past the end of one of them only.",
  },
  {
    file: 'zeek-ipv6-hbh-routing0.pcap',
    stat: 'conv,udp',
    reason:
      "The packet has a type 0 routing header: tshark's UDP conversation takes the routing header's last address, 2001:78:1:32::2, as its destination; Packetlens takes the IPv6 header's destination, as its Destination column (see FOLLOW_DEVIATIONS).",
  },
  {
    file: 'zeek-ipv6-hbh-routing0.pcap',
    stat: 'io,phs',
    rows: /_ws\.malformed$/,
    reason: "tshark's UDP dissector finds the datagram malformed (its checksum needs the routing header's final destination); Packetlens reads it whole.",
  },
  {
    file: 'zeek-radiotap.pcap',
    stat: 'io,phs',
    rows: /^radiotap\/(wlan|wlan_radio)(\/|$)/,
    reason: 'tshark adds a "wlan_radio" layer (802.11 radio information gathered from the radiotap header) between radiotap and wlan; Packetlens shows that information in the radiotap layer.',
  },
  {
    file: 'zeek-snmp_snmpv1_get.pcap',
    stat: 'conv,udp',
    reason: "udp.stream numbering differs for SNMP (see the udp.stream field deviation): tshark's UDP conversations are per udp.stream, so each request and its reply are two conversations there, one here.",
  },
  {
    file: 'zeek-tunnels_gre-sample.pcap',
    stat: 'io,phs',
    rows: /\/icmp\/dns$/,
    reason:
      "Frames 34 and 36 are ICMP port unreachable errors quoting a DNS query: tshark puts the quoted packet's DNS at the top level of its tree (so icmp/dns), though its IP and UDP are inside ICMP; Packetlens keeps the whole quoted packet inside ICMP.",
  },
];

export function statsDeviation(file: string, stat: StatName, key: string, difference: string): StatsDeviation | undefined {
  return STATS_DEVIATIONS.find((d) => d.file === file && d.stat === stat && (!d.rows || d.rows.test(key)) && (!d.times || / time: /.test(difference)));
}
