// DNS, mDNS, LLMNR, NBNS, DHCP and NTP fields compared with tshark (run live)
// on every corpus capture that holds those protocols.

import { describe, it, expect } from 'vitest';
import { join } from 'node:path';
import { loadEngine } from '../../src/lib/engine/node';
import { compareFields, tsharkAvailable, tsharkFields } from './tshark';
import { CORPUS, corpusAvailable } from './corpus';

const engine = await loadEngine();
const ready = tsharkAvailable() && corpusAvailable();

// Left out of the DNS list, on purpose:
// - dns.response_in, dns.response_to, dns.time, dns.unsolicited, dns.retransmission:
//   tshark's request/response matching across packets is not reproduced.
// - dns.opt.cookie.server and dns.nsec3.salt_value: tshark prints an empty
//   value (a client-only cookie, an unsalted NSEC3) as "<MISSING>", which a
//   bytes field of length zero cannot show.
// - dns.txt: tshark prints control characters inside TXT strings raw, the
//   engine's field output escapes them (none occur in the corpus, but the
//   field is kept out so the rule stays visible).
const DNS_FIELDS = [
  'dns.length', 'dns.id', 'dns.flags', 'dns.flags.response', 'dns.flags.opcode', 'dns.flags.authoritative',
  'dns.flags.truncated', 'dns.flags.recdesired', 'dns.flags.recavail', 'dns.flags.z', 'dns.flags.authenticated',
  'dns.flags.checkdisable', 'dns.flags.rcode', 'dns.flags.conflict', 'dns.flags.tentative',
  'dns.count.queries', 'dns.count.answers', 'dns.count.auth_rr', 'dns.count.add_rr',
  'dns.qry.name', 'dns.qry.name.len', 'dns.count.labels', 'dns.qry.type', 'dns.qry.class', 'dns.qry.qu',
  'dns.resp.name', 'dns.resp.type', 'dns.resp.class', 'dns.resp.cache_flush', 'dns.resp.ttl', 'dns.resp.len',
  'dns.a', 'dns.aaaa', 'dns.cname', 'dns.ns', 'dns.ptr.domain_name', 'dns.mx.preference', 'dns.mx.mail_exchange',
  'dns.txt.length', 'dns.soa.mname', 'dns.soa.rname', 'dns.soa.serial_number', 'dns.soa.refresh_interval',
  'dns.soa.minimum_ttl', 'dns.srv.service', 'dns.srv.proto', 'dns.srv.name', 'dns.srv.port', 'dns.srv.target',
  'dns.nsec.next_domain_name', 'dns.rrsig.type_covered', 'dns.rrsig.algorithm', 'dns.rrsig.original_ttl',
  'dns.rrsig.signature_expiration', 'dns.rrsig.key_tag', 'dns.rrsig.signers_name', 'dns.rrsig.signature',
  'dns.dnskey.flags', 'dns.dnskey.algorithm', 'dns.dnskey.key_id', 'dns.dnskey.public_key',
  'dns.ds.key_id', 'dns.ds.digest_type', 'dns.ds.digest', 'dns.nsec3.algo', 'dns.nsec3.iterations', 'dns.nsec3.salt_length',
  'dns.resp.ext_rcode', 'dns.resp.edns0_version', 'dns.resp.z', 'dns.resp.z.do',
  'dns.opt.code', 'dns.opt.len', 'dns.opt.data', 'dns.opt.client.family', 'dns.opt.client.netmask',
  'dns.opt.client.scope', 'dns.opt.client.addr4', 'dns.opt.client.addr6', 'dns.opt.cookie.client',
  'dns.opt.padding', 'dns.data', 'dns.extraneous.data',
];

// dns.rr.udp_payload_size is compared only outside mDNS: tshark registers an
// mDNS variant of the field in hexadecimal under the same name, while the
// engine declares each abbreviation once (in decimal, as for DNS).
const DNS_PLAIN_FIELDS = ['dns.rr.udp_payload_size'];

const NBNS_FIELDS = [
  'nbns.id', 'nbns.flags', 'nbns.flags.response', 'nbns.flags.opcode', 'nbns.flags.authoritative',
  'nbns.flags.truncated', 'nbns.flags.recdesired', 'nbns.flags.recavail', 'nbns.flags.broadcast', 'nbns.flags.rcode',
  'nbns.count.queries', 'nbns.count.answers', 'nbns.count.auth_rr', 'nbns.count.add_rr',
  'nbns.name', 'nbns.type', 'nbns.class', 'nbns.ttl', 'nbns.data_length', 'nbns.nb_flags', 'nbns.addr',
  'nbns.number_of_names', 'nbns.netbios_name', 'nbns.name_flags', 'nbns.unit_id',
];

