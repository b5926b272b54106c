// TLS handshake messages (RFC 5246, RFC 8446): Client Hello and Server Hello
// with their extensions, certificates, key exchange and the rest. Used by the
// record layer (tls.ts) and, for the TLS 1.3 messages carried in QUIC CRYPTO
// frames, by QUIC. The tree follows tshark 4.0's.
//
// Every length comes from the packet: each one is checked against the end of
// the message it belongs to (a vector longer than its message is truncated
// to it, as Wireshark's ssl_add_vector does), every loop consumes at least
// one byte per turn, and reads go through the tree's checked readers.

import { field, FT, BASE } from "../core/registry";
import * as t from "../core/tree";
import { frame, pinfo } from "../core/pinfo";
import * as names from "./tls_names";
import { CaptureWatch, r8, r16, r32, rval, val, noteDec, noteHex, noteText, heading, countNote, bytesCount, varint, varintLen } from "./tls_util";
import { arenaBegin, arenaAlloc } from "./quic_arena";
import { md5 } from "./tls_md5";
import { Text } from "../core/text";
import {
  sessVersion, sessCipher, sessQuic, sessFromServer, setVersion, setCipher, setServerPort, senderCcsFrame, sessionVersionOf, setApp, setResumed,
  VER_UNKNOWN, SSLV3, TLSV12, TLSV13,
} from "./tls_session";

