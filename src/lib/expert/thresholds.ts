// Every threshold the detectors use, in one place, with the reason for its
// value. The README's "Expert findings and alerts" section lists the same
// numbers: change both together. They lean towards missing a slow or small
// attack rather than raising alerts on ordinary traffic.

export const THRESHOLDS = {
  /** Packet numbers listed per finding; packetCount still counts them all. */
  packetCap: 200,

  /**
   * Port scan: distinct ports of one host that one source tried and that
   * did not answer (no SYN+ACK for TCP; no datagram back for UDP), within
   * the window. Zeek's scan policy uses 15 ports in 5 minutes.
   */
  portScan: { minPorts: 15, windowSeconds: 300 },

  /**
   * Host sweep: distinct hosts one source tried on the same port (TCP,
   * UDP) or pinged (ICMP echo) without an answer (TCP, UDP) within the
   * window. Zeek's scan policy uses 25 hosts in 5 minutes.
   */
  hostSweep: { minHosts: 25, windowSeconds: 300 },

  /** Traceroute's UDP ports, which look like a port scan and are left out of it. */
  tracerouteUdpPorts: { low: 33434, high: 33534 },

  /**
   * FIN, NULL, Xmas and SYN+FIN probes from one source: no normal
   * connection sends these flag combinations, so a few are enough.
   */
  flagScan: { minProbes: 3 },

  /**
   * SYN flood: handshakes to one host and port that the client never
   * completed (a SYN with no ACK after it), within the window. Ordinary
   * servers see a handful; a flood sends thousands a second.
   */
  synFlood: { minIncomplete: 100, windowSeconds: 10 },

  /**
   * ICMP flood: echo requests to one host within the window, ten a second
   * sustained (ping sends one a second); or as many echo replies to a host
   * that sent fewer than a tenth as many requests (a smurf attack).
   */
  icmpFlood: { minMessages: 100, windowSeconds: 10 },

  /** ARP spoofing: distinct MAC addresses claiming one IPv4 address in ARP replies or announcements. */
  arpSpoof: { minMacs: 2 },

  /**
   * NXDOMAIN burst: "no such name" answers to one client within the
   * window; malware generating domain names (DGA) produces them by the dozen.
   */
  nxdomain: { minAnswers: 20, windowSeconds: 60 },

  /**
   * DNS tunnelling: queries under one domain whose names look like encoded
   * data. A name is suspicious when it is at least `longName` characters,
   * or has a label of at least `longLabel` characters, or the part before
   * its last two labels has at least `entropyMinChars` characters with a
   * Shannon entropy of at least `entropyBits` bits per character (random
   * base32 averages 4.0 over 24 characters and 4.6 over 60; long host names
   * made of words stay near 3.8; hex has at most 4, so hex-encoded data is
   * caught by its length). A finding needs `minQueries` such queries under
   * one domain.
   */
  dnsTunnel: { minQueries: 5, longName: 100, longLabel: 50, entropyMinChars: 24, entropyBits: 4.0 },

  /**
   * Unusual server port: a conversation answered by a server on a port
   * below 32768 that is not in the list of well-known services, carrying
   * at least `minPackets` packets or `minBytes` bytes.
   */
  unusualPort: { maxServerPort: 32767, minPackets: 20, minBytes: 10_000 },
} as const;
