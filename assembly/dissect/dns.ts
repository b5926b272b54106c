// The Domain Name System, and the two protocols that reuse its message
// format: Multicast DNS (mDNS, UDP 5353) and Link-local Multicast Name
// Resolution (LLMNR, UDP 5355). As in tshark, all three share the dns.*
// fields; only the protocol node and the Protocol column differ.
//
// Names are decoded as Wireshark's expand_dns_name does: labels, compression
// pointers (at most 256 per name, with the same loop and length rules), the
// RFC 2673 bit-string label, and the same texts for broken names ("<Root>",
// "<Name too long>", "<Name contains a pointer that loops>"). Every byte is
// read through the tree's checked readers, and a name walk has a fixed
// budget of steps, so a hostile message can neither loop nor read outside
// the packet.

import { field, protocol, columnProtocol, columnCarries, FT, BASE } from "../core/registry";
import * as t from "../core/tree";
import { pinfo } from "../core/pinfo";
import { Text } from "../core/text";
import { needMore, UNTIL_MORE_DATA } from "./desegment";

export const DNS_UDP: i32 = 0;
export const DNS_TCP: i32 = 1;
export const MDNS: i32 = 2;
export const LLMNR: i32 = 3;

export const HF_DNS = protocol("dns", "Domain Name System", "DNS turns names such as www.example.com into addresses and other records; a client asks a question and a server answers with resource records.");
const HF_MDNS = protocol("mdns", "Multicast Domain Name System", "mDNS: DNS questions and answers multicast on the local network (UDP port 5353), so devices can find each other's names and services without a DNS server.");
const HF_LLMNR = protocol("llmnr", "Link-local Multicast Name Resolution", "LLMNR: Windows' way to ask the local network for a name no DNS server knows, in DNS message format on UDP port 5355.");
const COL_DNS = columnProtocol("DNS", HF_DNS);
const COL_MDNS = columnProtocol("MDNS", HF_MDNS);
const COL_LLMNR = columnProtocol("LLMNR", HF_LLMNR);
columnCarries(COL_MDNS, HF_DNS);
columnCarries(COL_LLMNR, HF_DNS);