export const HF_HANDSHAKE = field("tls.handshake", "Handshake Protocol", FT.NONE, BASE.NONE, "One handshake message: the exchange in which client and server agree on a version, a cipher suite and keys, and the server proves its identity.");
const HF_HS_TYPE = field("tls.handshake.type", "Handshake Type", FT.UINT8, BASE.DEC, "Which handshake message this is: 1 Client Hello, 2 Server Hello, 11 Certificate, 12 Server Key Exchange, 16 Client Key Exchange, 20 Finished ...");
const HF_HS_LENGTH = field("tls.handshake.length", "Length", FT.UINT24, BASE.DEC, "Length of the handshake message body in bytes.");
const HF_HS_VERSION = field("tls.handshake.version", "Version", FT.UINT16, BASE.HEX, "The version the client offers (Client Hello) or the server picks (Server Hello); TLS 1.3 keeps 0x0303 here and negotiates in the supported_versions extension.");
const HF_RANDOM = field("tls.handshake.random", "Random", FT.BYTES, BASE.NONE, "32 random bytes from each side; both go into the keys of the session.");
const HF_RANDOM_TIME = field("tls.handshake.random_time", "GMT Unix Time", FT.ABSOLUTE_TIME, BASE.NONE, "The first 4 random bytes read as a time, as versions before TLS 1.3 suggested (most implementations now send random bytes).");
const HF_RANDOM_BYTES = field("tls.handshake.random_bytes", "Random Bytes", FT.BYTES, BASE.NONE, "The remaining 28 random bytes.");
const HF_SESSION_ID_LEN = field("tls.handshake.session_id_length", "Session ID Length", FT.UINT16, BASE.DEC, "Length of the session ID (0 to 32 bytes).");
const HF_SESSION_ID = field("tls.handshake.session_id", "Session ID", FT.BYTES, BASE.NONE, "Identifies a session the client wants to resume, or the one the server assigns; TLS 1.3 clients send a random one for compatibility.");
const HF_CIPHER_SUITES_LEN = field("tls.handshake.cipher_suites_length", "Cipher Suites Length", FT.UINT16, BASE.DEC, "Length in bytes of the list of cipher suites (two bytes each).");
const HF_CIPHER_SUITES = field("tls.handshake.ciphersuites", "Cipher Suites", FT.NONE, BASE.NONE, "The cipher suites the client can use, most preferred first.");
export const HF_CIPHER_SUITE = field("tls.handshake.ciphersuite", "Cipher Suite", FT.UINT16, BASE.HEX, "A combination of key exchange, encryption and hash algorithms, such as TLS_AES_128_GCM_SHA256 (0x1301).");
const HF_COMP_METHODS_LEN = field("tls.handshake.comp_methods_length", "Compression Methods Length", FT.UINT8, BASE.DEC, "Number of compression methods offered.");
const HF_COMP_METHODS = field("tls.handshake.comp_methods", "Compression Methods", FT.NONE, BASE.NONE, "The compression methods the client offers; today only null (no compression).");
const HF_COMP_METHOD = field("tls.handshake.comp_method", "Compression Method", FT.UINT8, BASE.DEC, "A compression method: 0 means none.");
const HF_EXTS_LEN = field("tls.handshake.extensions_length", "Extensions Length", FT.UINT16, BASE.DEC, "Length in bytes of all the extensions that follow.");
const HF_EXT = field("tls.handshake.extension", "Extension", FT.NONE, BASE.NONE, "One extension of a hello message: an optional feature or parameter, identified by its type (tshark shows this heading without a field name).");
const HF_EXT_TYPE = field("tls.handshake.extension.type", "Type", FT.UINT16, BASE.DEC, "Which extension this is: 0 server_name, 10 supported_groups, 16 ALPN, 43 supported_versions, 51 key_share ...");
const HF_EXT_LEN = field("tls.handshake.extension.len", "Length", FT.UINT16, BASE.DEC, "Length of the extension's data in bytes.");
const HF_EXT_DATA = field("tls.handshake.extension.data", "Data", FT.BYTES, BASE.NONE, "The extension's data, for extensions not decoded further.");
const HF_TEXT = field("tls.text", "Text", FT.NONE, BASE.NONE, "A heading that groups the fields below it (tshark shows it as text without a field name).");
const HF_SNI_LIST_LEN = field("tls.handshake.extensions_server_name_list_len", "Server Name list length", FT.UINT16, BASE.DEC, "Length in bytes of the list of server names.");
const HF_SNI_TYPE = field("tls.handshake.extensions_server_name_type", "Server Name Type", FT.UINT8, BASE.DEC, "The kind of name: 0 is a host name.");
const HF_SNI_LEN = field("tls.handshake.extensions_server_name_len", "Server Name length", FT.UINT16, BASE.DEC, "Length of the server name in bytes.");
export const HF_SNI = field("tls.handshake.extensions_server_name", "Server Name", FT.STRING, BASE.NONE, "The host name the client wants to reach (Server Name Indication), sent in clear so the server can pick the right certificate: 'tls.handshake.extensions_server_name contains \"example\"' finds the connections to a site.");
const HF_GROUPS_LEN = field("tls.handshake.extensions_supported_groups_length", "Supported Groups List Length", FT.UINT16, BASE.DEC, "Length in bytes of the list of supported groups.");
const HF_GROUPS = field("tls.handshake.extensions_supported_groups", "Supported Groups List", FT.NONE, BASE.NONE, "The elliptic curves and finite-field groups the client can use for key exchange.");
const HF_GROUP = field("tls.handshake.extensions_supported_group", "Supported Group", FT.UINT16, BASE.HEX, "A key exchange group, such as x25519 (0x001d) or secp256r1 (0x0017).");
const HF_ECPF_LEN = field("tls.handshake.extensions_ec_point_formats_length", "EC point formats Length", FT.UINT8, BASE.DEC, "Number of elliptic curve point formats listed.");
const HF_ECPFS = field("tls.handshake.extensions_ec_point_formats", "EC point formats", FT.NONE, BASE.NONE, "The encodings of elliptic curve points the sender understands.");
const HF_ECPF = field("tls.handshake.extensions_ec_point_format", "EC point format", FT.UINT8, BASE.DEC, "An elliptic curve point encoding; 0 (uncompressed) is the usual one.");
const HF_SIG_LEN = field("tls.handshake.sig_hash_alg_len", "Signature Hash Algorithms Length", FT.UINT16, BASE.DEC, "Length in bytes of the list of signature algorithms.");
const HF_SIGS = field("tls.handshake.sig_hash_algs", "Signature Hash Algorithms", FT.NONE, BASE.NONE, "The signature algorithms the sender accepts, most preferred first.");
const HF_SIG = field("tls.handshake.sig_hash_alg", "Signature Algorithm", FT.UINT16, BASE.HEX, "A signature scheme, such as ecdsa_secp256r1_sha256 (0x0403) or rsa_pss_rsae_sha256 (0x0804).");
const HF_SIG_HASH = field("tls.handshake.sig_hash_hash", "Signature Hash Algorithm Hash", FT.UINT8, BASE.DEC, "The hash half of the signature algorithm code (TLS 1.2 naming).");
const HF_SIG_SIG = field("tls.handshake.sig_hash_sig", "Signature Hash Algorithm Signature", FT.UINT8, BASE.DEC, "The signature half of the signature algorithm code (TLS 1.2 naming).");
const HF_ALPN_LEN = field("tls.handshake.extensions_alpn_len", "ALPN Extension Length", FT.UINT16, BASE.DEC, "Length in bytes of the list of application protocols.");
const HF_ALPN_LIST = field("tls.handshake.extensions_alpn_list", "ALPN Protocol", FT.NONE, BASE.NONE, "The application protocols offered (client) or chosen (server) by Application-Layer Protocol Negotiation.");
const HF_ALPN_STR_LEN = field("tls.handshake.extensions_alpn_str_len", "ALPN string length", FT.UINT8, BASE.DEC, "Length of the protocol name.");
const HF_ALPN_STR = field("tls.handshake.extensions_alpn_str", "ALPN Next Protocol", FT.STRING, BASE.NONE, "An application protocol name: h2 (HTTP/2), http/1.1, h3 (HTTP/3) ...");
const HF_NPN_STR_LEN = field("tls.handshake.extensions_npn_str_len", "Protocol string length", FT.UINT8, BASE.DEC, "Length of the protocol name.");
const HF_NPN_STR = field("tls.handshake.extensions_npn", "Next Protocol", FT.STRING, BASE.NONE, "A protocol advertised by Next Protocol Negotiation, the predecessor of ALPN.");
const HF_RENEG_LEN = field("tls.handshake.extensions_reneg_info_len", "Renegotiation info extension length", FT.UINT8, BASE.DEC, "Length of the renegotiation data; 0 on a first handshake.");
const HF_RENEG = field("tls.handshake.extensions_reneg_info", "Renegotiation info", FT.BYTES, BASE.NONE, "Finished data of the previous handshake, which ties a renegotiation to it (RFC 5746).");
const HF_STATUS_TYPE = field("tls.handshake.extensions_status_request_type", "Certificate Status Type", FT.UINT8, BASE.DEC, "What certificate status the client asks for: 1 is an OCSP response (OCSP stapling).");
const HF_STATUS_RESPONDERS_LEN = field("tls.handshake.extensions_status_request_responder_ids_len", "Responder ID list Length", FT.UINT16, BASE.DEC, "Length of the list of OCSP responders the client trusts; usually 0.");
const HF_STATUS_EXTS_LEN = field("tls.handshake.extensions_status_request_exts_len", "Request Extensions Length", FT.UINT16, BASE.DEC, "Length of the OCSP request extensions; usually 0.");
const HF_KS_CLIENT_LEN = field("tls.handshake.extensions_key_share_client_length", "Client Key Share Length", FT.UINT16, BASE.DEC, "Length in bytes of the client's key shares.");
const HF_KS_GROUP = field("tls.handshake.extensions_key_share_group", "Group", FT.UINT16, BASE.DEC, "The group of a key share, such as x25519 (29).");
const HF_KS_KEY_LEN = field("tls.handshake.extensions_key_share_key_exchange_length", "Key Exchange Length", FT.UINT16, BASE.DEC, "Length of the public key in bytes.");
const HF_KS_KEY = field("tls.handshake.extensions_key_share_key_exchange", "Key Exchange", FT.BYTES, BASE.NONE, "An ephemeral public key for TLS 1.3's key exchange.");
const HF_KS_SELECTED = field("tls.handshake.extensions_key_share_selected_group", "Selected Group", FT.UINT16, BASE.DEC, "In a Hello Retry Request, the group the server wants the client to use.");
const HF_PSK_IDS_LEN = field("tls.handshake.extensions.psk.identities.length", "Identities Length", FT.UINT16, BASE.DEC, "Length in bytes of the pre-shared key identities offered.");
const HF_PSK_ID_LEN = field("tls.handshake.extensions.psk.identity.identity_length", "Identity Length", FT.UINT16, BASE.DEC, "Length of one identity (usually a session ticket).");
const HF_PSK_ID = field("tls.handshake.extensions.psk.identity.identity", "Identity", FT.BYTES, BASE.NONE, "A pre-shared key identity: for resumption, a ticket the server issued.");
const HF_PSK_AGE = field("tls.handshake.extensions.psk.identity.obfuscated_ticket_age", "Obfuscated Ticket Age", FT.UINT32, BASE.DEC, "The ticket's age, disguised by adding a value from the ticket.");
const HF_PSK_BINDERS_LEN = field("tls.handshake.extensions.psk.binders_len", "PSK Binders length", FT.UINT16, BASE.DEC, "Length in bytes of the binders.");
const HF_PSK_BINDERS = field("tls.handshake.extensions.psk.binders", "PSK Binders", FT.NONE, BASE.NONE, "Values that prove the client holds each pre-shared key.");
const HF_PSK_SELECTED = field("tls.handshake.extensions.psk.identity.selected", "Selected Identity", FT.UINT16, BASE.DEC, "Which offered identity the server accepted (counted from 0).");
const HF_SV_LEN = field("tls.handshake.extensions.supported_versions_len", "Supported Versions length", FT.UINT8, BASE.DEC, "Length in bytes of the list of versions.");
const HF_SV = field("tls.handshake.extensions.supported_version", "Supported Version", FT.UINT16, BASE.HEX, "A TLS version the client supports, or (Server Hello) the one the server chose: 0x0304 is TLS 1.3.");
const HF_COOKIE_LEN = field("tls.handshake.extensions.cookie_len", "Cookie length", FT.UINT16, BASE.DEC, "Length of the cookie.");
const HF_COOKIE = field("tls.handshake.extensions.cookie", "Cookie", FT.BYTES, BASE.NONE, "Data a server sends in a Hello Retry Request for the client to echo back.");
const HF_PSK_MODES_LEN = field("tls.extension.psk_ke_modes_length", "PSK Key Exchange Modes Length", FT.UINT8, BASE.DEC, "Number of key exchange modes listed.");
const HF_PSK_MODE = field("tls.extension.psk_ke_mode", "PSK Key Exchange Mode", FT.UINT8, BASE.DEC, "How a resumed TLS 1.3 session may derive keys: 1 means with a fresh (EC)DHE exchange.");
const HF_PADDING = field("tls.handshake.extensions_padding_data", "Padding Data", FT.BYTES, BASE.NONE, "Zero bytes that pad the Client Hello to a size that avoids bugs in some servers.");
const HF_HEARTBEAT_MODE = field("tls.handshake.extension.heartbeat.mode", "Mode", FT.UINT8, BASE.DEC, "Whether the peer may send heartbeat requests.");
const HF_RECORD_SIZE_LIMIT = field("tls.record_size_limit", "Record Size Limit", FT.UINT16, BASE.DEC, "The largest record the sender wants to receive.");
const HF_MAX_FRAGMENT = field("tls.handshake.max_fragment_length", "Maximum Fragment Length", FT.UINT8, BASE.DEC, "A smaller record size the client asks for (1: 512 bytes ... 4: 4096 bytes).");
const HF_CC_ALGS_LEN = field("tls.compress_certificate.algorithms_length", "Algorithms Length", FT.UINT8, BASE.DEC, "Length of the list of certificate compression algorithms.");
const HF_CC_ALG = field("tls.compress_certificate.algorithm", "Algorithm", FT.UINT16, BASE.DEC, "A certificate compression algorithm: 1 zlib, 2 brotli, 3 zstd.");
const HF_CC_UNCOMPRESSED = field("tls.compress_certificate.uncompressed_length", "Uncompressed Length", FT.UINT24, BASE.DEC, "Size of the certificate message once decompressed.");
const HF_CC_MSG_LEN = field("tls.compress_certificate.compressed_certificate_message.length", "Length", FT.UINT24, BASE.DEC, "Length of the compressed certificate message.");
const HF_CC_MSG = field("tls.compress_certificate.compressed_certificate_message", "Compressed Certificate Message", FT.BYTES, BASE.NONE, "The compressed Certificate message.");
const HF_EARLY_DATA_MAX = field("tls.early_data.max_early_data_size", "Maximum Early Data Size", FT.UINT32, BASE.DEC, "How much 0-RTT data the server will accept with this ticket.");
const HF_ALPS_LEN = field("tls.handshake.extensions_alps_len", "ALPS Extension Length", FT.UINT16, BASE.DEC, "Length of the list of protocols for which the client supports application settings.");
const HF_ALPS_LIST = field("tls.handshake.extensions_alps_alpn_list", "Supported ALPN List", FT.NONE, BASE.NONE, "Protocols for which the client can exchange settings in the handshake (ALPS).");
const HF_ALPS_STR_LEN = field("tls.handshake.extensions_alps_alpn_str_len", "Supported ALPN Length", FT.UINT8, BASE.DEC, "Length of the protocol name.");
const HF_ALPS_STR = field("tls.handshake.extensions_alps_alpn_str", "Supported ALPN", FT.STRING, BASE.NONE, "A protocol name, such as h2.");
const HF_QUIC_PARAM = field("tls.quic.parameter", "Parameter", FT.NONE, BASE.NONE, "One QUIC transport parameter: a limit or setting of the QUIC connection carried in the TLS handshake.");
const HF_QUIC_PARAM_TYPE = field("tls.quic.parameter.type", "Type", FT.UINT64, BASE.DEC, "Which transport parameter this is.");
const HF_QUIC_PARAM_LEN = field("tls.quic.parameter.length", "Length", FT.UINT64, BASE.DEC, "Length of the parameter value in bytes.");
const HF_QUIC_PARAM_VALUE = field("tls.quic.parameter.value", "Value", FT.BYTES, BASE.NONE, "The parameter value as bytes.");
const HF_QP_ODCID = field("tls.quic.parameter.original_destination_connection_id", "original_destination_connection_id", FT.BYTES, BASE.NONE, "The Destination Connection ID of the client's first Initial packet, echoed by the server.");
const HF_QP_IDLE = field("tls.quic.parameter.max_idle_timeout", "max_idle_timeout", FT.UINT64, BASE.DEC, "Milliseconds of silence after which the connection is closed.");
const HF_QP_RESET_TOKEN = field("tls.quic.parameter.stateless_reset_token", "stateless_reset_token", FT.BYTES, BASE.NONE, "A token that lets the server reset the connection without state.");
const HF_QP_UDP_SIZE = field("tls.quic.parameter.max_udp_payload_size", "max_udp_payload_size", FT.UINT64, BASE.DEC, "The largest UDP payload the sender accepts.");
const HF_QP_MAX_DATA = field("tls.quic.parameter.initial_max_data", "initial_max_data", FT.UINT64, BASE.DEC, "How many bytes the peer may send on the whole connection at first.");
const HF_QP_BIDI_LOCAL = field("tls.quic.parameter.initial_max_stream_data_bidi_local", "initial_max_stream_data_bidi_local", FT.UINT64, BASE.DEC, "Initial flow control limit for bidirectional streams the sender opens.");
const HF_QP_BIDI_REMOTE = field("tls.quic.parameter.initial_max_stream_data_bidi_remote", "initial_max_stream_data_bidi_remote", FT.UINT64, BASE.DEC, "Initial flow control limit for bidirectional streams the peer opens.");
const HF_QP_UNI = field("tls.quic.parameter.initial_max_stream_data_uni", "initial_max_stream_data_uni", FT.UINT64, BASE.DEC, "Initial flow control limit for unidirectional streams.");
const HF_QP_STREAMS_BIDI = field("tls.quic.parameter.initial_max_streams_bidi", "initial_max_streams_bidi", FT.UINT64, BASE.DEC, "How many bidirectional streams the peer may open.");
const HF_QP_STREAMS_UNI = field("tls.quic.parameter.initial_max_streams_uni", "initial_max_streams_uni", FT.UINT64, BASE.DEC, "How many unidirectional streams the peer may open.");
const HF_QP_ACK_EXP = field("tls.quic.parameter.ack_delay_exponent", "ack_delay_exponent", FT.UINT64, BASE.DEC, "Scale of the ACK Delay field (a power of two of microseconds).");
const HF_QP_MAX_ACK_DELAY = field("tls.quic.parameter.max_ack_delay", "max_ack_delay", FT.UINT64, BASE.DEC, "The longest the sender delays acknowledgments, in milliseconds.");
const HF_QP_CID_LIMIT = field("tls.quic.parameter.active_connection_id_limit", "Active Connection ID Limit", FT.UINT64, BASE.DEC, "How many connection IDs the sender is willing to keep.");
const HF_QP_ISCID = field("tls.quic.parameter.initial_source_connection_id", "Initial Source Connection ID", FT.BYTES, BASE.NONE, "The Source Connection ID of the sender's first Initial packet.");
const HF_QP_RSCID = field("tls.quic.parameter.retry_source_connection_id", "Retry Source Connection ID", FT.BYTES, BASE.NONE, "The Source Connection ID of the server's Retry packet.");
const HF_QP_DATAGRAM = field("tls.quic.parameter.max_datagram_frame_size", "max_datagram_frame_size", FT.UINT64, BASE.DEC, "The largest DATAGRAM frame the sender accepts.");
const HF_CERTS_LEN = field("tls.handshake.certificates_length", "Certificates Length", FT.UINT24, BASE.DEC, "Length in bytes of the certificate chain.");
const HF_CERTS = field("tls.handshake.certificates", "Certificates", FT.NONE, BASE.NONE, "The certificate chain: the sender's certificate first, then the ones that vouch for it.");
const HF_CERT_LEN = field("tls.handshake.certificate_length", "Certificate Length", FT.UINT24, BASE.DEC, "Length of one certificate in bytes.");
const HF_CERT = field("tls.handshake.certificate", "Certificate", FT.BYTES, BASE.NONE, "One X.509 certificate, in DER encoding.");
const HF_CERT_CTX_LEN = field("tls.handshake.certificate_request_context_length", "Certificate Request Context Length", FT.UINT8, BASE.DEC, "Length of the certificate request context (TLS 1.3).");
const HF_CERT_CTX = field("tls.handshake.certificate_request_context", "Certificate Request Context", FT.BYTES, BASE.NONE, "Identifies which certificate request a certificate answers (TLS 1.3).");
const HF_CURVE_TYPE = field("tls.handshake.server_curve_type", "Curve Type", FT.UINT8, BASE.HEX, "How the curve is given: 3 means by name.");
const HF_NAMED_CURVE = field("tls.handshake.server_named_curve", "Named Curve", FT.UINT16, BASE.HEX, "The elliptic curve of the server's key exchange.");
const HF_SRV_POINT_LEN = field("tls.handshake.server_point_len", "Pubkey Length", FT.UINT8, BASE.DEC, "Length of the server's ephemeral public key.");
const HF_SRV_POINT = field("tls.handshake.server_point", "Pubkey", FT.BYTES, BASE.NONE, "The server's ephemeral elliptic curve public key.");
const HF_P_LEN = field("tls.handshake.p_len", "p Length", FT.UINT16, BASE.DEC, "Length of the Diffie-Hellman prime.");
const HF_P = field("tls.handshake.p", "p", FT.BYTES, BASE.NONE, "The Diffie-Hellman prime modulus.");
const HF_G_LEN = field("tls.handshake.g_len", "g Length", FT.UINT16, BASE.DEC, "Length of the Diffie-Hellman generator.");
const HF_G = field("tls.handshake.g", "g", FT.BYTES, BASE.NONE, "The Diffie-Hellman generator.");
const HF_YS_LEN = field("tls.handshake.ys_len", "Pubkey Length", FT.UINT16, BASE.DEC, "Length of the server's Diffie-Hellman public value.");
const HF_YS = field("tls.handshake.ys", "Pubkey", FT.BYTES, BASE.NONE, "The server's Diffie-Hellman public value.");
const HF_SKE_SIG_LEN = field("tls.handshake.sig_len", "Signature Length", FT.UINT16, BASE.DEC, "Length of the signature over the key exchange parameters.");
const HF_SKE_SIG = field("tls.handshake.sig", "Signature", FT.BYTES, BASE.NONE, "The server's signature over the key exchange parameters, made with its certificate's key.");
const HF_MODULUS_LEN = field("tls.handshake.modulus_len", "Modulus Length", FT.UINT16, BASE.DEC, "Length of the temporary RSA modulus.");
const HF_MODULUS = field("tls.handshake.modulus", "Modulus", FT.BYTES, BASE.NONE, "A temporary RSA modulus (export cipher suites).");
const HF_EXPONENT_LEN = field("tls.handshake.exponent_len", "Exponent Length", FT.UINT16, BASE.DEC, "Length of the temporary RSA exponent.");
const HF_EXPONENT = field("tls.handshake.exponent", "Exponent", FT.BYTES, BASE.NONE, "A temporary RSA public exponent (export cipher suites).");
const HF_HINT_LEN = field("tls.handshake.hint_len", "Hint Length", FT.UINT16, BASE.DEC, "Length of the pre-shared key identity hint.");
const HF_HINT = field("tls.handshake.hint", "Hint", FT.BYTES, BASE.NONE, "A hint from the server about which pre-shared key to use.");
const HF_CLI_POINT_LEN = field("tls.handshake.client_point_len", "Pubkey Length", FT.UINT8, BASE.DEC, "Length of the client's ephemeral public key.");
const HF_CLI_POINT = field("tls.handshake.client_point", "Pubkey", FT.BYTES, BASE.NONE, "The client's ephemeral elliptic curve public key.");
const HF_YC_LEN = field("tls.handshake.yc_len", "Pubkey Length", FT.UINT16, BASE.DEC, "Length of the client's Diffie-Hellman public value.");
const HF_YC = field("tls.handshake.yc", "Pubkey", FT.BYTES, BASE.NONE, "The client's Diffie-Hellman public value.");
const HF_EPMS_LEN = field("tls.handshake.epms_len", "Encrypted PreMaster length", FT.UINT16, BASE.DEC, "Length of the encrypted premaster secret.");
const HF_EPMS = field("tls.handshake.epms", "Encrypted PreMaster", FT.BYTES, BASE.NONE, "The premaster secret, encrypted with the server's RSA key: whoever has that key can decrypt the whole session.");
const HF_IDENTITY_LEN = field("tls.handshake.identity_len", "Identity Length", FT.UINT16, BASE.DEC, "Length of the pre-shared key identity.");
const HF_IDENTITY = field("tls.handshake.identity", "Identity", FT.BYTES, BASE.NONE, "The identity of the pre-shared key the client uses.");
const HF_CERT_TYPES_COUNT = field("tls.handshake.cert_types_count", "Certificate types count", FT.UINT8, BASE.DEC, "Number of certificate types the server accepts.");
const HF_CERT_TYPES = field("tls.handshake.cert_types", "Certificate types", FT.NONE, BASE.NONE, "The kinds of client certificate the server accepts.");
const HF_CERT_TYPE = field("tls.handshake.cert_type", "Certificate type", FT.UINT8, BASE.DEC, "A kind of client certificate, such as RSA Sign or ECDSA Sign.");
const HF_DNAMES_LEN = field("tls.handshake.dnames_len", "Distinguished Names Length", FT.UINT16, BASE.DEC, "Length of the list of certificate authorities the server trusts.");
const HF_DNAMES = field("tls.handshake.dnames", "Distinguished Names", FT.NONE, BASE.NONE, "The certificate authorities whose client certificates the server accepts.");
const HF_DNAME_LEN = field("tls.handshake.dname_len", "Distinguished Name Length", FT.UINT16, BASE.DEC, "Length of one authority's name.");
const HF_DNAME = field("tls.handshake.dname", "Distinguished Name", FT.NONE, BASE.NONE, "The name of a certificate authority (DER encoded).");
const HF_TICKET_LIFETIME = field("tls.handshake.session_ticket_lifetime_hint", "Session Ticket Lifetime Hint", FT.UINT32, BASE.DEC, "How many seconds the client may keep the ticket.");
const HF_TICKET_AGE_ADD = field("tls.handshake.session_ticket_age_add", "Session Ticket Age Add", FT.UINT32, BASE.DEC, "A random value that disguises the ticket's age when it is used (TLS 1.3).");
const HF_TICKET_NONCE_LEN = field("tls.handshake.session_ticket_nonce_length", "Session Ticket Nonce Length", FT.UINT8, BASE.DEC, "Length of the ticket nonce.");
const HF_TICKET_NONCE = field("tls.handshake.session_ticket_nonce", "Session Ticket Nonce", FT.BYTES, BASE.NONE, "A value unique to each ticket of the connection (TLS 1.3).");
const HF_TICKET_LEN = field("tls.handshake.session_ticket_length", "Session Ticket Length", FT.UINT16, BASE.DEC, "Length of the ticket.");
const HF_TICKET = field("tls.handshake.session_ticket", "Session Ticket", FT.BYTES, BASE.NONE, "An opaque ticket the client presents later to resume the session without a full handshake.");
const HF_CV_SIG_LEN = field("tls.handshake.client_cert_vrfy.sig_len", "Signature length", FT.UINT16, BASE.DEC, "Length of the Certificate Verify signature.");
const HF_CV_SIG = field("tls.handshake.client_cert_vrfy.sig", "Signature", FT.BYTES, BASE.NONE, "A signature over the handshake so far, proving the sender holds its certificate's private key.");
const HF_VERIFY_DATA = field("tls.handshake.verify_data", "Verify Data", FT.NONE, BASE.NONE, "A hash of the whole handshake keyed with the new secrets: both sides check they saw the same messages.");
const HF_OCSP_LEN = field("tls.handshake.ocsp_response_len", "OCSP Response Length", FT.UINT24, BASE.DEC, "Length of the stapled OCSP response.");
const HF_KEY_UPDATE = field("tls.handshake.key_update.request_update", "Key Update Request", FT.UINT8, BASE.DEC, "Whether the receiver should update its own sending keys too (TLS 1.3).");
const HF_NPN_SEL_LEN = field("tls.handshake.npn_selected_protocol_len", "Selected Protocol Length", FT.UINT8, BASE.DEC, "Length of the protocol the client chose by Next Protocol Negotiation.");
const HF_NPN_SEL = field("tls.handshake.npn_selected_protocol", "Selected Protocol", FT.STRING, BASE.NONE, "The protocol the client chose by Next Protocol Negotiation.");
const HF_NPN_PAD_LEN = field("tls.handshake.npn_padding_len", "Padding Length", FT.UINT8, BASE.DEC, "Length of the padding that hides the protocol name's length.");
const HF_JA3_FULL = field("tls.handshake.ja3_full", "JA3 Fullstring", FT.STRING, BASE.NONE, "The client's JA3 fingerprint as text: version, cipher suites, extensions, groups and point formats (GREASE values left out).");
const HF_JA3 = field("tls.handshake.ja3", "JA3", FT.STRING, BASE.NONE, "MD5 of the JA3 text: a short fingerprint of the TLS client software, the same for every connection it makes.");
const HF_JA3S_FULL = field("tls.handshake.ja3s_full", "JA3S Fullstring", FT.STRING, BASE.NONE, "The server's JA3S fingerprint as text: version, chosen cipher suite and extensions.");
const HF_JA3S = field("tls.handshake.ja3s", "JA3S", FT.STRING, BASE.NONE, "MD5 of the JA3S text: a fingerprint of the server's answer to a given client.");
const HF_FRAGMENTS = field("tls.handshake.fragments", "Reassembled Handshake Fragments", FT.NONE, BASE.NONE, "The pieces a handshake message spanning several records was rebuilt from.");
const HF_FRAGMENT = field("tls.handshake.fragment", "Handshake Fragment", FT.FRAMENUM, BASE.NONE, "The frame holding one piece of the handshake message.");
const HF_FRAGMENT_COUNT = field("tls.handshake.fragment.count", "Handshake Fragment count", FT.UINT32, BASE.DEC, "How many pieces the handshake message was rebuilt from.");
const HF_REASSEMBLED = field("tls.handshake.reassembled_data", "Reassembled TLS Handshake", FT.BYTES, BASE.NONE, "A handshake message put together from several records.");
const HF_NPN_PAD = field("tls.handshake.npn_padding", "Padding", FT.BYTES, BASE.NONE, "Padding that hides the protocol name's length.");

