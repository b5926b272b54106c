// Names of link types (LINKTYPE_ values): a long name for people and the
// short name capinfos uses.

const LINK_TYPES: Record<number, [string, string]> = {
  0: ['BSD loopback', 'null'],
  1: ['Ethernet', 'ether'],
  9: ['PPP', 'ppp'],
  12: ['Raw IP', 'rawip'],
  14: ['Raw IP', 'rawip'],
  50: ['PPP in HDLC-like framing', 'ppp'],
  101: ['Raw IP', 'rawip'],
  105: ['IEEE 802.11 Wireless LAN', 'ieee-802-11'],
  108: ['OpenBSD loopback', 'loop'],
  113: ['Linux cooked-mode capture v1', 'linux-sll'],
  127: ['IEEE 802.11 plus radiotap radio header', 'ieee-802-11-radiotap'],
  228: ['Raw IPv4', 'rawip4'],
  229: ['Raw IPv6', 'rawip6'],
  276: ['Linux cooked-mode capture v2', 'linux-sll2'],
};

export function linkTypeName(linkType: number): string {
  return LINK_TYPES[linkType]?.[0] ?? `link type ${linkType}`;
}

export function linkTypeShortName(linkType: number): string {
  return LINK_TYPES[linkType]?.[1] ?? `linktype-${linkType}`;
}

/** Whether the engine has a dissector for this link type. */
export function isSupportedLinkType(linkType: number): boolean {
  return linkType in LINK_TYPES;
}