const HF_LENGTH = field("dns.length", "Length", FT.UINT16, BASE.DEC, "Over TCP, each DNS message is preceded by its length in bytes.");
export const HF_ID = field("dns.id", "Transaction ID", FT.UINT16, BASE.HEX, "A number chosen by the client and copied into the answer, so the client can match answers to questions.");
const HF_FLAGS = field("dns.flags", "Flags", FT.UINT16, BASE.HEX, "The header's flag bits: query or response, operation, and the answer's status.");
const HF_F_RESPONSE = field("dns.flags.response", "Response", FT.BOOLEAN, BASE.NONE, "Set in answers, clear in questions.", 0x8000);
const HF_F_OPCODE = field("dns.flags.opcode", "Opcode", FT.UINT16, BASE.DEC, "The kind of request: 0 a standard query, 4 a notify, 5 a dynamic update.", 0x7800);
const HF_F_AUTHORITATIVE = field("dns.flags.authoritative", "Authoritative", FT.BOOLEAN, BASE.NONE, "Set when the answering server is itself responsible for the name, not repeating a cached answer.", 0x400);
const HF_F_CONFLICT = field("dns.flags.conflict", "Conflict", FT.BOOLEAN, BASE.NONE, "LLMNR: the name is claimed by more than one host.", 0x400);
const HF_F_TRUNCATED = field("dns.flags.truncated", "Truncated", FT.BOOLEAN, BASE.NONE, "Set when the answer did not fit and was cut; the client should ask again over TCP.", 0x200);
const HF_F_RECDESIRED = field("dns.flags.recdesired", "Recursion desired", FT.BOOLEAN, BASE.NONE, "The client asks the server to find the answer for it, asking other servers if needed.", 0x100);
const HF_F_TENTATIVE = field("dns.flags.tentative", "Tentative", FT.BOOLEAN, BASE.NONE, "LLMNR: the responder has not finished checking that the name is unique.", 0x100);
const HF_F_RECAVAIL = field("dns.flags.recavail", "Recursion available", FT.BOOLEAN, BASE.NONE, "The server says it is willing to look names up on a client's behalf.", 0x80);
const HF_F_Z = field("dns.flags.z", "Z", FT.BOOLEAN, BASE.NONE, "A reserved bit that should be zero.", 0x40);
const HF_F_AUTHENTICATED = field("dns.flags.authenticated", "Answer authenticated", FT.BOOLEAN, BASE.NONE, "The AD bit: the server checked the answer's DNSSEC signatures (in a question, the client wants to know whether it did).", 0x20);
const HF_F_CHECKDISABLE = field("dns.flags.checkdisable", "Non-authenticated data", FT.BOOLEAN, BASE.NONE, "The CD bit: the client accepts answers whose DNSSEC signatures were not checked.", 0x10);
const HF_F_RCODE = field("dns.flags.rcode", "Reply code", FT.UINT16, BASE.DEC, "The outcome: 0 no error, 2 server failure, 3 no such name, 5 refused.", 0xf);
const HF_COUNT_QUERIES = field("dns.count.queries", "Questions", FT.UINT16, BASE.DEC, "How many questions the message carries (almost always 1).");
const HF_COUNT_ZONES = field("dns.count.zones", "Zones", FT.UINT16, BASE.DEC, "In a dynamic update, how many zones are named (the question section).");
const HF_COUNT_ANSWERS = field("dns.count.answers", "Answer RRs", FT.UINT16, BASE.DEC, "How many records answer the question.");
const HF_COUNT_PREREQ = field("dns.count.prerequisites", "Prerequisites", FT.UINT16, BASE.DEC, "In a dynamic update, how many conditions must hold for the update to apply.");
const HF_COUNT_AUTH = field("dns.count.auth_rr", "Authority RRs", FT.UINT16, BASE.DEC, "How many records name the servers responsible for the zone.");
const HF_COUNT_UPDATES = field("dns.count.updates", "Updates", FT.UINT16, BASE.DEC, "In a dynamic update, how many records to add or delete.");
const HF_COUNT_ADD = field("dns.count.add_rr", "Additional RRs", FT.UINT16, BASE.DEC, "How many extra records come along, such as the addresses of named servers or the EDNS OPT record.");
const HF_QUERIES = field("dns.queries", "Queries", FT.NONE, BASE.NONE, "The question section: what is being asked.");
const HF_ANSWERS = field("dns.answers", "Answers", FT.NONE, BASE.NONE, "The answer section: records that answer the question.");
const HF_AUTHORITIES = field("dns.authorities", "Authoritative nameservers", FT.NONE, BASE.NONE, "The authority section: records naming the servers responsible for the zone.");
const HF_ADDITIONALS = field("dns.additionals", "Additional records", FT.NONE, BASE.NONE, "The additional section: records that may help, such as server addresses or EDNS options.");
const HF_QUERY = field("dns.query", "Query", FT.NONE, BASE.NONE, "One question: a name, a record type and a class.");
const HF_RR = field("dns.rr", "Resource record", FT.NONE, BASE.NONE, "One resource record: a name, type, class, time to live and data.");
export const HF_QRY_NAME = field("dns.qry.name", "Name", FT.STRING, BASE.NONE, "The domain name asked about, such as www.example.com.");
const HF_QRY_NAME_LEN = field("dns.qry.name.len", "Name Length", FT.UINT16, BASE.DEC, "How many characters the asked name has.");
const HF_COUNT_LABELS = field("dns.count.labels", "Label Count", FT.UINT16, BASE.DEC, "How many dot-separated parts the asked name has (www.example.com has 3).");
const HF_QRY_TYPE = field("dns.qry.type", "Type", FT.UINT16, BASE.DEC, "The kind of record asked for: 1 A (IPv4 address), 28 AAAA (IPv6 address), 5 CNAME, 15 MX, 16 TXT, 12 PTR ...");
const HF_QRY_CLASS = field("dns.qry.class", "Class", FT.UINT16, BASE.HEX, "The network class of the question; 1 (IN, the Internet) in practice.");
const HF_QRY_QU = field("dns.qry.qu", "\"QU\" question", FT.BOOLEAN, BASE.NONE, "mDNS: the asker would like a unicast answer rather than a multicast one.", 0x8000);
const HF_RESP_NAME = field("dns.resp.name", "Name", FT.STRING, BASE.NONE, "The domain name this record is about.");
const HF_RESP_TYPE = field("dns.resp.type", "Type", FT.UINT16, BASE.DEC, "The kind of record: 1 A, 28 AAAA, 5 CNAME, 2 NS, 6 SOA, 41 OPT (EDNS) ...");
const HF_RESP_CLASS = field("dns.resp.class", "Class", FT.UINT16, BASE.HEX, "The network class of the record; 1 (IN, the Internet) in practice.");
const HF_RESP_CACHE_FLUSH = field("dns.resp.cache_flush", "Cache flush", FT.BOOLEAN, BASE.NONE, "mDNS: this record replaces, rather than adds to, what others have cached for the name.", 0x8000);
const HF_RESP_TTL = field("dns.resp.ttl", "Time to live", FT.UINT32, BASE.DEC, "How many seconds the record may be kept in a cache.");
const HF_RESP_LEN = field("dns.resp.len", "Data length", FT.UINT16, BASE.DEC, "Length of the record's data in bytes.");
const HF_A = field("dns.a", "Address", FT.IPV4, BASE.NONE, "The IPv4 address the name has (an A record).");
const HF_AAAA = field("dns.aaaa", "AAAA Address", FT.IPV6, BASE.NONE, "The IPv6 address the name has (an AAAA record).");
const HF_CNAME = field("dns.cname", "CNAME", FT.STRING, BASE.NONE, "The canonical name: the name is an alias, and this is the name to look up instead.");
const HF_NS = field("dns.ns", "Name Server", FT.STRING, BASE.NONE, "A server responsible for the zone.");
const HF_PTR = field("dns.ptr.domain_name", "Domain Name", FT.STRING, BASE.NONE, "The name a PTR record points to, usually the host name for an address in a reverse lookup.");
const HF_MX_PREF = field("dns.mx.preference", "Preference", FT.UINT16, BASE.DEC, "Mail servers with lower numbers are tried first.");
const HF_MX_NAME = field("dns.mx.mail_exchange", "Mail Exchange", FT.STRING, BASE.NONE, "A server that accepts mail for the domain.");
const HF_TXT_LEN = field("dns.txt.length", "TXT Length", FT.UINT8, BASE.DEC, "Length of the next text string of the record.");
const HF_TXT = field("dns.txt", "TXT", FT.STRING, BASE.NONE, "Free text attached to the name, used for mail policies, domain ownership checks and service details.");
const HF_SPF_LEN = field("dns.spf.length", "SPF Length", FT.UINT8, BASE.DEC, "Length of the next SPF string.");
const HF_SPF = field("dns.spf", "SPF", FT.STRING, BASE.NONE, "A Sender Policy Framework rule: which servers may send mail for the domain.");
const HF_SOA_MNAME = field("dns.soa.mname", "Primary name server", FT.STRING, BASE.NONE, "The main server for the zone.");
const HF_SOA_RNAME = field("dns.soa.rname", "Responsible authority's mailbox", FT.STRING, BASE.NONE, "The zone administrator's mail address, with the @ written as a dot.");
const HF_SOA_SERIAL = field("dns.soa.serial_number", "Serial Number", FT.UINT32, BASE.DEC, "The zone's version number, raised at every change.");
const HF_SOA_REFRESH = field("dns.soa.refresh_interval", "Refresh Interval", FT.UINT32, BASE.DEC, "How often, in seconds, secondary servers check for a newer zone.");
const HF_SOA_RETRY = field("dns.soa.retry_interval", "Retry Interval", FT.UINT32, BASE.DEC, "How long, in seconds, a secondary waits before retrying a failed check.");
const HF_SOA_EXPIRE = field("dns.soa.expire_limit", "Expire limit", FT.UINT32, BASE.DEC, "After how many seconds without contact a secondary stops answering for the zone.");
const HF_SOA_MINIMUM = field("dns.soa.minimum_ttl", "Minimum TTL", FT.UINT32, BASE.DEC, "How long, in seconds, a 'no such name' answer may be cached.");
const HF_SRV_SERVICE = field("dns.srv.service", "Service", FT.STRING, BASE.NONE, "The service a SRV record is about, such as _sip or _ldap.");
const HF_SRV_PROTO = field("dns.srv.proto", "Protocol", FT.STRING, BASE.NONE, "The transport of the service, such as _tcp or _udp.");
const HF_SRV_NAME = field("dns.srv.name", "Name", FT.STRING, BASE.NONE, "The domain the service belongs to.");
const HF_SRV_PRIORITY = field("dns.srv.priority", "Priority", FT.UINT16, BASE.DEC, "Servers with lower numbers are tried first.");
const HF_SRV_WEIGHT = field("dns.srv.weight", "Weight", FT.UINT16, BASE.DEC, "Among servers of equal priority, a larger weight gets a larger share of clients.");
const HF_SRV_PORT = field("dns.srv.port", "Port", FT.UINT16, BASE.DEC, "The port the service listens on.");
const HF_SRV_TARGET = field("dns.srv.target", "Target", FT.STRING, BASE.NONE, "The host that offers the service.");
const HF_DNAME = field("dns.dname", "Dname", FT.STRING, BASE.NONE, "A DNAME record: the whole subtree under the name is an alias for this one.");
const HF_NSEC_NEXT = field("dns.nsec.next_domain_name", "Next Domain Name", FT.STRING, BASE.NONE, "In DNSSEC, the next name in the zone, proving that no name lies between.");
const HF_RRSIG_TYPE = field("dns.rrsig.type_covered", "Type Covered", FT.UINT16, BASE.DEC, "The type of the records this signature covers.");
const HF_RRSIG_ALGO = field("dns.rrsig.algorithm", "Algorithm", FT.UINT8, BASE.DEC, "The signing algorithm: 8 RSA/SHA-256, 13 ECDSA P-256, 15 Ed25519 ...");
const HF_RRSIG_LABELS = field("dns.rrsig.labels", "Labels", FT.UINT8, BASE.DEC, "How many labels the signed name had, to recognise wildcard answers.");
const HF_RRSIG_OTTL = field("dns.rrsig.original_ttl", "Original TTL", FT.UINT32, BASE.DEC, "The time to live the signed records have in their zone.");
const HF_RRSIG_EXPIRATION = field("dns.rrsig.signature_expiration", "Signature Expiration", FT.ABSOLUTE_TIME, BASE.NONE, "When the signature stops being valid.");
const HF_RRSIG_INCEPTION = field("dns.rrsig.signature_inception", "Signature Inception", FT.ABSOLUTE_TIME, BASE.NONE, "When the signature starts being valid.");
const HF_RRSIG_KEYTAG = field("dns.rrsig.key_tag", "Key Tag", FT.UINT16, BASE.DEC, "A short number identifying the key that made the signature.");
const HF_RRSIG_SIGNER = field("dns.rrsig.signers_name", "Signer's name", FT.STRING, BASE.NONE, "The zone whose key made the signature.");
const HF_RRSIG_SIGNATURE = field("dns.rrsig.signature", "Signature", FT.BYTES, BASE.NONE, "The cryptographic signature itself.");
const HF_DNSKEY_FLAGS = field("dns.dnskey.flags", "Flags", FT.UINT16, BASE.HEX, "The key's flags: zone key, revoked, key-signing key.");
const HF_DNSKEY_ZONE = field("dns.dnskey.flags.zone_key", "Zone Key", FT.BOOLEAN, BASE.NONE, "Set for keys that sign a zone's records.", 0x100);
const HF_DNSKEY_REVOKED = field("dns.dnskey.flags.key_revoked", "Key Revoked", FT.BOOLEAN, BASE.NONE, "Set when the key has been withdrawn and must no longer be trusted.", 0x80);
const HF_DNSKEY_SEP = field("dns.dnskey.flags.secure_entry_point", "Key Signing Key", FT.BOOLEAN, BASE.NONE, "Set for key-signing keys, the ones the parent zone points to.", 0x1);
const HF_DNSKEY_RESERVED = field("dns.dnskey.flags.reserved", "Key Signing Key", FT.UINT16, BASE.HEX, "Flag bits that must be zero.", 0xfe7e);
const HF_DNSKEY_PROTOCOL = field("dns.dnskey.protocol", "Protocol", FT.UINT8, BASE.DEC, "Always 3 for DNSSEC keys.");
const HF_DNSKEY_ALGO = field("dns.dnskey.algorithm", "Algorithm", FT.UINT8, BASE.DEC, "The key's algorithm: 8 RSA/SHA-256, 13 ECDSA P-256, 15 Ed25519 ...");
const HF_DNSKEY_KEYID = field("dns.dnskey.key_id", "Key id", FT.UINT16, BASE.DEC, "The key tag computed from the key, as signatures refer to it.");
const HF_DNSKEY_PUBKEY = field("dns.dnskey.public_key", "Public Key", FT.BYTES, BASE.NONE, "The public key itself.");
const HF_DS_KEYID = field("dns.ds.key_id", "Key id", FT.UINT16, BASE.HEX, "The tag of the child zone's key this record vouches for.");
const HF_DS_ALGO = field("dns.ds.algorithm", "Algorithm", FT.UINT8, BASE.DEC, "The algorithm of the child zone's key.");
const HF_DS_DIGEST_TYPE = field("dns.ds.digest_type", "Digest Type", FT.UINT8, BASE.DEC, "How the key was hashed: 1 SHA-1, 2 SHA-256, 4 SHA-384.");
const HF_DS_DIGEST = field("dns.ds.digest", "Digest", FT.BYTES, BASE.NONE, "The hash of the child zone's key.");
const HF_NSEC3_ALGO = field("dns.nsec3.algo", "Hash algorithm", FT.UINT8, BASE.DEC, "How names are hashed in NSEC3 records; 1 is SHA-1.");
const HF_NSEC3_FLAGS = field("dns.nsec3.flags", "NSEC3 flags", FT.UINT8, BASE.DEC, "The NSEC3 flag bits.");
const HF_NSEC3_OPTOUT = field("dns.nsec3.flags.opt_out", "NSEC3 Opt-out flag", FT.BOOLEAN, BASE.NONE, "Set when unsigned delegations may lie in the covered range.", 0x1);
const HF_NSEC3_ITERATIONS = field("dns.nsec3.iterations", "NSEC3 iterations", FT.UINT16, BASE.DEC, "How many extra times names are hashed.");
const HF_NSEC3_SALT_LEN = field("dns.nsec3.salt_length", "Salt length", FT.UINT8, BASE.DEC, "Length of the salt in bytes.");
const HF_NSEC3_SALT = field("dns.nsec3.salt_value", "Salt value", FT.BYTES, BASE.NONE, "Bytes mixed into each name before hashing.");
const HF_NSEC3_HASH_LEN = field("dns.nsec3.hash_length", "Hash length", FT.UINT8, BASE.DEC, "Length of the next hashed name in bytes.");
const HF_DATA = field("dns.data", "Data", FT.BYTES, BASE.NONE, "The data of a record of a type shown only as bytes.");
const HF_RR_UDP_PAYLOAD = field("dns.rr.udp_payload_size", "UDP payload size", FT.UINT16, BASE.DEC, "EDNS: the largest UDP answer the sender can receive, in bytes.");
const HF_EXT_RCODE = field("dns.resp.ext_rcode", "Higher bits in extended RCODE", FT.UINT8, BASE.HEX, "EDNS: upper bits extending the header's reply code.");
const HF_EDNS0_VERSION = field("dns.resp.edns0_version", "EDNS0 version", FT.UINT8, BASE.DEC, "EDNS: the version of the extension mechanism, 0 today.");
const HF_EDNS_Z = field("dns.resp.z", "Z", FT.UINT16, BASE.HEX, "EDNS: flag bits of the OPT record.");
const HF_EDNS_Z_DO = field("dns.resp.z.do", "DO bit", FT.BOOLEAN, BASE.NONE, "EDNS: 'DNSSEC OK', the sender wants DNSSEC signatures in answers.", 0x8000);
const HF_EDNS_Z_RESERVED = field("dns.resp.z.reserved", "Reserved", FT.UINT16, BASE.HEX, "EDNS flag bits that must be zero.", 0x7fff);
const HF_OPT = field("dns.opt", "Option", FT.NONE, BASE.NONE, "An EDNS option carried in the OPT record.");
const HF_OPT_CODE = field("dns.opt.code", "Option Code", FT.UINT16, BASE.DEC, "Which EDNS option: 8 client subnet, 10 cookie, 12 padding ...");
const HF_OPT_LEN = field("dns.opt.len", "Option Length", FT.UINT16, BASE.DEC, "Length of the option's data in bytes.");
const HF_OPT_DATA = field("dns.opt.data", "Option Data", FT.BYTES, BASE.NONE, "The option's data as bytes.");
const HF_OPT_DAU = field("dns.opt.dau", "DAU", FT.UINT8, BASE.DEC, "A DNSSEC signing algorithm the client understands.");
const HF_OPT_DHU = field("dns.opt.dhu", "DHU", FT.UINT8, BASE.DEC, "A DS hash algorithm the client understands.");
const HF_OPT_N3U = field("dns.opt.n3u", "N3U", FT.UINT8, BASE.DEC, "An NSEC3 hash algorithm the client understands.");
const HF_OPT_CLIENT_FAMILY = field("dns.opt.client.family", "Family", FT.UINT16, BASE.DEC, "Client subnet: the address family, 1 IPv4 or 2 IPv6.");
const HF_OPT_CLIENT_NETMASK = field("dns.opt.client.netmask", "Source Netmask", FT.UINT8, BASE.DEC, "Client subnet: how many leading bits of the client's address are revealed.");
const HF_OPT_CLIENT_SCOPE = field("dns.opt.client.scope", "Scope Netmask", FT.UINT8, BASE.DEC, "Client subnet: for how wide a network the answer holds (set by the server).");
const HF_OPT_CLIENT_ADDR = field("dns.opt.client.addr", "Client Subnet", FT.BYTES, BASE.NONE, "Client subnet: the revealed part of the client's address, for an unknown family.");
const HF_OPT_CLIENT_ADDR4 = field("dns.opt.client.addr4", "Client Subnet", FT.IPV4, BASE.NONE, "Client subnet: the network of the client, so the server can answer with nearby servers.");
const HF_OPT_CLIENT_ADDR6 = field("dns.opt.client.addr6", "Client Subnet", FT.IPV6, BASE.NONE, "Client subnet: the IPv6 network of the client, so the server can answer with nearby servers.");
const HF_OPT_COOKIE_CLIENT = field("dns.opt.cookie.client", "Client Cookie", FT.BYTES, BASE.NONE, "DNS cookie: a value the client picks, to recognise genuine answers.");
const HF_OPT_COOKIE_SERVER = field("dns.opt.cookie.server", "Server Cookie", FT.BYTES, BASE.NONE, "DNS cookie: a value the server gave the client earlier, to recognise genuine clients.");
const HF_OPT_KEEPALIVE = field("dns.opt.edns_tcp_keepalive.timeout", "Timeout", FT.UINT16, BASE.DEC, "How long an idle TCP connection may stay open, in tenths of a second.");
const HF_OPT_PADDING = field("dns.opt.padding", "Padding", FT.BYTES, BASE.NONE, "Filler bytes that hide the true size of an encrypted message.");
const HF_OPT_CHAIN = field("dns.opt.chain.fqdn", "Closest Trust Point", FT.STRING, BASE.NONE, "The name from which the client wants the chain of DNSSEC records.");
const HF_EXTRANEOUS_DATA = field("dns.extraneous.data", "Extraneous Data Bytes", FT.BYTES, BASE.NONE, "Bytes after the last record that the message's counts do not account for.");
const HF_EXTRANEOUS_LEN = field("dns.extraneous.length", "Extraneous Data Length", FT.INT32, BASE.DEC, "How many bytes follow the last record.");

