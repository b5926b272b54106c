// Value-name tables shared by several fields (see registry.valueStrings).

export const SET_NOT_SET = "1:Set|0:Not set";
export const YES_NO = "1:Yes|0:No";
export const CHECKSUM_STATUS = "0:Bad|1:Good|2:Unverified|3:Not present|4:Illegal";

export const ETHERTYPES =
  "0x0800:IPv4|0x86dd:IPv6|0x0806:ARP|0x8035:RARP|0x8100:802.1Q Virtual LAN|0x88a8:802.1ad Provider Bridge (Q-in-Q)|" +
  "0x9100:VLAN tag protocol identifier|0x8847:MPLS label switched packet|0x8848:MPLS multicast label switched packet|" +
  "0x8863:PPPoE Discovery|0x8864:PPPoE Session|0x880b:PPP|0x6558:Transparent Ethernet bridging|" +
  "0x88cc:802.1 Link Layer Discovery Protocol (LLDP)|0x888e:802.1X Authentication|0x88e5:802.1AE (MACsec)|" +
  "0x88f7:PTPv2 over Ethernet (IEEE1588)|0x8906:Fibre Channel over Ethernet|0x8914:FCoE Initialization Protocol|" +
  "0x0842:Wake on LAN|0x22f0:IEEE 1722 Audio Video Bridging Transport Protocol|0x88be:ERSPAN|0x894f:Network Service Header";

export const IP_PROTOCOLS =
  "0:IPv6 Hop-by-Hop Option|1:ICMP|2:IGMP|4:IPIP|6:TCP|8:EGP|17:UDP|27:RDP|33:DCCP|41:IPv6|43:IPv6 Routing|44:IPv6 Fragment|" +
  "46:RSVP|47:GRE|50:ESP|51:AH|58:ICMPv6|59:IPv6 No Next Header|60:IPv6 Destination Options|88:EIGRP|89:OSPF IGP|" +
  "103:PIM|108:IPComp|112:VRRP|115:L2TP|132:SCTP|135:Mobility Header|136:UDPLite|137:MPLS in IP";