const HND_HELLO_REQUEST: u32 = 0;
const HND_CLIENT_HELLO: u32 = 1;
const HND_SERVER_HELLO: u32 = 2;
const HND_NEW_SESSION_TICKET: u32 = 4;
const HND_HELLO_RETRY_REQUEST: u32 = 6;
const HND_ENCRYPTED_EXTENSIONS: u32 = 8;
const HND_CERTIFICATE: u32 = 11;
const HND_SERVER_KEY_EXCHANGE: u32 = 12;
const HND_CERT_REQUEST: u32 = 13;
const HND_SERVER_HELLO_DONE: u32 = 14;
const HND_CERT_VERIFY: u32 = 15;
const HND_CLIENT_KEY_EXCHANGE: u32 = 16;
const HND_FINISHED: u32 = 20;
const HND_CERT_STATUS: u32 = 22;
const HND_KEY_UPDATE: u32 = 24;
const HND_COMPRESSED_CERTIFICATE: u32 = 25;
const HND_ENCRYPTED_EXTS: u32 = 67;

/** The Info column may be written (QUIC makes it read-only while TLS runs, as tshark does). */
export let infoWritable: bool = true;
export function setInfoWritable(w: bool): void {
  infoWritable = w;
}

/** A Server Hello was read since the last reset: the record layer updates the Protocol column. */
export let sawServerHello: bool = false;
export function clearSawServerHello(): void {
  sawServerHello = false;
}

/** Appends to the Info column, after ", " when it is not empty (col_append_sep_str). */
export function appendInfo(s: string): void {
  if (!t.detail || !infoWritable) return;
  if (t.info.len > 0) t.info.str(", ");
  t.info.str(s);
}

/** tshark's short version names, as in the Protocol column ("TLSv1.2"). */
export function shortVersionName(v: u32): string | null {
  switch (v) {
    case 0x0002:
      return "SSLv2";
    case 0x0300:
      return "SSLv3";
    case 0x0301:
      return "TLSv1";
    case 0x0101:
      return "TLCP";
    case 0x0302:
      return "TLSv1.1";
    case 0x0303:
      return "TLSv1.2";
    case 0x0304:
      return "TLSv1.3";
  }
  return null;
}

function shortOr(v: u32, dflt: string): string {
  const s = shortVersionName(v);
  return s !== null ? s : dflt;
}

/** "TLSv1.2 Record Layer: Handshake Protocol: " followed by `what`. */
function recordLabel(recordNode: i32, version: u32, what: string, suffix: string): void {
  if (recordNode < 0 || !t.detail) return;
  const m = t.beginNote();
  t.pool.str(shortOr(version, "TLS"));
  t.pool.str(" Record Layer: Handshake Protocol: ");
  t.pool.str(what);
  t.pool.str(suffix);
  t.endNote(recordNode, m);
}

// ---- safe peeks (no node, never stop the dissection) ----------------------

function peek8(off: i32): u32 {
  return t.has(off, 1) ? <u32>load<u8>(t.at(off)) : 0;
}
function peek16(off: i32): u32 {
  return t.has(off, 2) ? (<u32>load<u8>(t.at(off)) << 8) | <u32>load<u8>(t.at(off + 1)) : 0;
}
function peek24(off: i32): u32 {
  return t.has(off, 3) ? (peek16(off) << 8) | peek8(off + 2) : 0;
}

/**
 * A length-prefixed vector (Wireshark's ssl_add_vector): adds the length
 * field of `size` bytes and returns the length, cut to what remains before
 * `end`; -1 when the length itself does not fit.
 */
function vector(hf: u16, off: i32, end: i32, size: i32): i32 {
  if (off > end || end - off < size) return -1;
  let v: u32 = 0;
  if (size == 1) v = t.f8(hf, off);
  else if (size == 2) v = t.f16(hf, off);
  else v = t.f24(hf, off);
  if (t.stopped) return -1;
  const room = end - off - size;
  return <i32>v > room ? room : <i32>v;
}

// ---- state and version -----------------------------------------------------

/** Wireshark's ssl_is_valid_handshake_type (TLS). */
function validHandshakeType(ht: u32): bool {
  return names.handshakeTypeName(ht) !== null;
}

/** Wireshark's ssl_try_set_version: only messages other than Client Hello fix the version. */
export function trySetVersion(contentType: u32, hsType: u32, version: u32): void {
  const authoritative =
    (contentType == 22 && validHandshakeType(hsType) && hsType != HND_CLIENT_HELLO) ||
    (contentType != 22 && contentType >= 20 && contentType <= 25);
  if (!authoritative) return;
  const v = sessionVersionOf(version);
  if (v == VER_UNKNOWN) return;
  setVersion(v);
}

let scanIsHrr = false;