const T_A = 1;
const T_NS = 2;
const T_CNAME = 5;
const T_SOA = 6;
const T_PTR = 12;
const T_MX = 15;
const T_TXT = 16;
const T_AAAA = 28;
const T_SRV = 33;
const T_DNAME = 39;
const T_OPT = 41;
const T_DS = 43;
const T_RRSIG = 46;
const T_NSEC = 47;
const T_DNSKEY = 48;
const T_NSEC3 = 50;
const T_SPF = 99;

/** A name walk gives up after this many labels and pointers (Wireshark stops at 256 pointers). */
const NAME_STEP_CAP = 4096;
/** Longest name text kept, as Wireshark's MAX_DNAME_LEN. */
const MAX_DNAME_LEN = 255;

// ---- name decoding ----------------------------------------------------------

/** The raw bytes of the last name expanded (at most MAX_DNAME_LEN). */
const rawName = new StaticArray<u8>(MAX_DNAME_LEN + 8);
/** Characters of rawName that count as the name (Wireshark's name_len). */
let rawLen: i32 = 0;
/** 0 a normal name; otherwise which fixed text replaces it. */
let special: i32 = 0;
const SPECIAL_ROOT = 1;
const SPECIAL_LOOP = 2;
const SPECIAL_TOO_LONG = 3;
const SPECIAL_UNKNOWN_EXT = 4;

/** The last name as shown: escaped like Wireshark's format_text. */
const nameText = new Text(2048);
/** The owner name of the record being dissected (kept while its data's names are decoded). */
const ownerText = new Text(2048);
/** The end of a record's subtree label, built while its data is read. */
const rrNote = new Text(4096);
/** Where Info text goes: the Info column, or a scratch text inside an ICMP error (tshark keeps the error's Info). */
const scratchInfo = new Text(4096);
let info: Text = scratchInfo;

function putRaw(np: i32, c: u32): void {
  unchecked((rawName[np] = <u8>c));
}

/**
 * Expands the name at `off` (pointers are relative to `dataOff`, the start
 * of the DNS message). Returns the bytes the name occupies at `off`, or -1
 * after a read past the data, which stops the dissection (Wireshark's
 * bounds exception).
 */
function expandName(off: i32, dataOff: i32): i32 {
  const start = off;
  let np: i32 = 0;
  let nameLen: i32 = 0;
  let len: i32 = -1;
  let pointers: i32 = 0;
  let maxname: i32 = MAX_DNAME_LEN;
  let steps: i32 = 0;
  special = 0;
  for (;;) {
    if (!t.need(off, 1)) return -1;
    let c = <u32>load<u8>(t.at(off));
    off++;
    if (c == 0) break;
    if (++steps > NAME_STEP_CAP) {
      // Far beyond any real name: treat as a loop rather than walk on.
      special = SPECIAL_LOOP;
      rawLen = 36;
      if (len < 0) len = off - start;
      if (len < 2) {
        t.setStopped(true);
        return -1;
      }
      return len;
    }
    const kind = c & 0xc0;
    if (kind == 0x00) {
      if (np != 0) {
        if (maxname > 0) {
          putRaw(np++, 0x2e);
          nameLen++;
          maxname--;
        }
      } else maxname--;
      const n = <i32>c;
      if (!t.need(off, n)) return -1;
      for (let i = 0; i < n; i++) {
        if (maxname <= 0) break;
        putRaw(np++, load<u8>(t.at(off + i)));
        nameLen++;
        maxname--;
      }
      off += n;
    } else if (kind == 0x40) {
      if ((c & 0x3f) == 0x01) {
        // Bit-string label (RFC 2673): "\[x<hex>/<bits>]". Wireshark writes
        // it into the name without counting it in the name's length.
        if (!t.need(off, 1)) return -1;
        const bitCount = <i32>load<u8>(t.at(off));
        off++;
        const labelLen = (bitCount - 1) / 8 + 1;
        np = printInto(np, "\\[x", -1, maxname);
        maxname = MAX_DNAME_LEN - 1 - np;
        if (!t.need(off, labelLen)) return -1;
        for (let i = 0; i < labelLen; i++) {
          if (maxname > 0) {
            np = printHexByte(np, load<u8>(t.at(off + i)), maxname);
            maxname = MAX_DNAME_LEN - 1 - np;
          }
        }
        off += labelLen;
        if (maxname > 0) {
          np = printInto(np, "/", bitCount, maxname);
          maxname = MAX_DNAME_LEN - 1 - np;
        }
      } else {
        special = SPECIAL_UNKNOWN_EXT;
        len = off - start;
        rawLen = 24;
        if (len < 2) {
          t.setStopped(true);
          return -1;
        }
        return len;
      }
    } else if (kind == 0x80) {
      t.setStopped(true);
      return -1;
    } else {
      if (!t.need(off, 1)) return -1;
      const indir = dataOff + <i32>(((c & 0x3f) << 8) | <u32>load<u8>(t.at(off)));
      off++;
      pointers++;
      if (len < 0) len = off - start;
      if (indir == off + 2 || pointers > MAX_DNAME_LEN) {
        special = SPECIAL_LOOP;
        rawLen = 36;
        if (len < 2) {
          t.setStopped(true);
          return -1;
        }
        return len;
      }
      off = indir;
    }
  }
  if (maxname > 0) {
    rawLen = nameLen;
  } else {
    special = SPECIAL_TOO_LONG;
    rawLen = 15;
  }
  if (len < 0) len = off - start;
  // get_dns_name: an empty name of at most two bytes is the root.
  if (special == 0 && (np == 0 || rawName[0] == 0) && len <= 2) {
    special = SPECIAL_ROOT;
    rawLen = 6;
    return len;
  }
  if (len < 2 || (len > 2 && rawLen == 0 && special == 0)) {
    t.setStopped(true);
    return -1;
  }
  return len;
}