// Left out: vendor-specific option contents (option 43, such as
// dhcp.option.vendor.arubaap.controllerip) and dhcp.secs_le, which the engine
// does not decode.
const DHCP_FIELDS = [
  'dhcp.type', 'dhcp.hw.type', 'dhcp.hw.len', 'dhcp.hops', 'dhcp.id', 'dhcp.secs', 'dhcp.flags', 'dhcp.flags.bc',
  'dhcp.flags.reserved', 'dhcp.ip.client', 'dhcp.ip.your', 'dhcp.ip.server', 'dhcp.ip.relay', 'dhcp.hw.mac_addr',
  'dhcp.hw.addr_padding', 'dhcp.server', 'dhcp.file', 'dhcp.cookie', 'dhcp.option.type', 'dhcp.option.length',
  'dhcp.option.value', 'dhcp.option.end', 'dhcp.option.padding', 'dhcp.option.dhcp', 'dhcp.option.subnet_mask',
  'dhcp.option.router', 'dhcp.option.time_server', 'dhcp.option.domain_name_server', 'dhcp.option.hostname',
  'dhcp.option.domain_name', 'dhcp.option.broadcast_address', 'dhcp.option.ntp_server',
  'dhcp.option.netbios_over_tcpip_name_server', 'dhcp.option.netbios_over_tcpip_node_type',
  'dhcp.option.requested_ip_address', 'dhcp.option.ip_address_lease_time', 'dhcp.option.dhcp_server_id',
  'dhcp.option.request_list_item', 'dhcp.option.message', 'dhcp.option.renewal_time_value',
  'dhcp.option.rebinding_time_value', 'dhcp.option.vendor_class_id', 'dhcp.option.bootfile_name',
];

// ntp.reftime/org/rec/xmt are compared as absolute times; tshark prints an
// all-zero NTP timestamp as "NULL", which an absolute time field cannot show
// (the corpus has none).
const NTP_FIELDS = [
  'ntp.flags', 'ntp.flags.li', 'ntp.flags.vn', 'ntp.flags.mode', 'ntp.stratum', 'ntp.ppoll', 'ntp.precision',
  'ntp.rootdelay', 'ntp.rootdispersion', 'ntp.refid', 'ntp.reftime', 'ntp.org', 'ntp.rec', 'ntp.xmt',
  'ntp.keyid', 'ntp.mac',
];

/** The protocols each capture is checked for, found with tshark -Y. */
const FILES: Record<string, string[]> = {
  'derived-zeek-dhcp-huge-caplen.pcap': ['dhcp'],
  'pcapngtg-be-test016.pcapng': ['dhcp'],
  'pcapngtg-le-test101.pcapng': ['dhcp'],
  'pcapngtg-le-test202.pcapng': ['dhcp'],
  'pcapplusplus-dns_over_tcp.pcapng': ['dns'],
  'pcapplusplus-many-protocols.pcap': ['dns'],
  'pcapplusplus-raw_ip.pcap': ['dns', 'dhcp'],
  'zeek-dhcp_dhcp.pcap': ['dhcp'],
  'zeek-dns-edns-ecs.pcap': ['dns'],
  'zeek-dns_dns-corrupt.pcap': ['dns'],
  'zeek-ipv6-hbh-routing0.pcap': ['dns'],
  'zeek-ntp_ntp.pcap': ['ntp'],
  'zeek-radiotap.pcap': ['dns', 'mdns'],
  'zeek-tunnels_gre-sample.pcap': ['dns', 'ntp'],
  'zeek-wikipedia.pcap': ['dns', 'mdns', 'llmnr', 'nbns'],
};

/**
 * Frames whose differences belong to other layers, not to these dissectors:
 * - DNS quoted inside ICMP errors: apps.ts hands no payload to the port
 *   dissectors inside an error, so the quoted DNS query is not dissected.
 * - TCP retransmissions: tshark does not dissect their payload again.
 */
function otherLayerFrames(file: string): Set<number> {
  const rows = tsharkFields(file, ['frame.number', 'icmp.type', 'tcp.analysis.retransmission']);
  const out = new Set<number>();
  for (const [frame, icmp, retrans] of rows) {
    if ((icmp && icmp !== '0' && icmp !== '8') || retrans) out.add(Number(frame));
  }
  return out;
}

function check(file: string, fields: string[]): string[] {
  const path = join(CORPUS, file);
  const skip = otherLayerFrames(path);
  return compareFields(engine, path, fields).filter((d) => {
    const m = /^frame (\d+) /.exec(d);
    return !(m && skip.has(Number(m[1])));
  });
}

describe.skipIf(!ready)('UDP services agree with tshark', () => {
  for (const [file, protocols] of Object.entries(FILES)) {
    describe(file, () => {
      if (protocols.some((p) => p === 'dns' || p === 'mdns' || p === 'llmnr')) {
        it('DNS, mDNS and LLMNR fields', () => {
          const fields = protocols.includes('mdns') ? DNS_FIELDS : [...DNS_FIELDS, ...DNS_PLAIN_FIELDS];
          expect(check(file, fields).slice(0, 30)).toEqual([]);
        });
      }
      if (protocols.includes('nbns')) {
        it('NBNS fields', () => {
          expect(check(file, NBNS_FIELDS).slice(0, 30)).toEqual([]);
        });
      }
      if (protocols.includes('dhcp')) {
        it('DHCP fields', () => {
          expect(check(file, DHCP_FIELDS).slice(0, 30)).toEqual([]);
        });
      }
      if (protocols.includes('ntp')) {
        it('NTP fields', () => {
          expect(check(file, NTP_FIELDS).slice(0, 30)).toEqual([]);
        });
      }
    });
  }
});