/** tls_scan_server_hello: the version a Server Hello settles on (its supported_versions extension for TLS 1.3). */
function scanServerHello(off: i32, end: i32): u32 {
  scanIsHrr = false;
  let version = peek16(off);
  if (version == 0x0303 && end - off >= 46 && t.has(off, 46)) {
    let o = off + 2;
    scanIsHrr = isHrrRandom(o);
    o += 32;
    const sidLen = <i32>peek8(o);
    o++;
    if (end - o < sidLen + 5) return version;
    o += sidLen + 5;
    let guard = 0;
    while (end - o >= 6 && guard++ < 4096) {
      if (!t.has(o, 4)) break;
      const type = peek16(o);
      const len = <i32>peek16(o + 2);
      if (end - o < 4 + len) break;
      o += 4;
      if (type == 43) {
        if (len == 2) version = peek16(o);
        break;
      }
      o += len;
    }
  }
  return version;
}

const HRR_MAGIC: StaticArray<u8> = [
  0xcf, 0x21, 0xad, 0x74, 0xe5, 0x9a, 0x61, 0x11, 0xbe, 0x1d, 0x8c, 0x02, 0x1e, 0x65, 0xb8, 0x91,
  0xc2, 0xa2, 0x11, 0x16, 0x7a, 0xbb, 0x8c, 0x5e, 0x07, 0x9e, 0x09, 0xe2, 0xc8, 0xa8, 0x33, 0x9c,
];

/** The Server Hello random is SHA-256("HelloRetryRequest"): the message is a Hello Retry Request. */
function isHrrRandom(off: i32): bool {
  if (!t.has(off, 32)) return false;
  for (let i = 0; i < 32; i++) if (load<u8>(t.at(off + i)) != unchecked(HRR_MAGIC[i])) return false;
  return true;
}

/** Wireshark's is_encrypted_handshake_message. */
function looksEncrypted(off: i32, end: i32, maybeEncrypted: bool): bool {
  if (end - off < 16 || !t.has(off, 5)) return false;
  let maybe = maybeEncrypted;
  if (maybe) maybe = peek8(off) == 0 && peek16(off + 1) == 0 && peek16(off + 3) == 0;
  let msgType: u32 = 0;
  let msgLen: u32 = 0;
  if (!maybe) {
    msgType = peek8(off);
    maybe = !validHandshakeType(msgType);
    if (!maybe) {
      msgLen = peek24(off + 1);
      maybe = msgLen >= 0x10000;
    }
  }
  if (!maybe) {
    // After the sender's ChangeCipherSpec (in an earlier frame), its handshake is encrypted.
    const ccs = senderCcsFrame();
    if (ccs != 0 && frame.number > ccs) {
      if (msgType == HND_CLIENT_HELLO || msgType == HND_SERVER_HELLO) {
        maybe = names.versionName(peek16(off + 4)) === null;
        if (!maybe) maybe = msgLen >= 0x400;
      } else maybe = true;
    }
  }
  return maybe;
}

// ---- handshake messages spanning records --------------------------------------

// A handshake message longer than its record continues in the next records
// of the same direction (certificate chains, large ClientHellos): the pieces
// are kept here and the message is read once complete. While tracking, the
// pieces carry over between packets; otherwise only within one TCP payload.
const FRAG_CAP: i32 = 65536;
const FRAG_SLOTS = 4;

const PIECES = 32;

class Fragment {
  key: i32 = -1;
  buf: usize = 0;
  have: i32 = 0;
  type: u32 = 0;
  age: u32 = 0;
  /** Frame and length of each piece (the first PIECES of them). */
  pieceFrame: StaticArray<u32> = new StaticArray<u32>(PIECES);
  pieceLen: StaticArray<i32> = new StaticArray<i32>(PIECES);
  pieces: i32 = 0;
  constructor() {
    this.buf = heap.alloc(<usize>FRAG_CAP);
  }
  addPiece(n: i32): void {
    if (this.pieces < PIECES) {
      unchecked((this.pieceFrame[this.pieces] = frame.number));
      unchecked((this.pieceLen[this.pieces] = n));
    }
    this.pieces++;
  }
  /** Total message length once the 4-byte header has arrived, else 0. */
  total(): i32 {
    if (this.have < 4) return 0;
    return 4 + ((<i32>load<u8>(this.buf + 1) << 16) | (<i32>load<u8>(this.buf + 2) << 8) | <i32>load<u8>(this.buf + 3));
  }
}

const fragSlots = new StaticArray<Fragment>(FRAG_SLOTS);
for (let i = 0; i < FRAG_SLOTS; i++) fragSlots[i] = new Fragment();
const fragScratch = new Fragment();
let fragClock: u32 = 0;
let fragStream: i32 = -1;
const fragWatch = new CaptureWatch();

export function resetHandshakeReassembly(): void {
  for (let i = 0; i < FRAG_SLOTS; i++) unchecked(fragSlots[i]).key = -1;
  fragScratch.key = -1;
}

function checkFragmentsCapture(): void {
  if (fragWatch.changed()) resetHandshakeReassembly();
}

/** Called by the record layer before each TCP payload. */
export function beginHandshakeReassembly(stream: i32, firstCallInFrame: bool): void {
  checkFragmentsCapture();
  fragStream = stream;
  if (!frame.track) fragScratch.key = -1;
  if (firstCallInFrame) arenaBegin();
}

/**
 * QUIC's CRYPTO stream of connection `conn`: messages cut at the end of a
 * CRYPTO frame continue in the next frames. `newDatagram` starts the pieces
 * kept without tracking afresh.
 */
export function beginQuicHandshakeReassembly(conn: i32, newDatagram: bool): void {
  checkFragmentsCapture();
  fragStream = conn < 0 ? -1 : (1 << 28) + conn;
  if (!frame.track && newDatagram) fragScratch.key = -1;
}

function fragKey(): i32 {
  return fragStream < 0 ? -1 : fragStream * 2 + (sessFromServer ? 1 : 0);
}

/** The message waiting in this direction, or null. */
function pendingFragment(): Fragment | null {
  const key = fragKey();
  if (key < 0) return null;
  if (!frame.track) return fragScratch.key == key ? fragScratch : null;
  for (let i = 0; i < FRAG_SLOTS; i++) {
    const f = unchecked(fragSlots[i]);
    if (f.key == key) return f;
  }
  return null;
}

/** Starts keeping a message that continues beyond [off, off + n). */
function startFragment(off: i32, n: i32): void {
  const key = fragKey();
  if (key < 0 || n > FRAG_CAP || !t.has(off, n)) return;
  let f = fragScratch;
  if (frame.track) {
    f = unchecked(fragSlots[0]);
    for (let i = 0; i < FRAG_SLOTS; i++) {
      const g = unchecked(fragSlots[i]);
      if (g.key == key) {
        f = g;
        break;
      }
      if (g.age < f.age) f = g;
    }
  }
  f.key = key;
  f.age = ++fragClock;
  f.have = n;
  f.type = peek8(off);
  f.pieces = 0;
  f.addPiece(n);
  memory.copy(f.buf, t.at(off), <usize>n);
}

/** The list of pieces of a rebuilt message, in its own data source. */
function showPieces(f: Fragment, total: i32): void {
  const g = t.open(HF_FRAGMENTS, 0, total);
  if (g >= 0 && t.detail) {
    const m = t.beginNote();
    t.pool.dec(<u64>f.pieces);
    t.pool.str(" Reassembled Handshake Fragments (");
    t.pool.dec(<u64>total);
    t.pool.str(" bytes): ");
    const n = f.pieces < PIECES ? f.pieces : PIECES;
    for (let i = 0; i < n; i++) {
      if (i > 0) t.pool.str(", ");
      t.pool.str("#");
      t.pool.dec(unchecked(f.pieceFrame[i]));
      t.pool.str("(");
      t.pool.dec(<u64>unchecked(f.pieceLen[i]));
      t.pool.str(")");
    }
    t.endNote(g, m);
  }
  let at = 0;
  const n = f.pieces < PIECES ? f.pieces : PIECES;
  for (let i = 0; i < n; i++) {
    const len = unchecked(f.pieceLen[i]);
    const fi = t.fval(HF_FRAGMENT, at, len, <u64>unchecked(f.pieceFrame[i]));
    if (fi >= 0 && t.detail) {
      const m = t.beginNote();
      t.pool.str("Frame: ");
      t.pool.dec(unchecked(f.pieceFrame[i]));
      t.pool.str(", payload: ");
      t.pool.dec(<u64>at);
      t.pool.str("-");
      t.pool.dec(<u64>(at + len - 1));
      t.pool.str(" (");
      t.pool.dec(<u64>len);
      t.pool.str(len == 1 ? " byte)" : " bytes)");
      t.endNote(fi, m);
    }
    at += len;
  }
  t.fval(HF_FRAGMENT_COUNT, 0, 0, <u64>f.pieces);
  t.close(g);
}

/**
 * A record continuing a kept message: its first bytes complete (or extend)
 * the message. Returns the offset after the bytes used; `first` tells
 * whether a message was shown before in the record.
 */
function continueFragment(f: Fragment, off: i32, end: i32, recordNode: i32, version: u32): i32 {
  let used = 0;
  // The 4-byte header may itself be split.
  if (f.have < 4) {
    const n = 4 - f.have < end - off ? 4 - f.have : end - off;
    if (!t.has(off, n)) return end;
    memory.copy(f.buf + <usize>f.have, t.at(off), <usize>n);
    f.have += n;
    used = n;
    f.addPiece(n);
    if (f.have < 4) {
      const node = showDetails(recordNode, version, f.type, false, true, false, off, end - off);
      t.close(node);
      return end;
    }
  }
  const total = f.total();
  if (total > FRAG_CAP) {
    // Too large to keep: show the pieces only.
    f.key = -1;
    const node = showDetails(recordNode, version, f.type, false, true, false, off, end - off);
    t.close(node);
    return end;
  }
  const wanted = total - f.have;
  const take = wanted < end - off - used ? wanted : end - off - used;
  if (take > 0) {
    if (!t.has(off + used, take)) return end;
    memory.copy(f.buf + <usize>f.have, t.at(off + used), <usize>take);
    f.have += take;
    used += take;
    if (used == take) f.addPiece(take);
    else unchecked((f.pieceLen[(f.pieces - 1) < PIECES ? f.pieces - 1 : PIECES - 1] += take));
  }
  if (f.have < total) {
    const node = showDetails(recordNode, version, f.type, false, true, false, off, end - off);
    t.close(node);
    return end;
  }
  // Complete: the last piece, then the whole message from its own data source.
  f.key = -1;
  const name = names.handshakeTypeName(f.type);
  const last = t.open(HF_HANDSHAKE, off, used);
  if (last >= 0 && t.detail) {
    const m = t.beginNote();
    t.pool.str("Handshake Protocol: ");
    t.pool.str(name !== null ? name : "Encrypted Handshake Message");
    t.pool.str(" (last fragment)");
    t.endNote(last, m);
  }
  t.close(last);
  if (t.detail) {
    const copy = arenaAlloc(total);
    if (copy != 0) {
      memory.copy(copy, f.buf, <usize>total);
      const lim = t.limit;
      const saved = t.enterSource(copy, total, HF_REASSEMBLED);
      const wasStopped = t.stopped;
      showPieces(f, total);
      message(0, total, true, recordNode, version);
      t.leaveSource(saved);
      t.setLimit(lim);
      t.setStopped(wasStopped);
    }
  } else {
    summaryMessage(f.buf, total, true);
  }
  return off + used;
}

// ---- handshake layer --------------------------------------------------------

/**
 * Shows a handshake message that is encrypted or cut short: the Info column,
 * the record label and a Handshake Protocol node (returned open).
 */
function showDetails(recordNode: i32, version: u32, msgType: u32, encrypted: bool, first: bool, complete: bool, off: i32, len: i32): i32 {
  let s = "Encrypted Handshake Message";
  if (!encrypted) {
    const n = names.handshakeTypeName(msgType);
    if (n !== null) s = n;
  }
  if (complete) appendInfo(s);
  else if (first && t.detail && infoWritable) {
    if (t.info.len > 0) t.info.str(", ");
    t.info.str("[");
    t.info.str(s);
    t.info.str(" Fragment]");
  }
  const frag = !complete && !encrypted;
  if (first) recordLabel(recordNode, version, s, frag ? " (fragment)" : "");
  else recordLabel(recordNode, version, "Multiple Handshake Messages", "");
  const node = t.open(HF_HANDSHAKE, off, len);
  if (node >= 0 && t.detail) {
    const m = t.beginNote();
    t.pool.str("Handshake Protocol: ");
    t.pool.str(s);
    if (frag) t.pool.str(" (fragment)");
    t.endNote(node, m);
  }
  return node;
}