/** Writes a bit-string piece into rawName as snprintf would, within `room` bytes. */
function printInto(np: i32, s: string, num: i32, room: i32): i32 {
  // The piece is s followed by num (when >= 0) and "]".
  const tmp = tmpText;
  tmp.reset();
  tmp.str(s);
  if (num >= 0) {
    tmp.dec(<u64>num);
    tmp.str("]");
  }
  const n = tmp.len;
  if (n > room) return np; // nothing printed: snprintf would not fit
  for (let i = 0; i < n && np < MAX_DNAME_LEN; i++) putRaw(np++, load<u8>(tmp.ptr + <usize>i));
  return np;
}

function printHexByte(np: i32, b: u32, room: i32): i32 {
  if (2 > room) return np;
  const HEX = "0123456789abcdef";
  putRaw(np++, HEX.charCodeAt(<i32>(b >> 4)));
  putRaw(np++, HEX.charCodeAt(<i32>(b & 0xf)));
  return np;
}

const tmpText = new Text(64);

/** The decoded name's length as Wireshark counts it (special texts count their own length). */
function nameLength(): i32 {
  return rawLen;
}

/** Wireshark's label count: dots plus one, for names longer than one character. */
function labelCount(): i32 {
  if (special != 0) {
    return rawLen > 1 ? 1 : 0;
  }
  if (rawLen <= 1) return 0;
  let n = 1;
  for (let i = 0; i < rawLen; i++) if (unchecked(rawName[i]) == 0x2e) n++;
  return n;
}

/** Writes the last expanded name, as shown, into nameText. */
function formatName(): void {
  const out = nameText;
  out.reset();
  switch (special) {
    case SPECIAL_ROOT:
      out.str("<Root>");
      return;
    case SPECIAL_LOOP:
      out.str("<Name contains a pointer that loops>");
      return;
    case SPECIAL_TOO_LONG:
      out.str("<Name too long>");
      return;
    case SPECIAL_UNKNOWN_EXT:
      out.str("<Unknown extended label>");
      return;
  }
  formatText(out, changetype<usize>(rawName), rawLen);
}

/**
 * Text from packet bytes as Wireshark's format_text shows it: printable
 * ASCII as is, other ASCII as C escapes (\n, \t, \ooo), UTF-8 sequences
 * decoded (invalid ones as U+FFFD), non-printable characters as \uXXXX.
 */
export function formatText(out: Text, p: usize, n: i32): void {
  let i = 0;
  while (i < n) {
    const c = <u32>load<u8>(p + <usize>i);
    i++;
    if (c >= 0x20 && c < 0x7f) {
      out.byte(c);
      continue;
    }
    if (c < 0x80) {
      out.byte(0x5c);
      switch (c) {
        case 0x07: out.byte(0x61); break;
        case 0x08: out.byte(0x62); break;
        case 0x0c: out.byte(0x66); break;
        case 0x0a: out.byte(0x6e); break;
        case 0x0d: out.byte(0x72); break;
        case 0x09: out.byte(0x74); break;
        case 0x0b: out.byte(0x76); break;
        default:
          out.byte(0x30 + ((c >> 6) & 3));
          out.byte(0x30 + ((c >> 3) & 7));
          out.byte(0x30 + (c & 7));
      }
      continue;
    }
    let more: i32;
    let mask: u32;
    if ((c & 0xe0) == 0xc0) {
      more = 1;
      mask = 0x1f;
    } else if ((c & 0xf0) == 0xe0) {
      more = 2;
      mask = 0x0f;
    } else if ((c & 0xf8) == 0xf0) {
      more = 3;
      mask = 0x07;
    } else if ((c & 0xfc) == 0xf8) {
      more = 4;
      mask = 0x03;
    } else if ((c & 0xfe) == 0xfc) {
      more = 5;
      mask = 0x01;
    } else {
      more = -1;
      mask = 0;
    }
    let uc: u32 = 0xfffd;
    if (more > 0) {
      uc = c & mask;
      for (let k = 0; k < more; k++) {
        if (i >= n) {
          uc = 0xfffd;
          break;
        }
        const cc = <u32>load<u8>(p + <usize>i);
        if ((cc & 0xc0) != 0x80) {
          uc = 0xfffd;
          break;
        }
        i++;
        uc = (uc << 6) | (cc & 0x3f);
      }
      if (uc >= 0x110000 || (uc & 0xfffff800) == 0xd800) uc = 0xfffd;
    }
    if (printableUnicode(uc)) putUtf8(out, uc);
    else {
      out.str(uc <= 0xffff ? "\\u" : "\\U");
      out.hexw(uc, uc <= 0xffff ? 4 : 8);
    }
  }
}

/** GLib's g_unichar_isprint, for the characters that matter here (controls and format characters). */
function printableUnicode(uc: u32): bool {
  if (uc < 0xa0) return uc >= 0x20 && uc != 0x7f;
  if (uc == 0xad) return false;
  if (uc >= 0x600 && uc <= 0x605) return false;
  if (uc == 0x61c || uc == 0x6dd || uc == 0x70f || uc == 0x180e) return false;
  if (uc >= 0x200b && uc <= 0x200f) return false;
  if (uc >= 0x202a && uc <= 0x202e) return false;
  if (uc >= 0x2060 && uc <= 0x206f) return false;
  if (uc == 0xfeff) return false;
  if (uc >= 0xfff9 && uc <= 0xfffb) return false;
  if (uc >= 0xe000 && uc <= 0xf8ff) return false; // private use
  if ((uc & 0xfffe) == 0xfffe) return false; // non-characters
  if (uc >= 0xfdd0 && uc <= 0xfdef) return false;
  if (uc >= 0xe0000) return false;
  return true;
}

function putUtf8(out: Text, uc: u32): void {
  if (uc < 0x80) out.byte(uc);
  else if (uc < 0x800) {
    out.byte(0xc0 | (uc >> 6));
    out.byte(0x80 | (uc & 0x3f));
  } else if (uc < 0x10000) {
    out.byte(0xe0 | (uc >> 12));
    out.byte(0x80 | ((uc >> 6) & 0x3f));
    out.byte(0x80 | (uc & 0x3f));
  } else {
    out.byte(0xf0 | (uc >> 18));
    out.byte(0x80 | ((uc >> 12) & 0x3f));
    out.byte(0x80 | ((uc >> 6) & 0x3f));
    out.byte(0x80 | (uc & 0x3f));
  }
}

/** Adds a string field whose value is the text in `src`. */
function addText(hf: u16, off: i32, len: i32, src: Text): i32 {
  if (!t.detail || t.stopped) return -1;
  const mark = t.poolMark();
  t.pool.raw(src.ptr, src.len);
  return t.fstrPool(hf, off, len, mark);
}

/** Expands the name at off and adds it as field hf. Returns the bytes used, or -1 when stopped. */
function nameField(hf: u16, off: i32, dataOff: i32): i32 {
  const used = expandName(off, dataOff);
  if (used < 0) return -1;
  formatName();
  if (!t.need(off, used)) return -1;
  addText(hf, off, used, nameText);
  return used;
}

// ---- value names ------------------------------------------------------------

function opcodeName(op: u32): string {
  switch (op) {
    case 0: return "Standard query";
    case 1: return "Inverse query";
    case 2: return "Server status request";
    case 4: return "Zone change notification";
    case 5: return "Dynamic update";
    case 6: return "DNS Stateful operations (DSO)";
  }
  return "";
}

function rcodeName(rc: u32): string {
  switch (rc) {
    case 0: return "No error";
    case 1: return "Format error";
    case 2: return "Server failure";
    case 3: return "No such name";
    case 4: return "Not implemented";
    case 5: return "Refused";
    case 6: return "Name exists";
    case 7: return "RRset exists";
    case 8: return "RRset does not exist";
    case 9: return "Not authoritative";
    case 10: return "Name out of zone";
    case 11: return "DSO-Type not implemented";
  }
  return "";
}

/** The short name of a record type ("A", "AAAA"), or "" when unknown. */
function typeName(tp: u32): string {
  switch (tp) {
    case 0: return "Unused";
    case 1: return "A";
    case 2: return "NS";
    case 3: return "MD";
    case 4: return "MF";
    case 5: return "CNAME";
    case 6: return "SOA";
    case 7: return "MB";
    case 8: return "MG";
    case 9: return "MR";
    case 10: return "NULL";
    case 11: return "WKS";
    case 12: return "PTR";
    case 13: return "HINFO";
    case 14: return "MINFO";
    case 15: return "MX";
    case 16: return "TXT";
    case 17: return "RP";
    case 18: return "AFSDB";
    case 19: return "X25";
    case 20: return "ISDN";
    case 21: return "RT";
    case 22: return "NSAP";
    case 23: return "NSAP-PTR";
    case 24: return "SIG";
    case 25: return "KEY";
    case 26: return "PX";
    case 27: return "GPOS";
    case 28: return "AAAA";
    case 29: return "LOC";
    case 30: return "NXT";
    case 31: return "EID";
    case 32: return "NIMLOC";
    case 33: return "SRV";
    case 34: return "ATMA";
    case 35: return "NAPTR";
    case 36: return "KX";
    case 37: return "CERT";
    case 38: return "A6";
    case 39: return "DNAME";
    case 40: return "SINK";
    case 41: return "OPT";
    case 42: return "APL";
    case 43: return "DS";
    case 44: return "SSHFP";
    case 45: return "IPSECKEY";
    case 46: return "RRSIG";
    case 47: return "NSEC";
    case 48: return "DNSKEY";
    case 49: return "DHCID";
    case 50: return "NSEC3";
    case 51: return "NSEC3PARAM";
    case 52: return "TLSA";
    case 55: return "HIP";
    case 57: return "RKEY";
    case 58: return "TALINK";
    case 59: return "CDS";
    case 60: return "CDNSKEY";
    case 61: return "OPENPGPKEY";
    case 62: return "CSYNC";
    case 63: return "ZONEMD";
    case 64: return "SVCB";
    case 65: return "HTTPS";
    case 99: return "SPF";
    case 100: return "UINFO";
    case 101: return "UID";
    case 102: return "GID";
    case 103: return "UNSPEC";
    case 104: return "NID";
    case 105: return "L32";
    case 106: return "L64";
    case 107: return "LP";
    case 108: return "EUI48";
    case 109: return "EUI64";
    case 249: return "TKEY";
    case 250: return "TSIG";
    case 251: return "IXFR";
    case 252: return "AXFR";
    case 253: return "MAILB";
    case 254: return "MAILA";
    case 255: return "ANY";
    case 256: return "URI";
    case 257: return "CAA";
    case 32768: return "TA";
    case 32769: return "DLV";
    case 65281: return "WINS";
    case 65282: return "WINS-R";
    case 65422: return "XPF";
  }
  return "";
}

