// The addresses of the innermost network layer dissected so far, for the
// transport layers' conversations (set even inside ICMP error quotes, where
// the summary columns are not).

export class NetLayer {
  /** Pointers to the source and destination addresses in the current source. */
  src: usize = 0;
  dst: usize = 0;
  /** 4 for IPv4, 16 for IPv6, 0 when no network layer. */
  alen: i32 = 0;
  /** Reported length of the network payload, for transport length checks. */
  payloadLen: i32 = 0;
  /** The current datagram is a fragment that was not reassembled. */
  fragment: bool = false;
  /** How many IP layers deep we are (tunnels), to bound recursion. */
  depth: i32 = 0;
}

export const net = new NetLayer();