/**
 * Dissects the handshake messages in [off, end): the body of a Handshake
 * record, or (maybeEncrypted false) TLS 1.3 messages from QUIC CRYPTO frames.
 * `recordNode` receives the record label; `version` names it.
 */
export function dissectHandshake(off: i32, end: i32, maybeEncrypted: bool, recordNode: i32, version: u32): void {
  let o = off;
  let first = true;
  const f = pendingFragment();
  if (f !== null) {
    o = continueFragment(f, off, end, recordNode, version);
    first = false;
  } else if (looksEncrypted(off, end, maybeEncrypted)) {
    const n = showDetails(recordNode, version, 0, true, true, true, off, end - off);
    t.close(n);
    return;
  }
  let guard = 0;
  while (o < end && !t.stopped && guard++ < 65536) {
    const subset = end - o;
    const msgLen: i32 = subset >= 4 && t.has(o, 4) ? 4 + <i32>peek24(o + 1) : 0;
    if (msgLen == 0 || subset < msgLen) {
      // The message goes on beyond this record.
      if (t.detail) {
        const n = showDetails(recordNode, version, peek8(o), false, first, false, o, subset);
        t.close(n);
      }
      startFragment(o, subset);
      break;
    }
    if (t.detail) message(o, msgLen, first, recordNode, version);
    else if (t.has(o, msgLen)) summaryMessage(t.at(o), msgLen, first);
    o += msgLen;
    first = false;
  }
}

// Reads from memory, for the summary pass (records and reassembled messages).
function mpeek8(p: usize, n: i32, at: i32): u32 {
  return at >= 0 && at < n ? <u32>load<u8>(p + <usize>at) : 0;
}
function mpeek16(p: usize, n: i32, at: i32): u32 {
  return (mpeek8(p, n, at) << 8) | mpeek8(p, n, at + 1);
}

/**
 * The summary pass reads only what later packets depend on: the version a
 * Server Hello settles (the Protocol column), its cipher suite (how key
 * exchange messages read), the server's port (directions), ALPN's choice
 * (what Application Data carries) and whether the handshake looks resumed.
 * `p` points to a whole message of `n` bytes in memory.
 */
function summaryMessage(p: usize, n: i32, first: bool): void {
  const type = mpeek8(p, n, 0);
  if (!validHandshakeType(type) && !first) return;
  if (type == HND_CLIENT_HELLO && !sessQuic) setServerPort(pinfo.dstPort);
  else if (type == HND_SERVER_HELLO_DONE) setResumed(false);
  else if (type == HND_SERVER_HELLO) {
    if (first && n > 6) {
      trySetVersion(22, HND_SERVER_HELLO, memScanServerHello(p, n));
      sawServerHello = true;
    }
    if (sessQuic) return;
    setResumed(true);
    // version (2), random (32), session ID (1 + n), then the cipher suite.
    const cipherAt = 4 + 34 + 1 + <i32>mpeek8(p, n, 4 + 34);
    if (cipherAt + 2 <= n) setCipher(mpeek16(p, n, cipherAt));
    memScanAlpn(p, n, cipherAt + 3);
  }
}

/** tls_scan_server_hello over a message in memory. */
function memScanServerHello(p: usize, n: i32): u32 {
  let version = mpeek16(p, n, 4);
  if (version == 0x0303 && n - 4 >= 46) {
    let o = 4 + 2 + 32;
    const sid = <i32>mpeek8(p, n, o);
    o += 1;
    if (n - o < sid + 5) return version;
    o += sid + 5;
    let guard = 0;
    while (n - o >= 6 && guard++ < 4096) {
      const type = mpeek16(p, n, o);
      const len = <i32>mpeek16(p, n, o + 2);
      if (n - o < 4 + len) break;
      o += 4;
      if (type == 43) {
        if (len == 2) version = mpeek16(p, n, o);
        break;
      }
      o += len;
    }
  }
  return version;
}

/** The ALPN choice in a Server Hello whose extensions length is at `o`. */
function memScanAlpn(p: usize, n: i32, o: i32): void {
  if (n - o < 2) return;
  const extEnd = o + 2 + <i32>mpeek16(p, n, o);
  let q = o + 2;
  const e = extEnd < n ? extEnd : n;
  let guard = 0;
  while (e - q >= 4 && guard++ < 4096) {
    const type = mpeek16(p, n, q);
    const len = <i32>mpeek16(p, n, q + 2);
    if (e - q < 4 + len) break;
    if (type == 16 && len >= 2) {
      const listLen = <i32>mpeek16(p, n, q + 4);
      if (listLen + 2 <= len) selectAppMem(p + <usize>(q + 6), listLen);
      return;
    }
    q += 4 + len;
  }
}

/** One complete handshake message of `msgLen` bytes (type and length included). */
function message(off: i32, msgLen: i32, first: bool, recordNode: i32, version: u32): void {
  const type = peek8(off);
  const length = msgLen - 4;
  let name = names.handshakeTypeName(type);
  if (name === null && !first) return;
  let isHrr = false;
  if (first && type == HND_SERVER_HELLO && length > 2) {
    const serverVersion = scanServerHello(off + 4, off + msgLen);
    isHrr = scanIsHrr;
    trySetVersion(22, HND_SERVER_HELLO, serverVersion);
    sawServerHello = true;
    if (isHrr) name = "Hello Retry Request";
  }
  const node = showDetails(recordNode, version, isHrr ? HND_HELLO_RETRY_REQUEST : type, false, first, true, off, msgLen);
  if (name === null) {
    t.close(node);
    return;
  }
  noteDec(r8(HF_HS_TYPE, off), names.handshakeTypeName(type), type);
  rval(HF_HS_LENGTH, off + 1, 3, <u64>length);
  const o = off + 4;
  const e = off + msgLen;
  const prev = t.enter(e);
  switch (type) {
    case HND_HELLO_REQUEST:
      break;
    case HND_CLIENT_HELLO:
      if (!sessQuic) setServerPort(pinfo.dstPort);
      clientHello(o, e);
      break;
    case HND_SERVER_HELLO:
      serverHello(o, e, isHrr);
      break;
    case HND_SERVER_HELLO_DONE:
      setResumed(false);
      break;
    case HND_NEW_SESSION_TICKET:
      newSessionTicket(o, e);
      break;
    case HND_HELLO_RETRY_REQUEST:
      // TLS 1.3 drafts before -22 had a message of their own.
      helloRetryRequestOld(o, e);
      break;
    case HND_ENCRYPTED_EXTENSIONS:
      extensions(o, e, HND_ENCRYPTED_EXTENSIONS);
      break;
    case HND_CERTIFICATE:
      certificate(o, e);
      break;
    case HND_SERVER_KEY_EXCHANGE:
      serverKeyExchange(o, e);
      break;
    case HND_CERT_REQUEST:
      certificateRequest(o, e);
      break;
    case HND_CERT_VERIFY:
      digitallySigned(o, e, sessVersion, HF_CV_SIG_LEN, HF_CV_SIG);
      break;
    case HND_CLIENT_KEY_EXCHANGE:
      clientKeyExchange(o, e);
      break;
    case HND_FINISHED:
      if (sessVersion != SSLV3) t.fbytes(HF_VERIFY_DATA, o, e - o);
      break;
    case HND_CERT_STATUS:
      certificateStatus(o, e);
      break;
    case HND_KEY_UPDATE:
      noteDec(r8(HF_KEY_UPDATE, o), val == 0 ? "update_not_requested" : val == 1 ? "update_requested" : null, val);
      break;
    case HND_COMPRESSED_CERTIFICATE:
      compressedCertificate(o, e);
      break;
    case HND_ENCRYPTED_EXTS:
      encryptedExts(o, e);
      break;
  }
  t.restore(prev);
  t.close(node);
}

// ---- JA3 fingerprints ---------------------------------------------------------

// JA3 (client) and JA3S (server) list a hello's version, cipher suites,
// extensions, groups and point formats in decimal, GREASE values left out.
// Collected while the hello is dissected (detail pass only).
const ja3Ciphers = new Text(8192);
const ja3Exts = new Text(8192);
const ja3Groups = new Text(8192);
const ja3Ecpf = new Text(2048);
const ja3Full = new Text(32768);
let ja3Active = false;

function isGrease(v: u32): bool {
  return (v & 0x0f0f) == 0x0a0a && (v & 0xff) == ((v >> 8) & 0xff);
}

function ja3Begin(): void {
  ja3Active = t.detail;
  ja3Ciphers.reset();
  ja3Exts.reset();
  ja3Groups.reset();
  ja3Ecpf.reset();
}

function ja3Add(list: Text, v: u32): void {
  if (!ja3Active || isGrease(v)) return;
  if (list.len > 0) list.byte(0x2d);
  list.dec(v);
}

/** Adds the JA3 (client) or JA3S (server) nodes at `off`. */
function ja3Finish(off: i32, version: u32, server: bool): void {
  if (!ja3Active || t.stopped) return;
  ja3Active = false;
  ja3Full.reset();
  ja3Full.dec(version);
  ja3Full.byte(0x2c);
  ja3Full.raw(ja3Ciphers.ptr, ja3Ciphers.len);
  ja3Full.byte(0x2c);
  ja3Full.raw(ja3Exts.ptr, ja3Exts.len);
  if (!server) {
    ja3Full.byte(0x2c);
    ja3Full.raw(ja3Groups.ptr, ja3Groups.len);
    ja3Full.byte(0x2c);
    ja3Full.raw(ja3Ecpf.ptr, ja3Ecpf.len);
  }
  let mark = t.poolMark();
  t.pool.raw(ja3Full.ptr, ja3Full.len);
  t.generated(t.fstrPool(server ? HF_JA3S_FULL : HF_JA3_FULL, off, 0, mark));
  const d = md5(ja3Full.ptr, ja3Full.len);
  mark = t.poolMark();
  for (let i = 0; i < 16; i++) t.pool.hexw(load<u8>(d + <usize>i), 2);
  t.generated(t.fstrPool(server ? HF_JA3S : HF_JA3, off, 0, mark));
}

// ---- hellos -------------------------------------------------------------------

function helloVersion(off: i32): void {
  const i = r16(HF_HS_VERSION, off);
  noteHex(i, names.versionName(val), val, 4);
}

/** Random and session ID, common to both hellos. Returns the offset after them. */
function helloRandom(off: i32, e: i32): i32 {
  const ri = t.nodeCount;
  if (!t.fbytes(HF_RANDOM, off, 32)) return e;
  if (t.nodeCount > ri && t.detail && isHrrRandom(off)) {
    const m = t.beginNote();
    for (let i = 0; i < 32; i++) t.pool.hexw(peek8(off + i), 2);
    t.pool.str(" (HelloRetryRequest magic)");
    t.endNote(ri, m);
  }
  if (sessVersion != TLSV13 && t.nodeCount > ri) {
    t.openNode(t.nodeCount - 1);
    const secs = peek16(off) << 16 | peek16(off + 2);
    t.ftime(HF_RANDOM_TIME, off, 4, <i64>secs, 0, 0);
    t.fbytes(HF_RANDOM_BYTES, off + 4, 28);
    t.close(ri);
  }
  let o = off + 32;
  const sidLen = <i32>peek8(o);
  rval(HF_SESSION_ID_LEN, o, 1, <u64>sidLen);
  if (!t.need(o, 1)) return e;
  o++;
  if (sidLen > 0) {
    t.fbytes(HF_SESSION_ID, o, sidLen);
    o += sidLen;
  }
  return o;
}

function clientHello(off: i32, e: i32): void {
  ja3Begin();
  const version = peek16(off);
  helloVersion(off);
  let o = helloRandom(off + 2, e);
  if (t.stopped) return;
  // CipherSuite cipher_suites<2..2^16-2>
  const csLen = vector(HF_CIPHER_SUITES_LEN, o, e, 2);
  if (csLen < 0) return;
  o += 2;
  const csEnd = o + csLen;
  const cs = t.open(HF_CIPHER_SUITES, o, csLen);
  countNote(cs, "Cipher Suites", <u64>(csLen / 2), "suite", "suites");
  while (o + 2 <= csEnd && !t.stopped) {
    const i = r16(HF_CIPHER_SUITE, o);
    noteHex(i, names.cipherSuiteName(val), val, 4);
    ja3Add(ja3Ciphers, val);
    o += 2;
  }
  t.close(cs);
  o = csEnd;
  // CompressionMethod compression_methods<1..2^8-1>
  const cmLen = vector(HF_COMP_METHODS_LEN, o, e, 1);
  if (cmLen < 0) return;
  o += 1;
  const cm = t.open(HF_COMP_METHODS, o, cmLen);
  countNote(cm, "Compression Methods", <u64>cmLen, "method", "methods");
  const cmEnd = o + cmLen;
  while (o < cmEnd && !t.stopped) {
    const i = r8(HF_COMP_METHOD, o);
    noteDec(i, names.compMethodName(val), val);
    o++;
  }
  t.close(cm);
  if (o < e) extensions(o, e, HND_CLIENT_HELLO);
  ja3Finish(e, version, false);
}