/** The description shown beside a type in the tree ("A (Host Address)"). */
function typeDescription(tp: u32): string {
  switch (tp) {
    case 1: return "A (Host Address)";
    case 2: return "NS (authoritative Name Server)";
    case 3: return "MD (Mail Destination)";
    case 4: return "MF (Mail Forwarder)";
    case 5: return "CNAME (Canonical NAME for an alias)";
    case 6: return "SOA (Start Of a zone of Authority)";
    case 7: return "MB (MailBox domain name)";
    case 8: return "MG (Mail Group member)";
    case 9: return "MR (Mail Rename domain)";
    case 10: return "NULL RR";
    case 11: return "WKS (Well Known Service)";
    case 12: return "PTR (domain name PoinTeR)";
    case 13: return "HINFO (host information)";
    case 14: return "MINFO (Mailbox or mail list information)";
    case 15: return "MX (Mail eXchange)";
    case 16: return "TXT (Text strings)";
    case 17: return "RP (Responsible Person)";
    case 18: return "AFSDB (AFS Data Base location)";
    case 24: return "SIG (security signature)";
    case 25: return "KEY (security key)";
    case 28: return "AAAA (IPv6 Address)";
    case 29: return "LOC (Location Information)";
    case 30: return "NXT (Next Domain)";
    case 33: return "SRV (Server Selection)";
    case 35: return "NAPTR (Naming Authority Pointer)";
    case 36: return "KX (Key Exchanger)";
    case 43: return "DS (Delegation Signer)";
    case 44: return "SSHFP (SSH Key Fingerprint)";
    case 46: return "RRSIG (Resource Record Signature)";
    case 47: return "NSEC (Next Secure)";
    case 48: return "DNSKEY (DNS Public Key)";
    case 55: return "HIP (Host Identity Protocol)";
    case 59: return "CDS (Child DS)";
    case 61: return "OPENPGPKEY (OpenPGP Key)";
    case 64: return "SVCB (General Purpose Service Endpoints)";
    case 65: return "HTTPS (HTTPS Specific Service Endpoints)";
    case 249: return "TKEY (Transaction Key)";
    case 250: return "TSIG (Transaction Signature)";
    case 251: return "IXFR (incremental transfer)";
    case 252: return "AXFR (transfer of an entire zone)";
    case 253: return "MAILB (mailbox-related RRs)";
    case 254: return "MAILA (mail agent RRs)";
    case 255: return "* (A request for all records the server/cache has available)";
    case 257: return "CAA (Certification Authority Restriction)";
    case 32769: return "DLV (DNSSEC Lookaside Validation)";
  }
  return typeName(tp);
}

/** Appends a type's short name, or "Unknown (n)". */
function putTypeName(out: Text, tp: u32): void {
  const s = typeName(tp);
  if (s.length > 0) out.str(s);
  else {
    out.str("Unknown (");
    out.dec(tp);
    out.str(")");
  }
}

function className(c: u32): string {
  switch (c) {
    case 1: return "IN";
    case 2: return "CS";
    case 3: return "CH";
    case 4: return "HS";
    case 254: return "NONE";
    case 255: return "ANY";
  }
  return "Unknown";
}

function optionName(code: u32): string {
  switch (code) {
    case 0: return "Reserved";
    case 1: return "LLQ - Long-lived query";
    case 2: return "UL - Update lease";
    case 3: return "NSID - Name Server Identifier";
    case 4: return "Owner (reserved)";
    case 5: return "DAU - DNSSEC Algorithm Understood (RFC6975)";
    case 6: return "DHU - DS Hash Understood (RFC6975)";
    case 7: return "N3U - NSEC3 Hash Understood (RFC6975)";
    case 8: return "CSUBNET - Client subnet";
    case 9: return "EDNS EXPIRE (RFC7314)";
    case 10: return "COOKIE";
    case 11: return "EDNS TCP Keepalive";
    case 12: return "PADDING";
    case 13: return "CHAIN";
    case 0x50fa: return "Experimental - CSUBNET - Client subnet";
  }
  return "";
}

/** Wireshark's unsigned_time_secs_to_str: "1 day, 2 hours, 3 minutes, 4 seconds". */
export function putDuration(out: Text, secs: u32): void {
  if (secs == 0) {
    out.str("0 seconds");
    return;
  }
  const days = secs / 86400;
  const hours = (secs / 3600) % 24;
  const mins = (secs / 60) % 60;
  const s = secs % 60;
  let first = true;
  first = putUnit(out, days, "day", first);
  first = putUnit(out, hours, "hour", first);
  first = putUnit(out, mins, "minute", first);
  putUnit(out, s, "second", first);
}

function putUnit(out: Text, v: u32, unit: string, first: bool): bool {
  if (v == 0) return first;
  if (!first) out.str(", ");
  out.dec(v);
  out.byte(0x20);
  out.str(unit);
  if (v != 1) out.byte(0x73);
  return false;
}

/** Gives node i the label "<text of nameText-like source>". */
function noteStr(node: i32, s: string): void {
  if (node < 0) return;
  const m = t.beginNote();
  t.pool.str(s);
  t.endNote(node, m);
}

/** Notes a boolean flag node with one of two texts. */
function flagBit(hf: u16, off: i32, mask: u32, set: string, clear: string): void {
  const v = t.fbits(hf, off, 2, mask);
  if (t.detail) noteStr(t.lastNode(), v != 0 ? set : clear);
}

// ---- messages ---------------------------------------------------------------

export function dissectDns(off: i32, end: i32, kind: i32): void {
  const col = kind == MDNS ? COL_MDNS : kind == LLMNR ? COL_LLMNR : COL_DNS;
  info = pinfo.inError ? scratchInfo : t.info;
  const prev = t.enter(end);
  if (kind != DNS_TCP) {
    if (!pinfo.inError) pinfo.colProto = col;
    if (t.detail) message(off, off, end, kind);
    else summaryMessage(off, kind);
    t.restore(prev);
    return;
  }
  // DNS over TCP: each message has a two-byte length; a segment may hold
  // several, and the last may continue in the next segment.
  let o = off;
  let guard = 0;
  while (o < end && guard++ < 65536) {
    if (end - o < 2 || !t.has(o, 2)) {
      if (end - o < 2) needMore(o, UNTIL_MORE_DATA);
      break;
    }
    const total = <i32>t.get16(o) + 2;
    if (end - o < total) {
      needMore(o, total);
      break;
    }
    if (!pinfo.inError) pinfo.colProto = col;
    if (t.detail) {
      const outer = t.enter(o + total);
      const wasStopped = t.stopped;
      message(o, o + 2, o + total, kind);
      // A broken message does not keep the next one from being shown, as
      // tshark's per-PDU exception handling.
      t.setStopped(wasStopped);
      t.restore(outer);
    } else {
      const outer = t.enter(o + total);
      summaryMessage(o + 2, kind);
      t.restore(outer);
    }
    o += total;
  }
  t.restore(prev);
}

/** Summary mode: the layer message() opens for a message whose header starts at `hdr`. */
function summaryMessage(hdr: i32, kind: i32): void {
  if (t.has(hdr, 4)) t.summaryLayer(kind == MDNS ? HF_MDNS : kind == LLMNR ? HF_LLMNR : HF_DNS);
}

/**
 * One DNS message: the protocol node covers [protoStart, end) (over TCP it
 * includes the length prefix), the header starts at `hdr`.
 */
function message(protoStart: i32, hdr: i32, end: i32, kind: i32): void {
  info.reset();
  if (!t.need(hdr, 4)) return;
  const id = t.get16(hdr);
  const flags = t.get16(hdr + 2);
  const response = (flags & 0x8000) != 0;
  const opcode = (flags >> 11) & 0xf;
  const rcode = flags & 0xf;
  const opName = opcodeName(opcode);
  if (opName.length > 0) info.str(opName);
  else {
    info.str("Unknown operation (");
    info.dec(opcode);
    info.str(")");
  }
  if (response) info.str(" response");
  info.str(" ");
  info.hex(id, 4);
  if (response && rcode != 0) {
    info.str(" ");
    const rc = rcodeName(rcode);
    if (rc.length > 0) info.str(rc);
    else {
      info.str("Unknown error (");
      info.dec(rcode);
      info.str(")");
    }
  }
  const hfProto = kind == MDNS ? HF_MDNS : kind == LLMNR ? HF_LLMNR : HF_DNS;
  const node = t.open(hfProto, protoStart, end - protoStart);
  const m = t.beginNote();
  t.pool.str(kind == MDNS ? "Multicast Domain Name System (" : kind == LLMNR ? "Link-local Multicast Name Resolution (" : "Domain Name System (");
  t.pool.str(response ? "response)" : "query)");
  t.endNote(node, m);
  if (kind == DNS_TCP) t.f16(HF_LENGTH, hdr - 2);
  t.f16(HF_ID, hdr);
  flagsTree(hdr + 2, flags, kind);
  const update = opcode == 5;
  const quest = t.f16(update ? HF_COUNT_ZONES : HF_COUNT_QUERIES, hdr + 4);
  const ans = t.f16(update ? HF_COUNT_PREREQ : HF_COUNT_ANSWERS, hdr + 6);
  const auth = t.f16(update ? HF_COUNT_UPDATES : HF_COUNT_AUTH, hdr + 8);
  const add = t.f16(HF_COUNT_ADD, hdr + 10);
  let cur = hdr + 12;
  if (!t.stopped && quest > 0) cur = queries(cur, hdr, quest, kind);
  if (!t.stopped && ans > 0) cur = records(cur, hdr, ans, kind, HF_ANSWERS, update ? "Prerequisites" : "Answers");
  if (!t.stopped && auth > 0) cur = records(cur, hdr, auth, kind, HF_AUTHORITIES, update ? "Updates" : "Authoritative nameservers");
  if (!t.stopped && add > 0) cur = records(cur, hdr, add, kind, HF_ADDITIONALS, "Additional records");
  if (!t.stopped && cur < end) {
    const extra = end - cur;
    if (t.fbytes(HF_EXTRANEOUS_DATA, cur, extra)) t.fgen(HF_EXTRANEOUS_LEN, cur, 0, <u64>extra);
  }
  t.close(node);
}

