// Per-packet facts gathered while dissecting, that end up in the summary
// columns (like Wireshark's packet_info). Dissectors write them through the
// setters; the summary pass reads them after each packet.

/** Kinds of address held in the Source and Destination columns. */
export const enum AddrKind {
  NONE = 0,
  IPV4 = 1,
  IPV6 = 2,
  MAC = 3,
}

export class PacketInfo {
  /** Kind of the address columns. */
  addrKind: AddrKind = AddrKind.NONE;
  /** IPv4 addresses, when addrKind is IPV4. */
  src4: u32 = 0;
  dst4: u32 = 0;
  /** Pointers to the addresses (16 bytes for IPv6, 6 for MAC) for interning. */
  srcPtr: usize = 0;
  dstPtr: usize = 0;
  /** IP protocol number of the outermost transport layer (ip.proto / ipv6.nxt). */
  ipProto: i32 = -1;
  srcPort: u32 = 0;
  dstPort: u32 = 0;
  /** TCP flags; or ICMP type << 8 | code; or ARP opcode. */
  aux: u32 = 0;
  /** The Protocol column: a column protocol id (see registry.columnProtocol). */
  colProto: u8 = 0;
  /** tcp.stream or udp.stream of the transport in the summary; -1 when none. */
  stream: i32 = -1;
  /** Inside the quoted packet of an ICMP error: columns are not updated. */
  inError: bool = false;
  /** A fragment of a datagram not reassembled here. */
  fragmented: bool = false;
  /** Captured less than the packet said (snaplen, truncated header): for expert info later. */
  malformed: bool = false;
  /**
   * The summary columns do not tell this packet's fields exactly: several IP
   * layers (a tunnel, a packet quoted in an ICMP error), a fragment, or a
   * network or transport header cut short. Filters dissect such packets.
   */
  complex: bool = false;
  /**
   * A shim between the link and network layers (802.1Q, MPLS, PPPoE, PPP,
   * LLC): filters on those protocols dissect only packets that have one.
   */
  shimmed: bool = false;
  /**
   * An application message starts in this segment and goes on in later
   * ones: the columns are exact, but the Protocol column may not show the
   * application protocol its tree holds. Filters on those protocols dissect it.
   */
  appPending: bool = false;
  /** IP layers dissected so far in this packet. */
  ipLayers: i32 = 0;

  reset(): void {
    this.addrKind = AddrKind.NONE;
    this.src4 = 0;
    this.dst4 = 0;
    this.srcPtr = 0;
    this.dstPtr = 0;
    this.ipProto = -1;
    this.srcPort = 0;
    this.dstPort = 0;
    this.aux = 0;
    this.colProto = 0;
    this.stream = -1;
    this.inError = false;
    this.fragmented = false;
    this.malformed = false;
    this.complex = false;
    this.shimmed = false;
    this.appPending = false;
    this.ipLayers = 0;
  }
}

export const pinfo = new PacketInfo();

/** The frame being dissected: set by the reader or the caller of the detail pass. */
export class FrameContext {
  number: u32 = 0;
  /** The record carries a time stamp (pcapng simple packets and custom blocks do not). */
  hasTime: bool = true;
  /** The time stamp as the file gives it: seconds and nanoseconds (not normalised, as tshark shows it). */
  sec: i64 = 0;
  nsec: u32 = 0;
  /** Normalised nanoseconds since the epoch. */
  tsNs: i64 = 0;
  firstTsNs: i64 = 0;
  /** The interface's number within its pcapng section (frame.interface_id). */
  ifaceLocal: i32 = -1;
  prevTsNs: i64 = 0;
  capLen: i32 = 0;
  origLen: i32 = 0;
  iface: i32 = 0;
  /** pcapng records name their interface; classic pcap records do not (tshark shows no interface id). */
  showInterface: bool = false;
  linkType: i32 = 0;
  /** Stream index from the summary, used by the detail pass when flows are not tracked. */
  stream: i32 = -1;
  /** Update the flow table (summary pass) or only look it up (detail pass on demand). */
  track: bool = true;
}

export const frame = new FrameContext();