function serverHello(off: i32, e: i32, isHrr: bool): void {
  if (!sessQuic) setResumed(true);
  ja3Begin();
  const version = peek16(off);
  helloVersion(off);
  let o = helloRandom(off + 2, e);
  if (t.stopped) return;
  const i = r16(HF_CIPHER_SUITE, o);
  noteHex(i, names.cipherSuiteName(val), val, 4);
  if (t.stopped) return;
  if (!sessQuic) setCipher(val);
  ja3Add(ja3Ciphers, val);
  o += 2;
  const j = r8(HF_COMP_METHOD, o);
  noteDec(j, names.compMethodName(val), val);
  o++;
  if (o < e) extensions(o, e, isHrr ? HND_HELLO_RETRY_REQUEST : HND_SERVER_HELLO);
  ja3Finish(e, version, true);
}

function helloRetryRequestOld(off: i32, e: i32): void {
  helloVersion(off);
  if (off + 2 < e) extensions(off + 2, e, HND_HELLO_RETRY_REQUEST);
}

// ---- extensions -------------------------------------------------------------

/** Extensions of a hello (or EncryptedExtensions, Certificate entry, NewSessionTicket). */
function extensions(off: i32, end: i32, hsType: u32): i32 {
  const len = vector(HF_EXTS_LEN, off, end, 2);
  if (len < 0) return end;
  let o = off + 2;
  const e = o + len;
  while (e - o >= 4 && !t.stopped) {
    const type = peek16(o);
    const extLen = <i32>peek16(o + 2);
    const node = t.open(HF_EXT, o, 4 + extLen);
    if (node >= 0 && t.detail) {
      const m = t.beginNote();
      t.pool.str("Extension: ");
      const n = names.extensionName(type);
      if (n !== null) t.pool.str(n);
      else {
        t.pool.str("Unknown type ");
        t.pool.dec(type);
      }
      t.pool.str(" (len=");
      t.pool.dec(<u64>extLen);
      t.pool.str(")");
      t.endNote(node, m);
    }
    const ti = r16(HF_EXT_TYPE, o);
    noteDec(ti, names.extensionName(type), type);
    if (hsType == HND_CLIENT_HELLO || hsType == HND_SERVER_HELLO || hsType == HND_HELLO_RETRY_REQUEST) ja3Add(ja3Exts, type);
    const dataLen = vector(HF_EXT_LEN, o + 2, e, 2);
    if (dataLen < 0) {
      t.close(node);
      return e;
    }
    const d = o + 4;
    const next = d + dataLen;
    const prev = t.enter(next);
    extension(type, d, next, dataLen, hsType);
    t.restore(prev);
    t.close(node);
    o = next;
  }
  return e;
}

function extension(type: u32, o: i32, e: i32, len: i32, hsType: u32): void {
  switch (type) {
    case 0:
      serverName(o, e);
      return;
    case 1:
      noteDec(r8(HF_MAX_FRAGMENT, o), maxFragmentName(val), val);
      return;
    case 5:
      if (hsType == HND_CLIENT_HELLO) statusRequest(o, e);
      return;
    case 10:
      supportedGroups(o, e);
      return;
    case 11:
      ecPointFormats(o, e);
      return;
    case 13:
    case 50:
      sigAlgList(o, e);
      return;
    case 15:
      noteDec(r8(HF_HEARTBEAT_MODE, o), names.heartbeatModeName(val), val);
      return;
    case 16:
      alpn(o, e, hsType);
      return;
    case 21:
      t.fbytes(HF_PADDING, o, len);
      return;
    case 27:
      compressCertificateExt(o, e);
      return;
    case 28:
      t.f16(HF_RECORD_SIZE_LIMIT, o);
      return;
    case 35: {
      // tshark: "Data (n bytes)"
      const n0 = t.nodeCount;
      if (t.fbytes(HF_EXT_DATA, o, len) && t.nodeCount > n0) countNote(t.nodeCount - 1, "", <u64>len, "byte", "bytes");
      return;
      return;
    }
    case 40:
    case 51:
      keyShare(o, e, hsType);
      return;
    case 41:
      preSharedKey(o, e, hsType);
      return;
    case 42:
    case 46:
      if (hsType == HND_NEW_SESSION_TICKET) t.f32(HF_EARLY_DATA_MAX, o);
      return;
    case 43:
      if (hsType == HND_CLIENT_HELLO) supportedVersions(o, e);
      else if (hsType == HND_SERVER_HELLO || hsType == HND_HELLO_RETRY_REQUEST) {
        const i = r16(HF_SV, o);
        noteHex(i, names.versionName(val), val, 4);
      }
      return;
    case 44: {
      const n = vector(HF_COOKIE_LEN, o, e, 2);
      if (n >= 0) t.fbytes(HF_COOKIE, o + 2, n);
      return;
    }
    case 45:
      pskModes(o, e);
      return;
    case 57:
    case 0xffa5:
      quicTransportParameters(o, e);
      return;
    case 13172:
      npn(o, e);
      return;
    case 17513:
      if (hsType == HND_CLIENT_HELLO) alps(o, e);
      return;
    case 65281:
      renegotiationInfo(o, e);
      return;
    // Extensions tshark knows but shows nothing for (or only in messages not read here).
    case 2:
    case 3:
    case 4:
    case 9:
    case 12:
    case 14:
    case 17:
    case 18:
    case 19:
    case 20:
    case 22:
    case 23:
    case 47:
    case 48:
    case 49:
      return;
  }
  // Everything else, GREASE values included, is shown as data.
  missing(HF_EXT_DATA, o, len);
}

function maxFragmentName(v: u32): string | null {
  switch (v) {
    case 1:
      return "512";
    case 2:
      return "1024";
    case 3:
      return "2048";
    case 4:
      return "4096";
  }
  return null;
}

function serverName(off: i32, e: i32): void {
  if (off == e) return;
  const st = heading(HF_TEXT, off, e - off, "Server Name Indication extension");
  const listLen = vector(HF_SNI_LIST_LEN, off, e, 2);
  if (listLen < 0) {
    t.close(st);
    return;
  }
  let o = off + 2;
  while (o < e && !t.stopped) {
    const ti = r8(HF_SNI_TYPE, o);
    noteDec(ti, val == 0 ? "host_name" : null, val);
    o++;
    const n = vector(HF_SNI_LEN, o, e, 2);
    if (n < 0) break;
    o += 2;
    t.fstr(HF_SNI, o, n);
    o += n;
  }
  t.close(st);
}

function statusRequest(off: i32, e: i32): void {
  const type = r8(HF_STATUS_TYPE, off);
  const v = val;
  noteDec(type, names.statusTypeName(v), v);
  if (v != 1 && v != 2) return;
  let o = off + 1;
  const ids = vector(HF_STATUS_RESPONDERS_LEN, o, e, 2);
  if (ids < 0) return;
  o += 2 + ids;
  vector(HF_STATUS_EXTS_LEN, o, e, 2);
}

function supportedGroups(off: i32, e: i32): void {
  const len = vector(HF_GROUPS_LEN, off, e, 2);
  if (len < 0) return;
  let o = off + 2;
  const end = o + len;
  const g = t.open(HF_GROUPS, o, len);
  countNote(g, "Supported Groups", <u64>(len / 2), "group", "groups");
  while (o + 2 <= end && !t.stopped) {
    const i = r16(HF_GROUP, o);
    noteHex(i, names.groupName(val), val, 4);
    ja3Add(ja3Groups, val);
    o += 2;
  }
  t.close(g);
}

function ecPointFormats(off: i32, e: i32): void {
  const n = <i32>t.f8(HF_ECPF_LEN, off);
  if (t.stopped) return;
  let o = off + 1;
  const g = t.open(HF_ECPFS, o, n);
  if (g >= 0 && t.detail) {
    const m = t.beginNote();
    t.pool.str("Elliptic curves point formats (");
    t.pool.dec(<u64>n);
    t.pool.str(")");
    t.endNote(g, m);
  }
  for (let k = 0; k < n && !t.stopped; k++) {
    const i = r8(HF_ECPF, o);
    noteDec(i, names.ecPointFormatName(val), val);
    ja3Add(ja3Ecpf, val);
    o++;
  }
  t.close(g);
}

/** A signature algorithm with its hash and signature halves (ssl_dissect_hash_alg_list's items). */
function sigAlg(o: i32, withParts: bool): void {
  const i = r16(HF_SIG, o);
  const v = val;
  if (i >= 0 && t.detail) {
    const n = names.sigAlgName(v);
    const m = t.beginNote();
    if (n !== null) t.pool.str(n);
    else {
      const h = names.sigHashName(v >> 8);
      const s = names.sigSigName(v & 0xff);
      t.pool.str(h !== null ? h : "Unknown");
      t.pool.str(" ");
      t.pool.str(s !== null ? s : "Unknown");
    }
    t.pool.str(" (");
    t.pool.hex(v, 4);
    t.pool.str(")");
    t.endNote(i, m);
  }
  if (!withParts || t.stopped) return;
  t.openNode(i);
  noteDec(r8(HF_SIG_HASH, o), names.sigHashName(v >> 8), v >> 8);
  noteDec(r8(HF_SIG_SIG, o + 1), names.sigSigName(v & 0xff), v & 0xff);
  t.close(i);
}

function sigAlgList(off: i32, e: i32): i32 {
  const len = vector(HF_SIG_LEN, off, e, 2);
  if (len < 0) return e;
  let o = off + 2;
  const end = o + len;
  const g = t.open(HF_SIGS, o, len);
  countNote(g, "Signature Hash Algorithms", <u64>(len / 2), "algorithm", "algorithms");
  while (o + 2 <= end && !t.stopped) {
    sigAlg(o, true);
    o += 2;
  }
  t.close(g);
  return end;
}

function alpn(off: i32, e: i32, hsType: u32): void {
  const len = vector(HF_ALPN_LEN, off, e, 2);
  if (len < 0) return;
  let o = off + 2;
  const end = o + len;
  if (hsType == HND_SERVER_HELLO || hsType == HND_ENCRYPTED_EXTENSIONS) selectApp(o, end);
  const g = t.open(HF_ALPN_LIST, o, len);
  while (o < end && !t.stopped) {
    const n = vector(HF_ALPN_STR_LEN, o, end, 1);
    if (n < 0) break;
    o++;
    t.fstr(HF_ALPN_STR, o, n);
    o += n;
  }
  t.close(g);
}

// Application protocols by ALPN name, as tshark maps them to dissectors.
export const APP_HTTP: u32 = 1;
export const APP_SPDY: u32 = 2;
export const APP_HTTP2: u32 = 3;
export const APP_TURN: u32 = 4;
export const APP_STUN: u32 = 5;
export const APP_IMAP: u32 = 6;
export const APP_POP: u32 = 7;
export const APP_FTP: u32 = 8;
export const APP_XMPP: u32 = 9;
export const APP_MQTT: u32 = 10;
export const APP_SIP: u32 = 11;
export const APP_DNS: u32 = 12;

export function appName(app: u32): string | null {
  switch (app) {
    case APP_HTTP:
      return "Hypertext Transfer Protocol";
    case APP_SPDY:
      return "SPDY";
    case APP_HTTP2:
      return "HyperText Transfer Protocol 2";
    case APP_TURN:
      return "TURN Channel";
    case APP_STUN:
      return "Session Traversal Utilities for NAT";
    case APP_IMAP:
      return "Internet Message Access Protocol";
    case APP_POP:
      return "Post Office Protocol";
    case APP_FTP:
      return "File Transfer Protocol (FTP)";
    case APP_XMPP:
      return "XMPP Protocol";
    case APP_MQTT:
      return "MQ Telemetry Transport Protocol";
    case APP_SIP:
      return "Session Initiation Protocol";
    case APP_DNS:
      return "Domain Name System";
  }
  return null;
}

function bytesAre(p: usize, n: i32, s: string, prefix: bool): bool {
  if (prefix ? n < s.length : n != s.length) return false;
  for (let i = 0; i < s.length; i++) if (<u32>load<u8>(p + <usize>i) != <u32>s.charCodeAt(i)) return false;
  return true;
}