function flagsTree(off: i32, flags: u32, kind: i32): void {
  t.f16(HF_FLAGS, off);
  if (!t.detail) return;
  const fnode = t.lastNode();
  const response = (flags & 0x8000) != 0;
  const opcode = (flags >> 11) & 0xf;
  const rcode = flags & 0xf;
  if (fnode >= 0) {
    const m = t.beginNote();
    t.pool.hex(flags, 4);
    t.pool.str(" ");
    const op = opcodeName(opcode);
    t.pool.str(op.length > 0 ? op : "Unknown operation");
    if (response) {
      t.pool.str(" response, ");
      const rc = rcodeName(rcode);
      t.pool.str(rc.length > 0 ? rc : "Unknown error");
    }
    t.endNote(fnode, m);
  }
  t.openNode(fnode);
  flagBit(HF_F_RESPONSE, off, 0x8000, "Message is a response", "Message is a query");
  t.fbits(HF_F_OPCODE, off, 2, 0x7800);
  {
    const op = opcodeName(opcode);
    const n = t.lastNode();
    if (n >= 0) {
      const m = t.beginNote();
      if (op.length > 0) t.pool.str(op);
      else {
        t.pool.str("Unknown (");
        t.pool.dec(opcode);
        t.pool.str(")");
      }
      t.pool.str(" (");
      t.pool.dec(opcode);
      t.pool.str(")");
      t.endNote(n, m);
    }
  }
  if (kind == LLMNR) {
    if (response) flagBit(HF_F_CONFLICT, off, 0x400, "The name is not considered unique", "The name is considered unique");
    else flagBit(HF_F_CONFLICT, off, 0x400, "The sender received multiple responses", "None");
    flagBit(HF_F_TRUNCATED, off, 0x200, "Message is truncated", "Message is not truncated");
    flagBit(HF_F_TENTATIVE, off, 0x100, "Tentative", "Not tentative");
    if (response) rcodeBits(off, rcode);
  } else {
    if (response) flagBit(HF_F_AUTHORITATIVE, off, 0x400, "Server is an authority for domain", "Server is not an authority for domain");
    flagBit(HF_F_TRUNCATED, off, 0x200, "Message is truncated", "Message is not truncated");
    flagBit(HF_F_RECDESIRED, off, 0x100, "Do query recursively", "Don't do query recursively");
    if (response) flagBit(HF_F_RECAVAIL, off, 0x80, "Server can do recursive queries", "Server can't do recursive queries");
    flagBit(HF_F_Z, off, 0x40, "reserved - incorrect!", "reserved (0)");
    if (response) flagBit(HF_F_AUTHENTICATED, off, 0x20, "Answer/authority portion was authenticated by the server", "Answer/authority portion was not authenticated by the server");
    else if ((flags & 0x20) != 0) flagBit(HF_F_AUTHENTICATED, off, 0x20, "Set", "Not set");
    flagBit(HF_F_CHECKDISABLE, off, 0x10, "Acceptable", "Unacceptable");
    if (response) rcodeBits(off, rcode);
  }
  t.close(fnode);
}

function rcodeBits(off: i32, rcode: u32): void {
  t.fbits(HF_F_RCODE, off, 2, 0xf);
  const n = t.lastNode();
  if (n < 0) return;
  const m = t.beginNote();
  const rc = rcodeName(rcode);
  t.pool.str(rc.length > 0 ? rc : "Unknown");
  t.pool.str(" (");
  t.pool.dec(rcode);
  t.pool.str(")");
  t.endNote(n, m);
}

function queries(cur: i32, hdr: i32, count: u32, kind: i32): i32 {
  const start = cur;
  const sect = t.open(HF_QUERIES, cur, t.limit - cur);
  for (let i: u32 = 0; i < count && !t.stopped; i++) {
    const used = query(cur, hdr, kind);
    if (used <= 0) break;
    cur += used;
  }
  t.setLength(sect, cur - start);
  t.close(sect);
  return cur;
}

function query(off: i32, hdr: i32, kind: i32): i32 {
  const used = expandName(off, hdr);
  if (used < 0) return -1;
  if (!t.need(off + used, 4)) return -1;
  const tp = t.get16(off + used);
  let cls = t.get16(off + used + 2);
  const mdns = kind == MDNS;
  const qu = mdns && (cls & 0x8000) != 0;
  if (mdns) cls &= 0x7fff;
  formatName();
  info.str(" ");
  putTypeName(info, tp);
  info.str(" ");
  info.raw(nameText.ptr, nameText.len);
  if (mdns) info.str(qu ? ", \"QU\" question" : ", \"QM\" question");
  const sub = t.open(HF_QUERY, off, used + 4);
  if (sub >= 0) {
    const m = t.beginNote();
    t.pool.raw(nameText.ptr, nameText.len);
    t.pool.str(": type ");
    putTypeName(t.pool, tp);
    t.pool.str(", class ");
    t.pool.str(className(cls));
    if (mdns) t.pool.str(qu ? ", \"QU\" question" : ", \"QM\" question");
    t.endNote(sub, m);
  }
  addText(HF_QRY_NAME, off, used, nameText);
  const nl = nameLength();
  t.fgen(HF_QRY_NAME_LEN, off, used, <u64>(nl > 1 ? nl : 0));
  t.fgen(HF_COUNT_LABELS, off, used, <u64>labelCount());
  t.f16(HF_QRY_TYPE, off + used);
  typeNote(t.lastNode(), tp);
  if (mdns) {
    classNote(t.fval(HF_QRY_CLASS, off + used + 2, 2, cls), cls);
    const q = t.fval(HF_QRY_QU, off + used + 2, 2, qu ? 1 : 0);
    noteStr(q, qu ? "True" : "False");
  } else {
    t.f16(HF_QRY_CLASS, off + used + 2);
    classNote(t.lastNode(), cls);
  }
  t.close(sub);
  return used + 4;
}

function typeNote(node: i32, tp: u32): void {
  if (node < 0) return;
  const m = t.beginNote();
  const d = typeDescription(tp);
  if (d.length > 0) t.pool.str(d);
  else t.pool.str("Unknown");
  t.pool.str(" (");
  t.pool.dec(tp);
  t.pool.str(")");
  t.endNote(node, m);
}

function classNote(node: i32, cls: u32): void {
  if (node < 0) return;
  const m = t.beginNote();
  t.pool.str(className(cls));
  t.pool.str(" (");
  t.pool.hex(cls, 4);
  t.pool.str(")");
  t.endNote(node, m);
}

function records(cur: i32, hdr: i32, count: u32, kind: i32, hf: u16, title: string): i32 {
  const start = cur;
  const sect = t.open(hf, cur, t.limit - cur);
  noteStr(sect, title);
  for (let i: u32 = 0; i < count && !t.stopped; i++) {
    const used = record(cur, hdr, kind);
    if (used <= 0) break;
    cur += used;
  }
  t.setLength(sect, cur - start);
  t.close(sect);
  return cur;
}

/** One resource record; returns its length, or -1 when the dissection stopped. */
function record(off: i32, hdr: i32, kind: i32): i32 {
  const used = expandName(off, hdr);
  if (used < 0) return -1;
  formatName();
  ownerText.copyFrom(nameText);
  if (!t.need(off + used, 10)) return -1;
  const tp = t.get16(off + used);
  let cls = t.get16(off + used + 2);
  const dlen = <i32>t.get16(off + used + 8);
  const mdns = kind == MDNS;
  const flush = mdns && (cls & 0x8000) != 0;
  if (mdns) cls &= 0x7fff;
  info.str(" ");
  putTypeName(info, tp);
  if (flush) info.str(", cache flush");
  const total = used + 10 + dlen;
  if (!t.need(off, total)) return -1;
  const sub = t.open(HF_RR, off, total);
  const p = off + used;
  if (tp != T_OPT) {
    if (tp == T_SRV && ownerText.len > 0) srvName(off, used);
    else addText(HF_RESP_NAME, off, used, ownerText);
    t.f16(HF_RESP_TYPE, p);
    typeNote(t.lastNode(), tp);
    if (mdns) {
      classNote(t.fval(HF_RESP_CLASS, p + 2, 2, cls), cls);
      noteStr(t.fval(HF_RESP_CACHE_FLUSH, p + 2, 2, flush ? 1 : 0), flush ? "True" : "False");
    } else {
      t.f16(HF_RESP_CLASS, p + 2);
      classNote(t.lastNode(), cls);
    }
    const ttl = t.f32(HF_RESP_TTL, p + 4);
    const tn = t.lastNode();
    if (t.detail && tn >= 0) {
      const m = t.beginNote();
      t.pool.dec(ttl);
      t.pool.str(" (");
      putDuration(t.pool, ttl);
      t.pool.str(")");
      t.endNote(tn, m);
    }
  } else {
    addText(HF_RESP_NAME, off, used, ownerText);
    t.f16(HF_RESP_TYPE, p);
    typeNote(t.lastNode(), tp);
    if (mdns) {
      t.fval(HF_RR_UDP_PAYLOAD, p + 2, 2, cls);
      noteStr(t.fval(HF_RESP_CACHE_FLUSH, p + 2, 2, flush ? 1 : 0), flush ? "True" : "False");
    } else t.f16(HF_RR_UDP_PAYLOAD, p + 2);
    t.f8(HF_EXT_RCODE, p + 4);
    t.f8(HF_EDNS0_VERSION, p + 5);
    t.f16(HF_EDNS_Z, p + 6);
    const zn = t.lastNode();
    t.openNode(zn);
    const z = t.fbits(HF_EDNS_Z_DO, p + 6, 2, 0x8000);
    if (t.detail) noteStr(t.lastNode(), z != 0 ? "Accepts DNSSEC security RRs" : "Cannot handle DNSSEC security RRs");
    t.fbits(HF_EDNS_Z_RESERVED, p + 6, 2, 0x7fff);
    t.close(zn);
  }
  t.f16(HF_RESP_LEN, p + 8);
  rrNote.reset();
  if (dlen > 0) rdata(p + 10, dlen, hdr, tp, kind);
  if (sub >= 0) {
    const m = t.beginNote();
    t.pool.raw(ownerText.ptr, ownerText.len);
    t.pool.str(": type ");
    putTypeName(t.pool, tp);
    if (tp != T_OPT) {
      t.pool.str(", class ");
      t.pool.str(className(cls));
    }
    if (flush) t.pool.str(", cache flush");
    t.pool.raw(rrNote.ptr, rrNote.len);
    t.endNote(sub, m);
  }
  t.close(sub);
  return total;
}