/** A server's ALPN list of exactly one protocol picks the application protocol of the session. */
function selectApp(off: i32, end: i32): void {
  if (end - off < 2 || !t.has(off, end - off)) return;
  selectAppMem(t.at(off), end - off);
}

function selectAppMem(list: usize, listLen: i32): void {
  if (sessQuic || listLen < 2) return;
  const n = <i32>load<u8>(list);
  if (n + 1 != listLen) return;
  const p = list + 1;
  let app: u32 = 0;
  if (bytesAre(p, n, "http/0.9", false) || bytesAre(p, n, "http/1.0", false) || bytesAre(p, n, "http/1.1", false)) app = APP_HTTP;
  else if (bytesAre(p, n, "spdy/", true)) app = APP_SPDY;
  else if (bytesAre(p, n, "stun.turn", false)) app = APP_TURN;
  else if (bytesAre(p, n, "stun.nat-discovery", false)) app = APP_STUN;
  else if (bytesAre(p, n, "h2-", true) || bytesAre(p, n, "h2", false) || bytesAre(p, n, "h2c", false)) app = APP_HTTP2;
  else if (bytesAre(p, n, "imap", false)) app = APP_IMAP;
  else if (bytesAre(p, n, "pop3", false)) app = APP_POP;
  else if (bytesAre(p, n, "ftp", false)) app = APP_FTP;
  else if (bytesAre(p, n, "xmpp-client", false) || bytesAre(p, n, "xmpp-server", false)) app = APP_XMPP;
  else if (bytesAre(p, n, "mqtt", false)) app = APP_MQTT;
  else if (bytesAre(p, n, "sip/2", false)) app = APP_SIP;
  else if (bytesAre(p, n, "dot", false)) app = APP_DNS;
  if (app != 0) setApp(app);
}

function alps(off: i32, e: i32): void {
  const len = vector(HF_ALPS_LEN, off, e, 2);
  if (len < 0) return;
  let o = off + 2;
  const end = o + len;
  const g = t.open(HF_ALPS_LIST, o, len);
  while (o < end && !t.stopped) {
    const n = vector(HF_ALPS_STR_LEN, o, end, 1);
    if (n < 0) break;
    o++;
    t.fstr(HF_ALPS_STR, o, n);
    o += n;
  }
  t.close(g);
}

function npn(off: i32, e: i32): void {
  let o = off;
  while (o < e && !t.stopped) {
    const n = vector(HF_NPN_STR_LEN, o, e, 1);
    if (n < 0) break;
    o++;
    t.fstr(HF_NPN_STR, o, n);
    o += n;
  }
}

function renegotiationInfo(off: i32, e: i32): void {
  const st = heading(HF_TEXT, off, e - off, "Renegotiation Info extension");
  const n = vector(HF_RENEG_LEN, off, e, 1);
  if (n > 0) t.fbytes(HF_RENEG, off + 1, n);
  t.close(st);
}

function keyShareEntry(off: i32, e: i32): i32 {
  if (e - off < 4) return e;
  const entry = t.open(HF_TEXT, off, 4);
  const group = peek16(off);
  const gi = r16(HF_KS_GROUP, off);
  noteDec(gi, names.groupName(group), group);
  const n = vector(HF_KS_KEY_LEN, off + 2, e, 2);
  if (n < 0) {
    t.close(entry);
    return e;
  }
  t.setLength(entry, 4 + n);
  if (entry >= 0 && t.detail) {
    const m = t.beginNote();
    t.pool.str("Key Share Entry: Group: ");
    const gn = names.groupName(group);
    if (gn !== null) t.pool.str(gn);
    else {
      t.pool.str("Unknown (");
      t.pool.dec(group);
      t.pool.str(")");
    }
    t.pool.str(", Key Exchange length: ");
    t.pool.dec(<u64>n);
    t.endNote(entry, m);
  }
  t.fbytes(HF_KS_KEY, off + 4, n);
  t.close(entry);
  return off + 4 + n;
}

function keyShare(off: i32, e: i32, hsType: u32): void {
  if (e <= off) return;
  const st = heading(HF_TEXT, off, e - off, "Key Share extension");
  if (hsType == HND_CLIENT_HELLO) {
    const len = vector(HF_KS_CLIENT_LEN, off, e, 2);
    if (len >= 0) {
      let o = off + 2;
      const end = o + len;
      while (o < end && !t.stopped) o = keyShareEntry(o, end);
    }
  } else if (hsType == HND_SERVER_HELLO) {
    keyShareEntry(off, e);
  } else if (hsType == HND_HELLO_RETRY_REQUEST) {
    const i = r16(HF_KS_SELECTED, off);
    noteDec(i, names.groupName(val), val);
  }
  t.close(st);
}

function preSharedKey(off: i32, e: i32, hsType: u32): void {
  const st = heading(HF_TEXT, off, e - off, "Pre-Shared Key extension");
  if (hsType == HND_CLIENT_HELLO) {
    const idsLen = vector(HF_PSK_IDS_LEN, off, e, 2);
    if (idsLen >= 0) {
      let o = off + 2;
      const idsEnd = o + idsLen;
      while (o < idsEnd && !t.stopped) {
        const n = vector(HF_PSK_ID_LEN, o, idsEnd, 2);
        if (n < 0) break;
        o += 2;
        t.fbytes(HF_PSK_ID, o, n);
        o += n;
        t.f32(HF_PSK_AGE, o);
        o += 4;
      }
      o = idsEnd;
      const bLen = vector(HF_PSK_BINDERS_LEN, o, e, 2);
      if (bLen >= 0) t.fbytes(HF_PSK_BINDERS, o + 2, bLen);
    }
  } else if (hsType == HND_SERVER_HELLO) {
    t.f16(HF_PSK_SELECTED, off);
  }
  t.close(st);
}

function supportedVersions(off: i32, e: i32): void {
  const len = vector(HF_SV_LEN, off, e, 1);
  if (len < 0) return;
  let o = off + 1;
  const end = o + len;
  while (o + 2 <= end && !t.stopped) {
    const i = r16(HF_SV, o);
    noteHex(i, names.versionName(val), val, 4);
    o += 2;
  }
}

function pskModes(off: i32, e: i32): void {
  const len = vector(HF_PSK_MODES_LEN, off, e, 1);
  if (len < 0) return;
  let o = off + 1;
  const end = o + len;
  while (o < end && !t.stopped) {
    const i = r8(HF_PSK_MODE, o);
    noteDec(i, names.pskModeName(val), val);
    o++;
  }
}

function compressCertificateExt(off: i32, e: i32): void {
  const len = vector(HF_CC_ALGS_LEN, off, e, 1);
  if (len < 0) return;
  let o = off + 1;
  const end = o + len;
  while (o + 2 <= end && !t.stopped) {
    const i = r16(HF_CC_ALG, o);
    noteDec(i, names.certCompressionName(val), val);
    o += 2;
  }
}

function quicParamName(v: u64): string | null {
  switch (<u32>v) {
    case 0x00:
      return "original_destination_connection_id";
    case 0x01:
      return "max_idle_timeout";
    case 0x02:
      return "stateless_reset_token";
    case 0x03:
      return "max_udp_payload_size";
    case 0x04:
      return "initial_max_data";
    case 0x05:
      return "initial_max_stream_data_bidi_local";
    case 0x06:
      return "initial_max_stream_data_bidi_remote";
    case 0x07:
      return "initial_max_stream_data_uni";
    case 0x08:
      return "initial_max_streams_bidi";
    case 0x09:
      return "initial_max_streams_uni";
    case 0x0a:
      return "ack_delay_exponent";
    case 0x0b:
      return "max_ack_delay";
    case 0x0c:
      return "disable_active_migration";
    case 0x0d:
      return "preferred_address";
    case 0x0e:
      return "active_connection_id_limit";
    case 0x0f:
      return "initial_source_connection_id";
    case 0x10:
      return "retry_source_connection_id";
    case 0x20:
      return "max_datagram_frame_size";
  }
  if (v == 0x11 || v == 0xff73db) return "version_information";
  if (v == 0x2ab2) return "grease_quic_bit";
  if (v == 0xff04de1b || v == 0xff04de1a) return "min_ack_delay";
  if (v == 0x3127) return "google_initial_rtt";
  if (v == 0x3128) return "google_google_connection_options";
  if (v == 0x4752) return "google_quic_version";
  if (v == 0x4b0) return "google_user_agent";
  if ((v - 27) % 31 == 0) return "GREASE";
  return null;
}

/** A bytes field; an empty one reads "<MISSING>" as in tshark. */
function missing(hf: u16, off: i32, len: i32): void {
  const n0 = t.nodeCount;
  if (t.fbytes(hf, off, len) && len == 0 && t.nodeCount > n0) noteText(t.nodeCount - 1, "<MISSING>");
}

/** The QUIC transport parameters of a QUIC handshake (RFC 9000, 18). */
function quicTransportParameters(off: i32, e: i32): void {
  let o = off;
  let guard = 0;
  while (o < e && !t.stopped && guard++ < 1024) {
    const type = varint(o, e);
    const tl = varintLen;
    if (tl == 0) break;
    const len = varint(o + tl, e);
    const ll = varintLen;
    if (ll == 0) break;
    const vo = o + tl + ll;
    if (len > <u64>(e - vo)) break;
    const vl = <i32>len;
    const node = t.open(HF_QUIC_PARAM, o, tl + ll + vl);
    const pname = quicParamName(type);
    const ti = rval(HF_QUIC_PARAM_TYPE, o, tl, type);
    if (ti >= 0 && t.detail) {
      const m = t.beginNote();
      t.pool.str(pname !== null ? pname : "Unknown");
      t.pool.str(" (");
      t.pool.hex(type, 2);
      t.pool.str(")");
      t.endNote(ti, m);
    }
    rval(HF_QUIC_PARAM_LEN, o + tl, ll, len);
    missing(HF_QUIC_PARAM_VALUE, vo, vl);
    let decoded: u64 = 0;
    let hasNumber = false;
    let hf: u16 = 0;
    switch (<u32>type) {
      case 0x01:
        hf = HF_QP_IDLE;
        break;
      case 0x03:
        hf = HF_QP_UDP_SIZE;
        break;
      case 0x04:
        hf = HF_QP_MAX_DATA;
        break;
      case 0x05:
        hf = HF_QP_BIDI_LOCAL;
        break;
      case 0x06:
        hf = HF_QP_BIDI_REMOTE;
        break;
      case 0x07:
        hf = HF_QP_UNI;
        break;
      case 0x08:
        hf = HF_QP_STREAMS_BIDI;
        break;
      case 0x09:
        hf = HF_QP_STREAMS_UNI;
        break;
      case 0x0a:
        hf = HF_QP_ACK_EXP;
        break;
      case 0x0b:
        hf = HF_QP_MAX_ACK_DELAY;
        break;
      case 0x0e:
        hf = HF_QP_CID_LIMIT;
        break;
      case 0x20:
        hf = HF_QP_DATAGRAM;
        break;
    }
    if (type > 0x20) hf = 0;
    if (hf != 0 && vl > 0) {
      decoded = varint(vo, vo + vl);
      if (varintLen > 0) {
        rval(hf, vo, varintLen, decoded);
        hasNumber = true;
      }
    } else if (type == 0x00) missing(HF_QP_ODCID, vo, vl);
    else if (type == 0x02) missing(HF_QP_RESET_TOKEN, vo, vl);
    else if (type == 0x0f) missing(HF_QP_ISCID, vo, vl);
    else if (type == 0x10) missing(HF_QP_RSCID, vo, vl);
    if (node >= 0 && t.detail) {
      const m = t.beginNote();
      t.pool.str("Parameter: ");
      t.pool.str(pname !== null ? pname : "Unknown");
      t.pool.str(" (len=");
      t.pool.dec(len);
      t.pool.str(")");
      if (hasNumber) {
        t.pool.str(" ");
        t.pool.dec(decoded);
        if (type == 0x01 || type == 0x0b) t.pool.str(" ms");
      }
      t.endNote(node, m);
    }
    t.close(node);
    o = vo + vl;
  }
}

// ---- certificates -----------------------------------------------------------