/** SRV owner names are shown split as service, protocol and domain. */
function srvName(off: i32, used: i32): void {
  const p = ownerText.ptr;
  const n = ownerText.len;
  let dot1 = -1;
  for (let i = 0; i < n; i++) {
    if (load<u8>(p + <usize>i) == 0x2e) {
      dot1 = i;
      break;
    }
  }
  if (!t.detail || t.stopped) return;
  let mark = t.poolMark();
  t.pool.raw(p, dot1 < 0 ? n : dot1);
  t.fstrPool(HF_SRV_SERVICE, off, used, mark);
  if (dot1 < 0) return;
  let dot2 = -1;
  for (let i = dot1 + 1; i < n; i++) {
    if (load<u8>(p + <usize>i) == 0x2e) {
      dot2 = i;
      break;
    }
  }
  mark = t.poolMark();
  t.pool.raw(p + <usize>(dot1 + 1), (dot2 < 0 ? n : dot2) - dot1 - 1);
  t.fstrPool(HF_SRV_PROTO, off, used, mark);
  if (dot2 < 0) return;
  mark = t.poolMark();
  t.pool.raw(p + <usize>(dot2 + 1), n - dot2 - 1);
  t.fstrPool(HF_SRV_NAME, off, used, mark);
}

/** Appends " <text>" to the Info column and ", <label> <text>" to the record's label. */
function infoAndNote(label: string, src: Text): void {
  info.str(" ");
  info.raw(src.ptr, src.len);
  rrNote.str(label);
  rrNote.raw(src.ptr, src.len);
}

/** The record's data, at p, dlen bytes (reads may run past it, as Wireshark's do). */
function rdata(p: i32, dlen: i32, hdr: i32, tp: u32, kind: i32): void {
  switch (tp) {
    case T_A: {
      if (!t.need(p, 4)) return;
      const a = t.get32(p);
      info.str(" ");
      info.ipv4(a);
      rrNote.str(", addr ");
      rrNote.ipv4(a);
      t.fipv4(HF_A, p);
      break;
    }
    case T_AAAA: {
      if (!t.need(p, 16)) return;
      info.str(" ");
      info.ipv6(t.at(p));
      rrNote.str(", addr ");
      rrNote.ipv6(t.at(p));
      t.fbytes(HF_AAAA, p, 16);
      break;
    }
    case T_NS:
    case T_CNAME:
    case T_PTR:
    case T_DNAME: {
      const used = expandName(p, hdr);
      if (used < 0) return;
      formatName();
      infoAndNote(tp == T_NS ? ", ns " : tp == T_CNAME ? ", cname " : tp == T_DNAME ? ", dname " : ", ", nameText);
      addText(tp == T_NS ? HF_NS : tp == T_CNAME ? HF_CNAME : tp == T_DNAME ? HF_DNAME : HF_PTR, p, used, nameText);
      break;
    }
    case T_MX: {
      if (!t.need(p, 2)) return;
      const pref = t.get16(p);
      const used = expandName(p + 2, hdr);
      if (used < 0) return;
      formatName();
      info.str(" ");
      info.dec(pref);
      info.str(" ");
      info.raw(nameText.ptr, nameText.len);
      rrNote.str(", preference ");
      rrNote.dec(pref);
      rrNote.str(", mx ");
      rrNote.raw(nameText.ptr, nameText.len);
      t.f16(HF_MX_PREF, p);
      addText(HF_MX_NAME, p + 2, used, nameText);
      break;
    }
    case T_SOA: {
      let o = p;
      const u1 = expandName(o, hdr);
      if (u1 < 0) return;
      formatName();
      infoAndNote(", mname ", nameText);
      addText(HF_SOA_MNAME, o, u1, nameText);
      o += u1;
      const u2 = nameField(HF_SOA_RNAME, o, hdr);
      if (u2 < 0) return;
      o += u2;
      t.f32(HF_SOA_SERIAL, o);
      durationField(HF_SOA_REFRESH, o + 4);
      durationField(HF_SOA_RETRY, o + 8);
      durationField(HF_SOA_EXPIRE, o + 12);
      durationField(HF_SOA_MINIMUM, o + 16);
      break;
    }
    case T_TXT:
    case T_SPF: {
      strings(p, dlen, tp == T_TXT ? HF_TXT_LEN : HF_SPF_LEN, tp == T_TXT ? HF_TXT : HF_SPF, kind == MDNS && tp == T_TXT);
      break;
    }
    case T_SRV: {
      const pri = t.f16(HF_SRV_PRIORITY, p);
      const wt = t.f16(HF_SRV_WEIGHT, p + 2);
      const port = t.f16(HF_SRV_PORT, p + 4);
      if (t.stopped) return;
      const used = nameField(HF_SRV_TARGET, p + 6, hdr);
      if (used < 0) return;
      info.str(" ");
      info.dec(pri);
      info.str(" ");
      info.dec(wt);
      info.str(" ");
      info.dec(port);
      info.str(" ");
      info.raw(nameText.ptr, nameText.len);
      rrNote.str(", priority ");
      rrNote.dec(pri);
      rrNote.str(", weight ");
      rrNote.dec(wt);
      rrNote.str(", port ");
      rrNote.dec(port);
      rrNote.str(", target ");
      rrNote.raw(nameText.ptr, nameText.len);
      break;
    }
    case T_OPT:
      options(p, dlen);
      break;
    case T_NSEC: {
      const used = expandName(p, hdr);
      if (used < 0) return;
      formatName();
      infoAndNote(", next domain name ", nameText);
      addText(HF_NSEC_NEXT, p, used, nameText);
      typeBitmap(p + used, dlen - used);
      break;
    }
    case T_NSEC3: {
      let o = p;
      t.f8(HF_NSEC3_ALGO, o);
      const flags = t.f8(HF_NSEC3_FLAGS, o + 1);
      const fnode = t.lastNode();
      t.openNode(fnode);
      t.fval(HF_NSEC3_OPTOUT, o + 1, 1, flags & 1);
      t.close(fnode);
      t.f16(HF_NSEC3_ITERATIONS, o + 2);
      const saltLen = <i32>t.f8(HF_NSEC3_SALT_LEN, o + 4);
      o += 5;
      if (!t.fbytes(HF_NSEC3_SALT, o, saltLen) && saltLen > 0) return;
      o += saltLen;
      const hashLen = <i32>t.f8(HF_NSEC3_HASH_LEN, o);
      o += 1;
      if (!t.need(o, hashLen)) return;
      o += hashLen;
      typeBitmap(o, dlen - (o - p));
      break;
    }
    case T_RRSIG:
    case 24: {
      t.f16(HF_RRSIG_TYPE, p);
      t.f8(HF_RRSIG_ALGO, p + 2);
      t.f8(HF_RRSIG_LABELS, p + 3);
      durationField(HF_RRSIG_OTTL, p + 4);
      timeField(HF_RRSIG_EXPIRATION, p + 8);
      timeField(HF_RRSIG_INCEPTION, p + 12);
      t.f16(HF_RRSIG_KEYTAG, p + 16);
      if (t.stopped) return;
      const used = nameField(HF_RRSIG_SIGNER, p + 18, hdr);
      if (used < 0) return;
      const rest = dlen - 18 - used;
      if (rest != 0) bytesField(HF_RRSIG_SIGNATURE, p + 18 + used, rest);
      break;
    }
    case T_DNSKEY:
    case 60: {
      t.f16(HF_DNSKEY_FLAGS, p);
      const fnode = t.lastNode();
      t.openNode(fnode);
      t.fbits(HF_DNSKEY_ZONE, p, 2, 0x100);
      t.fbits(HF_DNSKEY_REVOKED, p, 2, 0x80);
      t.fbits(HF_DNSKEY_SEP, p, 2, 0x1);
      t.fbits(HF_DNSKEY_RESERVED, p, 2, 0xfe7e);
      t.close(fnode);
      t.f8(HF_DNSKEY_PROTOCOL, p + 2);
      const algo = t.f8(HF_DNSKEY_ALGO, p + 3);
      if (t.stopped) return;
      const keyLen = dlen - 4;
      if (dlen >= 4 && t.has(p, dlen)) t.fgen(HF_DNSKEY_KEYID, 0, 0, keyTag(p, dlen, algo));
      bytesField(HF_DNSKEY_PUBKEY, p + 4, keyLen);
      break;
    }
    case T_DS:
    case 59:
    case 32769: {
      t.f16(HF_DS_KEYID, p);
      t.f8(HF_DS_ALGO, p + 2);
      t.f8(HF_DS_DIGEST_TYPE, p + 3);
      if (t.stopped) return;
      bytesField(HF_DS_DIGEST, p + 4, dlen - 4);
      break;
    }
    default:
      if (ownerInfoType(tp)) {
        info.str(" ");
        info.raw(ownerText.ptr, ownerText.len);
      }
      if (!decodedByWireshark(tp)) t.fbytes(HF_DATA, p, dlen);
  }
}