function certificate(off: i32, e: i32): void {
  let o = off;
  const tls13 = sessVersion == TLSV13;
  if (tls13) {
    const n = vector(HF_CERT_CTX_LEN, o, e, 1);
    if (n < 0) return;
    o++;
    if (n > 0) {
      t.fbytes(HF_CERT_CTX, o, n);
      o += n;
    }
  }
  const listLen = vector(HF_CERTS_LEN, o, e, 3);
  if (listLen < 0) return;
  o += 3;
  const listEnd = o + listLen;
  if (listLen == 0) return;
  const g = t.open(HF_CERTS, o, listLen);
  if (g >= 0 && t.detail) {
    const m = t.beginNote();
    t.pool.str("Certificates (");
    t.pool.dec(<u64>listLen);
    t.pool.str(" bytes)");
    t.endNote(g, m);
  }
  while (o < listEnd && !t.stopped) {
    const n = vector(HF_CERT_LEN, o, listEnd, 3);
    if (n < 0) break;
    o += 3;
    t.fbytes(HF_CERT, o, n);
    o += n;
    if (tls13) o = extensions(o, listEnd, HND_CERTIFICATE);
  }
  t.close(g);
}

function compressedCertificate(off: i32, e: i32): void {
  const i = r16(HF_CC_ALG, off);
  noteDec(i, names.certCompressionName(val), val);
  t.f24(HF_CC_UNCOMPRESSED, off + 2);
  const n = vector(HF_CC_MSG_LEN, off + 5, e, 3);
  if (n >= 0) t.fbytes(HF_CC_MSG, off + 8, n);
}

function certificateRequest(off: i32, e: i32): void {
  let o = off;
  const tls13 = sessVersion == TLSV13;
  if (tls13) {
    const n = vector(HF_CERT_CTX_LEN, o, e, 1);
    if (n < 0) return;
    o++;
    if (n > 0) {
      t.fbytes(HF_CERT_CTX, o, n);
      o += n;
    }
    extensions(o, e, HND_CERT_REQUEST);
    return;
  }
  const count = vector(HF_CERT_TYPES_COUNT, o, e, 1);
  if (count < 0) return;
  o++;
  const g = t.open(HF_CERT_TYPES, o, count);
  countNote(g, "Certificate types", <u64>count, "type", "types");
  const typesEnd = o + count;
  while (o < typesEnd && !t.stopped) {
    const i = r8(HF_CERT_TYPE, o);
    noteDec(i, names.certTypeName(val), val);
    o++;
  }
  t.close(g);
  if (sessVersion == TLSV12) o = sigAlgList(o, e);
  // DistinguishedName certificate_authorities<0..2^16-1>
  const dnLen = vector(HF_DNAMES_LEN, o, e, 2);
  if (dnLen <= 0) return;
  o += 2;
  const dnEnd = o + dnLen;
  const d = t.open(HF_DNAMES, o, dnLen);
  countNote(d, "Distinguished Names", <u64>dnLen, "byte", "bytes");
  while (o < dnEnd && !t.stopped) {
    const n = vector(HF_DNAME_LEN, o, dnEnd, 2);
    if (n < 0) break;
    o += 2;
    t.fbytes(HF_DNAME, o, n);
    o += n;
  }
  t.close(d);
}

function certificateStatus(off: i32, e: i32): void {
  const i = r8(HF_STATUS_TYPE, off);
  noteDec(i, names.statusTypeName(val), val);
  if (val == 1) vector(HF_OCSP_LEN, off + 1, e, 3);
}

// ---- key exchange -------------------------------------------------------------

const KEX_NONE = 0;
const KEX_RSA = 1;
const KEX_DH = 2;
const KEX_DH_ANON = 3;
const KEX_ECDH = 4;
const KEX_ECDH_ANON = 5;
const KEX_PSK = 6;
const KEX_RSA_PSK = 7;
const KEX_OTHER = 8;

function startsWith(s: string, p: string): bool {
  if (s.length < p.length) return false;
  for (let i = 0; i < p.length; i++) if (s.charCodeAt(i) != p.charCodeAt(i)) return false;
  return true;
}

/** The key exchange algorithm of a cipher suite, from its name. */
function keyExchangeOf(cipher: u32): i32 {
  const n = names.cipherSuiteName(cipher);
  if (n === null) return KEX_NONE;
  if (startsWith(n, "TLS_ECDHE_PSK") || startsWith(n, "TLS_DHE_PSK")) return KEX_OTHER;
  if (startsWith(n, "TLS_ECDH_anon")) return KEX_ECDH_ANON;
  if (startsWith(n, "TLS_ECDHE_") || startsWith(n, "TLS_ECDH_")) return KEX_ECDH;
  if (startsWith(n, "TLS_DH_anon")) return KEX_DH_ANON;
  if (startsWith(n, "TLS_DHE_") || startsWith(n, "TLS_DH_")) return KEX_DH;
  if (startsWith(n, "TLS_RSA_PSK")) return KEX_RSA_PSK;
  if (startsWith(n, "TLS_PSK_")) return KEX_PSK;
  if (startsWith(n, "TLS_RSA_")) return KEX_RSA;
  return KEX_OTHER;
}

/** A DigitallySigned structure: the algorithm (TLS 1.2 and later), then the signature. */
function digitallySigned(off: i32, e: i32, version: u32, hfLen: u16, hfSig: u16): void {
  let o = off;
  if (version == TLSV12 || version == TLSV13) {
    sigAlg(o, true);
    o += 2;
  }
  const n = vector(hfLen, o, e, 2);
  if (n < 0) return;
  t.fbytes(hfSig, o + 2, n);
}

function serverKeyExchange(off: i32, e: i32): void {
  const kex = keyExchangeOf(sessCipher);
  if (kex == KEX_ECDH || kex == KEX_ECDH_ANON) {
    const st = heading(HF_TEXT, off, e - off, "EC Diffie-Hellman Server Params");
    const ct = r8(HF_CURVE_TYPE, off);
    const curveType = val;
    noteHex(ct, names.curveTypeName(curveType), curveType, 2);
    if (curveType == 3) {
      const nc = r16(HF_NAMED_CURVE, off + 1);
      noteHex(nc, names.groupName(val), val, 4);
      const pl = <i32>t.f8(HF_SRV_POINT_LEN, off + 3);
      t.fbytes(HF_SRV_POINT, off + 4, pl);
      if (kex == KEX_ECDH && !t.stopped) digitallySigned(off + 4 + pl, e, sessVersion, HF_SKE_SIG_LEN, HF_SKE_SIG);
    }
    t.close(st);
  } else if (kex == KEX_DH || kex == KEX_DH_ANON) {
    const st = heading(HF_TEXT, off, e - off, "Diffie-Hellman Server Params");
    let o = off;
    const pl = <i32>t.f16(HF_P_LEN, o);
    t.fbytes(HF_P, o + 2, pl);
    o += 2 + pl;
    const gl = <i32>t.f16(HF_G_LEN, o);
    t.fbytes(HF_G, o + 2, gl);
    o += 2 + gl;
    const yl = <i32>t.f16(HF_YS_LEN, o);
    t.fbytes(HF_YS, o + 2, yl);
    o += 2 + yl;
    if (kex == KEX_DH && !t.stopped) digitallySigned(o, e, sessVersion, HF_SKE_SIG_LEN, HF_SKE_SIG);
    t.close(st);
  } else if (kex == KEX_RSA) {
    const st = heading(HF_TEXT, off, e - off, "RSA-EXPORT Server Params");
    let o = off;
    const ml = <i32>t.f16(HF_MODULUS_LEN, o);
    t.fbytes(HF_MODULUS, o + 2, ml);
    o += 2 + ml;
    const xl = <i32>t.f16(HF_EXPONENT_LEN, o);
    t.fbytes(HF_EXPONENT, o + 2, xl);
    o += 2 + xl;
    if (!t.stopped) digitallySigned(o, e, sessVersion, HF_SKE_SIG_LEN, HF_SKE_SIG);
    t.close(st);
  } else if (kex == KEX_PSK || kex == KEX_RSA_PSK) {
    const hl = <i32>peek16(off);
    if (2 + hl != e - off) return;
    const st = heading(HF_TEXT, off, e - off, "PSK Server Params");
    t.f16(HF_HINT_LEN, off);
    t.fbytes(HF_HINT, off + 2, hl);
    t.close(st);
  }
}

function clientKeyExchange(off: i32, e: i32): void {
  const kex = keyExchangeOf(sessCipher);
  const len = e - off;
  if (kex == KEX_ECDH || kex == KEX_ECDH_ANON) {
    const st = heading(HF_TEXT, off, len, "EC Diffie-Hellman Client Params");
    const pl = <i32>t.f8(HF_CLI_POINT_LEN, off);
    t.fbytes(HF_CLI_POINT, off + 1, pl);
    t.close(st);
  } else if (kex == KEX_DH || kex == KEX_DH_ANON) {
    const st = heading(HF_TEXT, off, len, "Diffie-Hellman Client Params");
    const yl = <i32>t.f16(HF_YC_LEN, off);
    t.fbytes(HF_YC, off + 2, yl);
    t.close(st);
  } else if (kex == KEX_RSA) {
    const st = heading(HF_TEXT, off, len, "RSA Encrypted PreMaster Secret");
    if (sessVersion == SSLV3) t.fbytes(HF_EPMS, off, len);
    else {
      const el = <i32>t.f16(HF_EPMS_LEN, off);
      t.fbytes(HF_EPMS, off + 2, el);
    }
    t.close(st);
  } else if (kex == KEX_PSK) {
    const st = heading(HF_TEXT, off, len, "PSK Client Params");
    const il = <i32>t.f16(HF_IDENTITY_LEN, off);
    t.fbytes(HF_IDENTITY, off + 2, il);
    t.close(st);
  } else if (kex == KEX_RSA_PSK) {
    const st = heading(HF_TEXT, off, len, "RSA PSK Client Params");
    const il = <i32>t.f16(HF_IDENTITY_LEN, off);
    t.fbytes(HF_IDENTITY, off + 2, il);
    const o = off + 2 + il;
    const el = <i32>t.f16(HF_EPMS_LEN, o);
    t.fbytes(HF_EPMS, o + 2, el);
    t.close(st);
  }
}

// ---- tickets and the rest -----------------------------------------------------

/** "1 day, 4 hours": Wireshark's unsigned_time_secs_to_str. */
function durationText(secs: u32): void {
  let s = secs;
  const days = s / 86400;
  s %= 86400;
  const hours = s / 3600;
  s %= 3600;
  const minutes = s / 60;
  s %= 60;
  let first = true;
  if (days > 0) {
    t.pool.dec(days);
    t.pool.str(days == 1 ? " day" : " days");
    first = false;
  }
  if (hours > 0) {
    if (!first) t.pool.str(", ");
    t.pool.dec(hours);
    t.pool.str(hours == 1 ? " hour" : " hours");
    first = false;
  }
  if (minutes > 0) {
    if (!first) t.pool.str(", ");
    t.pool.dec(minutes);
    t.pool.str(minutes == 1 ? " minute" : " minutes");
    first = false;
  }
  if (s > 0) {
    if (!first) t.pool.str(", ");
    t.pool.dec(s);
    t.pool.str(s == 1 ? " second" : " seconds");
  }
}

function newSessionTicket(off: i32, e: i32): void {
  const tls13 = sessVersion == TLSV13;
  const st = heading(HF_TEXT, off, e - off, "TLS Session Ticket");
  const li = r32(HF_TICKET_LIFETIME, off);
  const hint = val;
  if (li >= 0 && t.detail) {
    const m = t.beginNote();
    t.pool.dec(hint);
    t.pool.str(" seconds");
    if (hint >= 60) {
      t.pool.str(" (");
      durationText(hint);
      t.pool.str(")");
    }
    t.endNote(li, m);
  }
  let o = off + 4;
  if (tls13) {
    t.f32(HF_TICKET_AGE_ADD, o);
    o += 4;
    const n = vector(HF_TICKET_NONCE_LEN, o, e, 1);
    if (n < 0) {
      t.close(st);
      return;
    }
    o++;
    t.fbytes(HF_TICKET_NONCE, o, n);
    o += n;
  }
  const tl = vector(HF_TICKET_LEN, o, e, 2);
  if (tl < 0) {
    t.close(st);
    return;
  }
  o += 2;
  t.fbytes(HF_TICKET, o, tl);
  o += tl;
  if (tls13 && o < e) extensions(o, e, HND_NEW_SESSION_TICKET);
  t.close(st);
}

function encryptedExts(off: i32, e: i32): void {
  const sl = <i32>t.f8(HF_NPN_SEL_LEN, off);
  t.fstr(HF_NPN_SEL, off + 1, sl);
  const o = off + 1 + sl;
  const pl = <i32>t.f8(HF_NPN_PAD_LEN, o);
  t.fbytes(HF_NPN_PAD, o + 1, pl);
}