/** Types whose Info entry is the record's owner name (as Wireshark writes it). */
function ownerInfoType(tp: u32): bool {
  switch (tp) {
    case 3: case 4: case 7: case 8: case 9: case 10: case 14: case 17: case 18:
    case 19: case 20: case 21: case 22: case 23: case 26: case 27: case 42:
    case 49: case 51: case 52: case 55:
      return true;
  }
  return false;
}

/** Types Wireshark decodes field by field (here shown without their fields); others get dns.data. */
function decodedByWireshark(tp: u32): bool {
  if (tp >= 1 && tp <= 30) return true;
  switch (tp) {
    case 33: case 35: case 36: case 37: case 38: case 39: case 41: case 42: case 43:
    case 44: case 45: case 46: case 47: case 48: case 49: case 50: case 51: case 52:
    case 55: case 59: case 60: case 61: case 62: case 63: case 64: case 65: case 99:
    case 104: case 105: case 106: case 107: case 108: case 109: case 249: case 250:
    case 257: case 32769: case 65281: case 65282: case 65422:
      return true;
  }
  return false;
}

/** A bytes field of `len` bytes; a negative length is an error, as in Wireshark. */
function bytesField(hf: u16, off: i32, len: i32): void {
  if (len < 0) {
    t.setStopped(true);
    return;
  }
  t.fbytes(hf, off, len);
}

function durationField(hf: u16, off: i32): void {
  const v = t.f32(hf, off);
  const n = t.lastNode();
  if (!t.detail || n < 0 || t.stopped) return;
  const m = t.beginNote();
  t.pool.dec(v);
  t.pool.str(" (");
  putDuration(t.pool, v);
  t.pool.str(")");
  t.endNote(n, m);
}

function timeField(hf: u16, off: i32): void {
  if (!t.need(off, 4)) return;
  t.ftime(hf, off, 4, <i64>t.get32(off), 0, 0);
}

/** DNSSEC key tag (RFC 4034 appendix B), as Wireshark's compute_key_id. */
function keyTag(p: i32, size: i32, algo: u32): u64 {
  if (algo == 1) {
    return <u64>(((<u32>load<u8>(t.at(p + size - 3)) << 8) + <u32>load<u8>(t.at(p + size - 2))) & 0xffff);
  }
  let ac: u32 = 0;
  let o = p;
  let n = size;
  while (n > 1) {
    ac += (<u32>load<u8>(t.at(o)) << 8) + <u32>load<u8>(t.at(o + 1));
    o += 2;
    n -= 2;
  }
  if (n > 0) ac += <u32>load<u8>(t.at(o)) << 8;
  ac += (ac >> 16) & 0xffff;
  return <u64>(ac & 0xffff);
}

/** TXT and SPF: length-prefixed strings until the record's length is used up. */
function strings(p: i32, dlen: i32, hfLen: u16, hfStr: u16, utf8: bool): void {
  let o = p;
  let left = dlen;
  while (left != 0 && !t.stopped) {
    const n = <i32>t.f8(hfLen, o);
    if (t.stopped) return;
    o += 1;
    left -= 1;
    if (!t.need(o, n)) return;
    if (t.detail) {
      const mark = t.poolMark();
      if (utf8) t.pool.raw(t.at(o), n);
      else asciiInto(t.pool, o, n);
      t.fstrPool(hfStr, o, n, mark);
    }
    o += n;
    left -= n;
  }
}

/** Bytes read as ASCII: bytes above 0x7f become U+FFFD, as Wireshark's ENC_ASCII. */
function asciiInto(out: Text, off: i32, n: i32): void {
  for (let i = 0; i < n; i++) {
    const c = <u32>load<u8>(t.at(off + i));
    if (c < 0x80) out.byte(c);
    else {
      out.byte(0xef);
      out.byte(0xbf);
      out.byte(0xbd);
    }
  }
}

/** NSEC/NSEC3 type bitmaps: each set bit is a record type, shown as dns.resp.type. */
function typeBitmap(p: i32, len: i32): void {
  let o = p;
  let left = len;
  while (left != 0 && !t.stopped) {
    if (!t.need(o, 2)) return;
    const block = <u32>load<u8>(t.at(o));
    let size = <i32>load<u8>(t.at(o + 1));
    o += 2;
    left -= 2;
    let tp = block * 256;
    while (size > 0) {
      if (!t.need(o, 1)) return;
      const bits = <u32>load<u8>(t.at(o));
      for (let i = 0; i < 8; i++) {
        if ((bits & (0x80 >> i)) != 0) {
          const n = t.fval(HF_RESP_TYPE, o, 1, tp);
          if (n >= 0) {
            const m = t.beginNote();
            t.pool.str("RR type in bit map: ");
            const d = typeDescription(tp);
            if (d.length > 0) t.pool.str(d);
            else {
              t.pool.str("Unknown (");
              t.pool.dec(tp);
              t.pool.str(")");
            }
            t.endNote(n, m);
          }
        }
        tp++;
      }
      o += 1;
      left -= 1;
      size--;
    }
  }
}

/** The options of an EDNS OPT record. */
function options(p: i32, dlen: i32): void {
  let o = p;
  let left = dlen;
  while (left > 0 && !t.stopped) {
    if (!t.need(o, 4)) return;
    const code = t.get16(o);
    const olen = <i32>t.get16(o + 2);
    left -= 4;
    if (!t.need(o, 4 + olen)) return;
    const onode = t.open(HF_OPT, o, 4 + olen);
    if (onode >= 0) {
      const m = t.beginNote();
      t.pool.str("Option: ");
      const nm = optionName(code);
      if (nm.length > 0) t.pool.str(nm);
      else {
        t.pool.str("Unknown (");
        t.pool.dec(code);
        t.pool.str(")");
      }
      t.endNote(onode, m);
    }
    t.f16(HF_OPT_CODE, o);
    t.f16(HF_OPT_LEN, o + 2);
    o += 4;
    t.fbytes(HF_OPT_DATA, o, olen);
    switch (code) {
      case 5:
      case 6:
      case 7: {
        const hf = code == 5 ? HF_OPT_DAU : code == 6 ? HF_OPT_DHU : HF_OPT_N3U;
        for (let i = 0; i < olen && !t.stopped; i++) t.f8(hf, o + i);
        o += olen;
        left -= olen;
        break;
      }
      case 8:
      case 0x50fa: {
        const family = t.f16(HF_OPT_CLIENT_FAMILY, o);
        t.f8(HF_OPT_CLIENT_NETMASK, o + 2);
        t.f8(HF_OPT_CLIENT_SCOPE, o + 3);
        o += 4;
        let alen = (olen - 4) & 0xffff;
        if (alen > 16) alen = 16;
        if (!t.need(o, alen)) break;
        if (family == 1) {
          let v: u32 = 0;
          for (let i = 0; i < 4; i++) v = (v << 8) | (i < alen ? <u32>load<u8>(t.at(o + i)) : 0);
          t.fval(HF_OPT_CLIENT_ADDR4, o, alen, v);
        } else if (family == 2) {
          if (t.detail) {
            const mark = t.poolMark();
            for (let i = 0; i < 16; i++) t.pool.byte(i < alen ? <u32>load<u8>(t.at(o + i)) : 0);
            t.fstrPool(HF_OPT_CLIENT_ADDR6, o, alen, mark);
          }
        } else bytesField(HF_OPT_CLIENT_ADDR, o, olen - 4);
        o += olen - 4;
        left -= olen;
        break;
      }
      case 10: {
        t.fbytes(HF_OPT_COOKIE_CLIENT, o, 8);
        o += 8;
        left -= 8;
        const rest = (olen - 8) & 0xffff;
        t.fbytes(HF_OPT_COOKIE_SERVER, o, rest);
        o += rest;
        left -= rest;
        break;
      }
      case 11:
        if (olen == 2) t.f16(HF_OPT_KEEPALIVE, o);
        o += olen;
        left -= olen;
        break;
      case 12:
        t.fbytes(HF_OPT_PADDING, o, olen);
        o += olen;
        left -= olen;
        break;
      case 13:
        if (olen > 0 && t.need(o, olen) && t.detail) {
          const mark = t.poolMark();
          asciiInto(t.pool, o, olen);
          t.fstrPool(HF_OPT_CHAIN, o, olen, mark);
        }
        o += olen;
        left -= olen;
        break;
      default:
        o += olen;
        left -= olen;
    }
    t.close(onode);
  }
}

// ---- for NetBIOS Name Service, which reuses DNS name encoding -------------

/**
 * Expands the DNS-encoded name at off (pointers relative to dataOff) and
 * writes it, unescaped, into out (or the fixed text for a broken name, such
 * as "<Root>"). Returns the bytes the name occupies, or -1 when stopped.
 */
export function expandNameInto(off: i32, dataOff: i32, out: Text): i32 {
  const used = expandName(off, dataOff);
  if (used < 0) return -1;
  out.reset();
  switch (special) {
    case SPECIAL_ROOT: out.str("<Root>"); break;
    case SPECIAL_LOOP: out.str("<Name contains a pointer that loops>"); break;
    case SPECIAL_TOO_LONG: out.str("<Name too long>"); break;
    case SPECIAL_UNKNOWN_EXT: out.str("<Unknown extended label>"); break;
    default:
      for (let i = 0; i < rawLen; i++) out.byte(unchecked(rawName[i]));
  }
  return used;
}
