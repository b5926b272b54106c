// The Hypertext Transfer Protocol, versions 1.0 and 1.1, over TCP; and SSDP,
// the same message format over UDP port 1900 (tshark shows its fields as
// http.* too). A message is a first line (a request "GET /index.html
// HTTP/1.1" or a status line "HTTP/1.1 200 OK"), header lines "Name: value",
// a blank line, and an optional body whose length Content-Length gives, or
// which is sent in chunks (Transfer-Encoding: chunked).
//
// Over TCP a message may not end in the segment: the header block (up to the
// blank line), a Content-Length body or a chunked body that goes on is asked
// for with needMore() (desegment.ts), and nothing is shown until TCP hands
// over the whole message, as tshark does. This decision is taken in the
// summary pass too (reassembly happens there), so the header scan that finds
// the blank line and the body length runs in both passes; everything else
// (the tree, the Info text) only in the detail pass.
//
// Hostile input: every scan is bounded by the bytes available and by fixed
// caps (header block size, lines, chunks, messages per segment); strings are
// copied into the pool, which truncates safely.

import { field, protocol, columnProtocol, columnCarries, FT, BASE } from "../core/registry";
import * as t from "../core/tree";
import { pinfo, frame } from "../core/pinfo";
import { needMore, UNTIL_MORE_DATA } from "./desegment";
import { dissectData } from "./data";

export const HF_HTTP = protocol("http", "Hypertext Transfer Protocol", "HTTP: the protocol of the web. A client sends a request (a method such as GET and a path), the server answers with a status code and the content; headers carry everything else.");
export const HF_SSDP = protocol("ssdp", "Simple Service Discovery Protocol", "SSDP: HTTP-formatted messages over UDP multicast (port 1900) with which UPnP devices such as printers, TVs and routers announce themselves and are searched for.");
const HF_CHAT = field("http.chat", "Formatted text", FT.NONE, BASE.NONE, "The first line of the message: the request line (method, URI, version) or the status line (version, code, phrase).");
const HF_REQUEST = field("http.request", "Request", FT.BOOLEAN, BASE.NONE, "Set on HTTP requests, so 'http.request' finds every request a client sent.");
const HF_RESPONSE = field("http.response", "Response", FT.BOOLEAN, BASE.NONE, "Set on HTTP responses, so 'http.response' finds every answer a server sent.");
const HF_NOTIFICATION = field("http.notification", "Notification", FT.BOOLEAN, BASE.NONE, "Set on event messages (NOTIFY, SUBSCRIBE, UNSUBSCRIBE), used by UPnP devices over SSDP.");
const HF_METHOD = field("http.request.method", "Request Method", FT.STRING, BASE.NONE, "What the client asks the server to do: GET fetches a resource, POST sends data, HEAD fetches only the headers, and so on.");
const HF_URI = field("http.request.uri", "Request URI", FT.STRING, BASE.NONE, "The resource the request is about, usually a path on the server such as /index.html, possibly followed by ?query parameters.");
const HF_URI_PATH = field("http.request.uri.path", "Request URI Path", FT.STRING, BASE.NONE, "The part of the request URI before the '?': which resource on the server is meant.");
const HF_URI_QUERY = field("http.request.uri.query", "Request URI Query", FT.STRING, BASE.NONE, "The part of the request URI after the '?': parameters for the resource, such as a search term.");
const HF_URI_PARAM = field("http.request.uri.query.parameter", "Request URI Query Parameter", FT.STRING, BASE.NONE, "One name=value parameter of the query, as separated by '&'.");
const HF_REQ_VERSION = field("http.request.version", "Request Version", FT.STRING, BASE.NONE, "The HTTP version the client speaks, such as HTTP/1.1.");
const HF_RESP_VERSION = field("http.response.version", "Response Version", FT.STRING, BASE.NONE, "The HTTP version the server answers with, such as HTTP/1.1.");
const HF_CODE = field("http.response.code", "Status Code", FT.UINT16, BASE.DEC, "The three-digit result of the request: 2xx success, 3xx redirection, 4xx client error (404 not found), 5xx server error.");
const HF_CODE_DESC = field("http.response.code.desc", "Status Code Description", FT.STRING, BASE.NONE, "The standard meaning of the status code, such as OK for 200 or Not Found for 404.");
const HF_PHRASE = field("http.response.phrase", "Response Phrase", FT.STRING, BASE.NONE, "The words the server put after the status code; only meant for people, programs read the code.");
const HF_REQ_LINE = field("http.request.line", "Request line", FT.STRING, BASE.NONE, "One header line of a request, exactly as sent, including its line ending.");
const HF_RESP_LINE = field("http.response.line", "Response line", FT.STRING, BASE.NONE, "One header line of a response, exactly as sent, including its line ending.");
const HF_UNKNOWN_HEADER = field("http.unknown_header", "Unknown header", FT.STRING, BASE.NONE, "A header line of a message that is neither a request nor a response (a notification), shown as text.");
const HF_FULL_URI = field("http.request.full_uri", "Full request URI", FT.STRING, BASE.NONE, "The complete address requested, rebuilt from the Host header and the request URI (http://host/path).");
const HF_AUTHORIZATION = field("http.authorization", "Authorization", FT.STRING, BASE.NONE, "Credentials the client sends to prove who it is (Basic, Bearer token, Digest ...).");
const HF_PROXY_AUTHORIZATION = field("http.proxy_authorization", "Proxy-Authorization", FT.STRING, BASE.NONE, "Credentials the client sends to a proxy that asked for them.");
const HF_PROXY_AUTHENTICATE = field("http.proxy_authenticate", "Proxy-Authenticate", FT.STRING, BASE.NONE, "A proxy's demand for credentials, naming the scheme it accepts.");
const HF_WWW_AUTHENTICATE = field("http.www_authenticate", "WWW-Authenticate", FT.STRING, BASE.NONE, "A server's demand for credentials (with status 401), naming the scheme it accepts.");
const HF_CONTENT_TYPE = field("http.content_type", "Content-Type", FT.STRING, BASE.NONE, "The kind of data in the body, as a media type such as text/html or image/png, perhaps with a character set.");
const HF_CONTENT_LENGTH_HEADER = field("http.content_length_header", "Content-Length", FT.STRING, BASE.NONE, "The Content-Length header as written: the size of the body in bytes.");
const HF_CONTENT_LENGTH = field("http.content_length", "Content length", FT.UINT64, BASE.DEC, "The body size from the Content-Length header, as a number of bytes.");
const HF_CONTENT_ENCODING = field("http.content_encoding", "Content-Encoding", FT.STRING, BASE.NONE, "How the body was compressed (gzip, deflate, br); the receiver must undo it.");
const HF_TRANSFER_ENCODING = field("http.transfer_encoding", "Transfer-Encoding", FT.STRING, BASE.NONE, "How the body is sent; 'chunked' means in pieces, each preceded by its size, when the total is not known in advance.");
const HF_UPGRADE = field("http.upgrade", "Upgrade", FT.STRING, BASE.NONE, "A request to switch this connection to another protocol, such as websocket.");
const HF_USER_AGENT = field("http.user_agent", "User-Agent", FT.STRING, BASE.NONE, "The program that made the request: browser, version and system, or a tool such as curl or wget.");
export const HF_HOST = field("http.host", "Host", FT.STRING, BASE.NONE, "The server name (and port) the client wants; one address can serve many web sites, so every HTTP/1.1 request names it.");
const HF_CONNECTION = field("http.connection", "Connection", FT.STRING, BASE.NONE, "Whether the connection stays open for further requests (keep-alive) or closes after this one (close).");
const HF_COOKIE = field("http.cookie", "Cookie", FT.STRING, BASE.NONE, "Cookies the client sends back to the server: small values the site stored earlier, often a session identifier.");
const HF_COOKIE_PAIR = field("http.cookie_pair", "Cookie pair", FT.STRING, BASE.NONE, "One name=value cookie of the Cookie header.");
const HF_ACCEPT = field("http.accept", "Accept", FT.STRING, BASE.NONE, "The media types the client is willing to receive, in order of preference.");
const HF_REFERER = field("http.referer", "Referer", FT.STRING, BASE.NONE, "The page that linked to or loaded the requested resource (the header's name is misspelt in the standard).");
const HF_ACCEPT_LANGUAGE = field("http.accept_language", "Accept-Language", FT.STRING, BASE.NONE, "The languages the user prefers, such as en-US.");
const HF_ACCEPT_ENCODING = field("http.accept_encoding", "Accept Encoding", FT.STRING, BASE.NONE, "The compressions the client can undo (gzip, deflate, br).");
const HF_DATE = field("http.date", "Date", FT.STRING, BASE.NONE, "When the message was sent, by the sender's clock.");
const HF_CACHE_CONTROL = field("http.cache_control", "Cache-Control", FT.STRING, BASE.NONE, "Whether and how long the content may be kept in caches (max-age, no-cache ...).");
const HF_SERVER = field("http.server", "Server", FT.STRING, BASE.NONE, "The software of the web server, such as Apache or nginx, as it chooses to announce itself.");
const HF_LOCATION = field("http.location", "Location", FT.STRING, BASE.NONE, "Where to go instead: the address a redirect (3xx) points to, or of a newly created resource.");
const HF_WS_ACCEPT = field("http.sec_websocket_accept", "Sec-WebSocket-Accept", FT.STRING, BASE.NONE, "The server's proof that it understood a WebSocket upgrade request.");
const HF_WS_EXTENSIONS = field("http.sec_websocket_extensions", "Sec-WebSocket-Extensions", FT.STRING, BASE.NONE, "WebSocket extensions offered or accepted, such as compression.");
const HF_WS_KEY = field("http.sec_websocket_key", "Sec-WebSocket-Key", FT.STRING, BASE.NONE, "A random value the client sends when asking to upgrade to WebSocket.");
const HF_WS_PROTOCOL = field("http.sec_websocket_protocol", "Sec-WebSocket-Protocol", FT.STRING, BASE.NONE, "The application protocols proposed or chosen for a WebSocket connection.");
const HF_WS_VERSION = field("http.sec_websocket_version", "Sec-WebSocket-Version", FT.STRING, BASE.NONE, "The WebSocket protocol version the client asks for (13).");
const HF_SET_COOKIE = field("http.set_cookie", "Set-Cookie", FT.STRING, BASE.NONE, "A cookie the server asks the client to store and send back with later requests.");
const HF_LAST_MODIFIED = field("http.last_modified", "Last-Modified", FT.STRING, BASE.NONE, "When the resource last changed, so that caches can ask whether they are still up to date.");
const HF_X_FORWARDED_FOR = field("http.x_forwarded_for", "X-Forwarded-For", FT.STRING, BASE.NONE, "The address of the original client, added by proxies and load balancers in between.");
const HF_HTTP2_SETTINGS = field("http.http2_settings", "HTTP2-Settings", FT.STRING, BASE.NONE, "HTTP/2 settings sent with a request to upgrade the connection to HTTP/2.");
const HF_AUTHBASIC = field("http.authbasic", "Credentials", FT.STRING, BASE.NONE, "The user name and password of Basic authentication, decoded from base64: Basic sends them readable by anyone on the path.");
const HF_FILE_DATA = field("http.file_data", "File Data", FT.STRING, BASE.NONE, "The body of the message (after removing chunked transfer coding), shown as text.");
const HF_CHUNK_SIZE = field("http.chunk_size", "Chunk size", FT.UINT32, BASE.DEC, "The size of one piece of a chunked body, written in hexadecimal before the piece; 0 marks the end.");
const HF_CHUNK_DATA = field("http.chunk_data", "Chunk data", FT.BYTES, BASE.NONE, "The bytes of one piece of a chunked body.");
const HF_CHUNK_BOUNDARY = field("http.chunk_boundary", "Chunk boundary", FT.BYTES, BASE.NONE, "The line ending that closes a piece of a chunked body.");
const HF_CHUNK_TRAILER = field("http.chunked_trailer_part", "trailer-part", FT.STRING, BASE.NONE, "Header lines sent after the last piece of a chunked body.");
export const COL_HTTP = columnProtocol("HTTP", HF_HTTP);
const COL_SSDP = columnProtocol("SSDP", HF_SSDP);
columnCarries(COL_SSDP, HF_HTTP);
const COL_HTTP_JSON = columnProtocol("HTTP/JSON", HF_HTTP);
const COL_HTTP_XML = columnProtocol("HTTP/XML", HF_HTTP);

// Message types, as tshark's is_http_request_or_reply.
const REQUEST = 0;
const RESPONSE = 1;
const NOTIFICATION = 2;

/** Messages dissected in one segment (pipelined requests); the rest is shown as data. */
const MAX_MESSAGES = 64;
/** Longest header block waited for; a longer one is dissected as far as it goes. */
const MAX_HEADER = 65536;
/** Header lines shown per message. */
const MAX_LINES = 2048;
/** Chunks walked per body. */
const MAX_CHUNKS = 65536;
/** Query parameters and cookie pairs shown per header. */
const MAX_PARTS = 512;
/** Largest de-chunked body copied into a data source. */
const MAX_DECHUNKED: i32 = 4 << 20;

// ---- known headers ---------------------------------------------------------

const SP_NONE: u8 = 0;
const SP_AUTHORIZATION: u8 = 1;
const SP_CONTENT_TYPE: u8 = 2;
const SP_CONTENT_LENGTH: u8 = 3;
const SP_HOST: u8 = 4;
const SP_COOKIE: u8 = 5;

/** Header names in lower case, in tshark's order, with their fields and special handling. */
const HEADER_NAMES: StaticArray<string> = [
  "authorization", "proxy-authorization", "proxy-authenticate", "www-authenticate",
  "content-type", "content-length", "content-encoding", "transfer-encoding", "upgrade",
  "user-agent", "host", "connection", "cookie", "accept", "referer", "accept-language",
  "accept-encoding", "date", "cache-control", "server", "location", "sec-websocket-accept",
  "sec-websocket-extensions", "sec-websocket-key", "sec-websocket-protocol",
  "sec-websocket-version", "set-cookie", "last-modified", "x-forwarded-for", "http2-settings",
];
const HEADER_FIELDS: StaticArray<u16> = [
  HF_AUTHORIZATION, HF_PROXY_AUTHORIZATION, HF_PROXY_AUTHENTICATE, HF_WWW_AUTHENTICATE,
  HF_CONTENT_TYPE, HF_CONTENT_LENGTH_HEADER, HF_CONTENT_ENCODING, HF_TRANSFER_ENCODING, HF_UPGRADE,
  HF_USER_AGENT, HF_HOST, HF_CONNECTION, HF_COOKIE, HF_ACCEPT, HF_REFERER, HF_ACCEPT_LANGUAGE,
  HF_ACCEPT_ENCODING, HF_DATE, HF_CACHE_CONTROL, HF_SERVER, HF_LOCATION, HF_WS_ACCEPT,
  HF_WS_EXTENSIONS, HF_WS_KEY, HF_WS_PROTOCOL,
  HF_WS_VERSION, HF_SET_COOKIE, HF_LAST_MODIFIED, HF_X_FORWARDED_FOR, HF_HTTP2_SETTINGS,
];
const HEADER_SPECIAL: StaticArray<u8> = [
  SP_AUTHORIZATION, SP_AUTHORIZATION, SP_NONE, SP_NONE,
  SP_CONTENT_TYPE, SP_CONTENT_LENGTH, SP_NONE, SP_NONE, SP_NONE,
  SP_NONE, SP_HOST, SP_NONE, SP_COOKIE, SP_NONE, SP_NONE, SP_NONE,
  SP_NONE, SP_NONE, SP_NONE, SP_NONE, SP_NONE, SP_NONE,
  SP_NONE, SP_NONE, SP_NONE,
  SP_NONE, SP_NONE, SP_NONE, SP_NONE, SP_NONE,
];

// ---- byte helpers ----------------------------------------------------------
// All offsets are in the current data source; callers keep them below the
// captured end of the layer (`avail`), so the raw loads below are in bounds.

// @ts-ignore: decorator
@inline function byteAt(i: i32): u32 {
  return <u32>load<u8>(t.at(i));
}

// @ts-ignore: decorator
@inline function lower(c: u32): u32 {
  return c >= 0x41 && c <= 0x5a ? c + 0x20 : c;
}

/** Do the bytes at p match `s` (lower case, ASCII) ignoring case? The caller checks that s.length bytes exist. */
function matchesCI(p: i32, s: string): bool {
  const n = s.length;
  for (let i = 0; i < n; i++) {
    if (lower(byteAt(p + i)) != <u32>s.charCodeAt(i)) return false;
  }
  return true;
}

/** Exact (case-sensitive) match of `s` at p; the caller checks the length. */
function matches(p: i32, s: string): bool {
  const n = s.length;
  for (let i = 0; i < n; i++) {
    if (byteAt(p + i) != <u32>s.charCodeAt(i)) return false;
  }
  return true;
}

// @ts-ignore: decorator
@inline function isDigit(c: u32): bool {
  return c >= 0x30 && c <= 0x39;
}

// @ts-ignore: decorator
@inline function isSpace(c: u32): bool {
  // g_ascii_isspace: space, \t, \n, \v, \f, \r
  return c == 0x20 || (c >= 0x09 && c <= 0x0d);
}

const ONES: u64 = 0x0101010101010101;
const HIGHS: u64 = 0x8080808080808080;

/** End of the line starting at p: the CR or LF (or lim). */
let eol: i32 = 0;
/**
 * Start of the next line; -1 when the line does not end before lim; -2 when
 * it ends with a CR that is the last byte (an LF may follow in the next segment).
 */
let nxt: i32 = 0;

/** Finds the end of the line that starts at p, looking no further than lim. */
function findLine(p: i32, lim: i32): void {
  let i = p;
  while (i < lim) {
    // Eight bytes at a time while none of them can be a CR or LF (< 0x0e).
    if (i + 8 <= lim) {
      const w = load<u64>(t.at(i));
      if (((w - ONES * 0x0e) & ~w & HIGHS) == 0) {
        i += 8;
        continue;
      }
    }
    const c = byteAt(i);
    if (c == 0x0a) {
      eol = i;
      nxt = i + 1;
      return;
    }
    if (c == 0x0d) {
      eol = i;
      if (i + 1 < lim) nxt = byteAt(i + 1) == 0x0a ? i + 2 : i + 1;
      else nxt = -2;
      return;
    }
    i++;
  }
  eol = lim;
  nxt = -1;
}

/** Position of the first byte c in [p, lim), or -1. */
function findByte(p: i32, lim: i32, c: u32): i32 {
  for (let i = p; i < lim; i++) if (byteAt(i) == c) return i;
  return -1;
}

/**
 * Copies n bytes at p into the pool as tshark's ENC_ASCII strings read: bytes
 * with the high bit set become U+FFFD, and the string ends at a NUL byte.
 */
export function asciiToPool(p: usize, n: i32): void {
  const pool = t.pool;
  let i = 0;
  let run = 0;
  while (i < n) {
    if (i + 8 <= n) {
      const w = load<u64>(p + <usize>i);
      // No byte with the high bit set and no zero byte: copy later in one go.
      if (((w | ((w - ONES) & ~w)) & HIGHS) == 0) {
        i += 8;
        continue;
      }
    }
    const c = <u32>load<u8>(p + <usize>i);
    if (c == 0) break;
    if (c >= 0x80) {
      pool.raw(p + <usize>run, i - run);
      pool.byte(0xef);
      pool.byte(0xbf);
      pool.byte(0xbd);
      run = i + 1;
      if (pool.len >= pool.cap) return;
    }
    i++;
  }
  pool.raw(p + <usize>run, i - run);
}

/** Adds a string field read from [off, off + len) as tshark's ENC_ASCII. */
function addStr(hf: u16, off: i32, len: i32): i32 {
  if (!t.detail || t.stopped || len < 0 || !t.has(off, len)) return -1;
  const mark = t.poolMark();
  asciiToPool(t.at(off), len);
  return t.fstrPool(hf, off, len, mark);
}

// ---- recognising a message --------------------------------------------------

/**
 * The type of the message whose first line starts at p (REQUEST, RESPONSE or
 * NOTIFICATION), or -1. Looks no further than lim and the first line.
 */
function classify(p: i32, lim: i32): i32 {
  if (p >= lim) return -1;
  const first = byteAt(p);
  if (first < 0x20 || first > 0x7e) return -1;
  let s = p;
  if (s + 2 <= lim && byteAt(s) == 0x4d && byteAt(s + 1) == 0x2d) s += 2; // "M-" (RFC 2774)
  if (s + 5 <= lim && matches(s, "HTTP/")) return statusLine(s + 5, lim) ? RESPONSE : -1;
  if (s + 4 <= lim && matches(s, "ICY ")) return RESPONSE;
  // The method runs up to the first space (or the end of the line).
  let i = s;
  while (i < lim && i - s <= 16) {
    const c = byteAt(i);
    if (c == 0x20 || c == 0x0d || c == 0x0a) break;
    i++;
  }
  const n = i - s;
  if (n > 16) return -1;
  return methodType(s, n);
}

/** "1.1 200": the version digits and a status code after "HTTP/", as far as the bytes go. */
function statusLine(p: i32, lim: i32): bool {
  // digit '.' digit ' ' digit digit digit
  for (let i = 0; i < 7; i++) {
    if (p + i >= lim) return true;
    const c = byteAt(p + i);
    if (i == 1) {
      if (c != 0x2e) return false;
    } else if (i == 3) {
      if (c != 0x20) return false;
    } else if (!isDigit(c)) return false;
  }
  return true;
}

function methodType(s: i32, n: i32): i32 {
  switch (n) {
    case 3:
      if (matches(s, "GET") || matches(s, "PUT")) return REQUEST;
      break;
    case 4:
      if (matches(s, "COPY") || matches(s, "HEAD") || matches(s, "LOCK") || matches(s, "MOVE") || matches(s, "POLL") || matches(s, "POST")) return REQUEST;
      break;
    case 5:
      if (matches(s, "BCOPY") || matches(s, "BMOVE") || matches(s, "MKCOL") || matches(s, "TRACE") || matches(s, "PATCH") || matches(s, "LABEL") || matches(s, "MERGE")) return REQUEST;
      break;
    case 6:
      if (matches(s, "DELETE") || matches(s, "SEARCH") || matches(s, "UNLOCK") || matches(s, "REPORT") || matches(s, "UPDATE")) return REQUEST;
      if (matches(s, "NOTIFY")) return NOTIFICATION;
      break;
    case 7:
      if (matches(s, "BDELETE") || matches(s, "CONNECT") || matches(s, "OPTIONS") || matches(s, "CHECKIN")) return REQUEST;
      break;
    case 8:
      if (matches(s, "PROPFIND") || matches(s, "CHECKOUT") || matches(s, "CCM_POST")) return REQUEST;
      break;
    case 9:
      if (matches(s, "SUBSCRIBE")) return NOTIFICATION;
      if (matches(s, "PROPPATCH") || matches(s, "BPROPFIND")) return REQUEST;
      break;
    case 10:
      if (matches(s, "BPROPPATCH") || matches(s, "UNCHECKOUT") || matches(s, "MKACTIVITY")) return REQUEST;
      break;
    case 11:
      if (matches(s, "MKWORKSPACE") || matches(s, "RPC_CONNECT") || matches(s, "RPC_IN_DATA")) return REQUEST;
      if (matches(s, "UNSUBSCRIBE")) return NOTIFICATION;
      break;
    case 12:
      if (matches(s, "RPC_OUT_DATA")) return REQUEST;
      break;
    case 15:
      if (matches(s, "VERSION-CONTROL")) return REQUEST;
      break;
    case 16:
      if (matches(s, "BASELINE-CONTROL") || matches(s, "SSTP_DUPLEX_POST")) return REQUEST;
      break;
  }
  return -1;
}

/** Skips one leading CRLF, as tshark does (servers should ignore an empty line before a request). */
function skipLeadingCrlf(off: i32, end: i32, avail: i32): i32 {
  if (end - off > 3 && off + 2 <= avail && byteAt(off) == 0x0d && byteAt(off + 1) == 0x0a) return off + 2;
  return off;
}

/**
 * Does an HTTP request line (known method) or status line ("HTTP/1.x NNN")
 * start at off, or is this a stream where a request was seen before?
 */
export function looksLikeHttp(off: i32, end: i32): bool {
  noteFrame();
  const avail = t.limit < end ? t.limit : end;
  if (off < 0 || off >= avail) return false;
  const start = skipLeadingCrlf(off, end, avail);
  // Anything on a stream that carried a request is HTTP to tshark ("Continuation").
  return classify(start, avail) >= 0 || requestSeen(pinfo.stream);
}

// ---- the header scan (both passes) -----------------------------------------

/** Offset just after the blank line ending the header block, or -1 when it was not found. */
let sHdrEnd: i32 = -1;
/** The header block did not end within MAX_HEADER bytes: it is not waited for. */
let sTooBig: bool = false;
let sHaveCL: bool = false;
let sCL: i64 = 0;
/** A Transfer-Encoding header was seen (the Content-Length is then ignored). */
let sTE: bool = false;
let sChunked: bool = false;
/** A transfer coding other than chunked and identity (gzip ...), which is not undone. */
let sTECoded: bool = false;
/** A Content-Encoding other than identity, which is not undone. */
let sEncoded: bool = false;
/** The media type of Content-Type, without parameters: its offset and length (-1 when absent). */
let sTypeOff: i32 = -1;
let sTypeLen: i32 = 0;

/**
 * Walks the header lines from p (the line after the first line) to the blank
 * line, noting what decides the body's length: Content-Length,
 * Transfer-Encoding, and the Content-Type and Content-Encoding that decide how
 * the body is shown. Only lines starting with c or t are read further.
 */
function scanHeaders(msgStart: i32, p: i32, lim: i32): void {
  sHdrEnd = -1;
  sTooBig = false;
  sHaveCL = false;
  sCL = 0;
  sTE = false;
  sChunked = false;
  sTECoded = false;
  sEncoded = false;
  sTypeOff = -1;
  sTypeLen = 0;
  // No line is looked for beyond MAX_HEADER bytes from the message start.
  const cap = lim - msgStart > MAX_HEADER ? msgStart + MAX_HEADER : lim;
  while (p < lim) {
    if (p >= cap) {
      sTooBig = true;
      return;
    }
    findLine(p, cap);
    if (nxt < 0) {
      if (cap < lim) sTooBig = true;
      return;
    }
    if (eol == p) {
      sHdrEnd = nxt;
      return;
    }
    const c = lower(byteAt(p));
    if (c == 0x63 || c == 0x74) headerOfInterest(p, eol);
    p = nxt;
  }
}

/** Value start of "name:" at p (after spaces and tabs), or -1 when the line is another header. */
function valueAfter(p: i32, le: i32, name: string): i32 {
  const n = name.length;
  if (p + n + 1 > le || !matchesCI(p, name) || byteAt(p + n) != 0x3a) return -1;
  let v = p + n + 1;
  while (v < le) {
    const c = byteAt(v);
    if (c != 0x20 && c != 0x09) break;
    v++;
  }
  return v;
}

function headerOfInterest(p: i32, le: i32): void {
  let v = valueAfter(p, le, "content-length");
  if (v >= 0) {
    const cl = parseContentLength(v, le);
    sHaveCL = cl >= 0;
    sCL = cl >= 0 ? cl : 0;
    return;
  }
  v = valueAfter(p, le, "content-type");
  if (v >= 0) {
    let e = v;
    while (e < le) {
      const c = byteAt(e);
      if (c == 0x3b || isSpace(c)) break;
      e++;
    }
    sTypeOff = v;
    sTypeLen = e - v;
    return;
  }
  v = valueAfter(p, le, "content-encoding");
  if (v >= 0) {
    sEncoded = !(le - v == 8 && matchesCI(v, "identity"));
    return;
  }
  v = valueAfter(p, le, "transfer-encoding");
  if (v >= 0) {
    sTE = true;
    transferCodings(v, le);
  }
}

/** The Content-Length value as a number, or -1 when it is not a valid length (as g_ascii_strtoll would judge). */
function parseContentLength(v: i32, le: i32): i64 {
  let i = v;
  while (i < le && isSpace(byteAt(i))) i++;
  if (i < le && byteAt(i) == 0x2b) i++;
  const digits = i;
  let n: i64 = 0;
  while (i < le && isDigit(byteAt(i))) {
    if (n > 99999999999999999) return -1; // would overflow: ERANGE
    n = n * 10 + <i64>(byteAt(i) - 0x30);
    i++;
  }
  if (i == digits) return -1;
  if (i < le && !isSpace(byteAt(i))) return -1;
  return n;
}

/** Reads a Transfer-Encoding list: chunked, and whether another coding is applied. */
function transferCodings(v: i32, le: i32): void {
  let i = v;
  let guard = 0;
  while (i < le && guard++ < 64) {
    let c = byteAt(i);
    while (i < le && (c == 0x20 || c == 0x09 || c == 0x2c)) {
      i++;
      if (i < le) c = byteAt(i);
    }
    if (i >= le) break;
    if (i + 7 <= le && matches(i, "chunked")) {
      sChunked = true;
      i += 7;
      continue;
    }
    if (!(i + 8 <= le && matches(i, "identity"))) sTECoded = true;
    // Skip to the next comma.
    const comma = findByte(i, le, 0x2c);
    if (comma < 0) break;
    i = comma;
  }
}

// ---- chunked bodies ----------------------------------------------------------

const CHUNKS_DONE = 0;
const CHUNKS_MORE = 1;
/** Where a chunk walk stopped: the end of the body when done. */
let cEnd: i32 = 0;
/** Total of the chunk sizes walked. */
let cData: i32 = 0;

/** Parses a chunk size line [p, le): hex digits up to ';' (strtol base 16). -1 when none. */
function chunkSize(p: i32, le: i32): i64 {
  let i = p;
  while (i < le && isSpace(byteAt(i))) i++;
  if (i + 2 <= le && byteAt(i) == 0x30 && lower(byteAt(i + 1)) == 0x78) i += 2;
  const digits = i;
  let n: i64 = 0;
  while (i < le) {
    const c = lower(byteAt(i));
    let d: i64 = 0;
    if (isDigit(c)) d = <i64>(c - 0x30);
    else if (c >= 0x61 && c <= 0x66) d = <i64>(c - 0x61 + 10);
    else break;
    n = n * 16 + d;
    if (n > 0x7fffffff) return 0x80000000;
    i++;
  }
  return i == digits ? -1 : n;
}

/**
 * Walks the chunks of a body from p, as tshark's reassembly check does, to
 * learn whether the whole body has arrived (final: the bytes up to lim are
 * all there will be, so the walk ends there).
 */
function walkChunks(p: i32, lim: i32, final: bool): i32 {
  cData = 0;
  for (let n = 0; n < MAX_CHUNKS; n++) {
    findLine(p, lim);
    if (nxt < 0) {
      if (final) {
        cEnd = lim;
        return CHUNKS_DONE;
      }
      return CHUNKS_MORE;
    }
    const size = chunkSize(p, eol);
    if (size < 0 || size > 0x7fffffff) {
      // Not a chunk: tshark gives up waiting and shows what there is.
      cEnd = lim;
      return CHUNKS_DONE;
    }
    const dataStart = nxt;
    if (size == 0) {
      // The last chunk, then trailer header lines up to a blank line.
      let q = dataStart;
      for (let k = 0; k < MAX_LINES; k++) {
        findLine(q, lim);
        if (nxt < 0) {
          if (!final) return CHUNKS_MORE;
          q = lim;
          break;
        }
        const blank = eol == q;
        q = nxt;
        if (blank) break;
      }
      cEnd = q;
      return CHUNKS_DONE;
    }
    const need = <i64>dataStart + size + 2;
    if (need > <i64>lim) {
      if (final) {
        if (lim > dataStart) cData += lim - dataStart < <i32>size ? lim - dataStart : <i32>size;
        cEnd = lim;
        return CHUNKS_DONE;
      }
      // The total is not known until the last chunk: ask to be called again
      // with more (needMore's length is the exact length of the message).
      return CHUNKS_MORE;
    }
    cData += <i32>size;
    p = <i32>need;
  }
  cEnd = p;
  return CHUNKS_DONE;
}

// ---- per-stream state: requests seen ------------------------------------------
// For each TCP stream: the frame of its first request (tshark then calls
// whatever else the stream carries "Continuation") and whether the last
// request was HEAD or CONNECT (their responses have no body). Recorded by the
// summary pass, in order; the detail pass, which runs after it, only reads.

const METHOD_OTHER: u64 = 1;
const METHOD_HEAD: u64 = 2;
const METHOD_CONNECT: u64 = 3;
/** stream -> first request frame << 32 | last request method */
const requests = new Map<i32, u64>();
/** Streams remembered; requests of more streams are not. */
const MAX_STREAMS = 65536;
let lastFrame: u32 = 0;

/** Forgets the streams of the previous capture. */
export function resetHttp(): void {
  requests.clear();
  lastFrame = 0;
}

/** Summary pass: a frame number going back means a new capture (if the host did not call resetHttp). */
function noteFrame(): void {
  if (!frame.track) return;
  if (frame.number < lastFrame) resetHttp();
  lastFrame = frame.number;
}

/** The method of the stream's last request, for the summary pass's decision to wait for a body. */
function lastRequest(stream: i32): u64 {
  if (!frame.track || stream < 0 || !requests.has(stream)) return 0;
  return requests.get(stream) & 0xff;
}

/** Was a request of this stream seen, in this frame or before? */
function requestSeen(stream: i32): bool {
  if (stream < 0 || !requests.has(stream)) return false;
  const first = <u32>(requests.get(stream) >> 32);
  return first != 0 && first <= frame.number;
}

function noteRequest(stream: i32, start: i32, avail: i32): void {
  if (!frame.track || stream < 0 || pinfo.inError) return;
  let m = start;
  if (m + 2 <= avail && byteAt(m) == 0x4d && byteAt(m + 1) == 0x2d) m += 2;
  let method = METHOD_OTHER;
  if (m + 5 <= avail && matches(m, "HEAD ")) method = METHOD_HEAD;
  else if (m + 8 <= avail && matches(m, "CONNECT ")) method = METHOD_CONNECT;
  const had = requests.has(stream);
  if (!had && requests.size >= MAX_STREAMS) return;
  const old: u64 = had ? requests.get(stream) : <u64>frame.number << 32;
  const v = (old & 0xffffffff00000000) | method;
  if (!had || v != old) requests.set(stream, v);
}

// ---- the dissector -------------------------------------------------------------

/**
 * Dissects the HTTP messages in [off, end): over TCP (overUdp false) or SSDP
 * over UDP. Asks TCP for more bytes when a message does not end here.
 */
export function dissectHttp(off: i32, end: i32, overUdp: bool): void {
  const prev = t.enter(end);
  const avail = t.limit < end ? t.limit : end;
  let pos = off;
  for (let n = 0; n < MAX_MESSAGES && pos < end; n++) {
    const next = message(pos, end, avail, overUdp, n == 0);
    if (next <= pos) break;
    pos = next;
  }
  t.restore(prev);
}

/** Dissects one message at pos; returns where the next one starts, or -1 to stop. */
function message(pos: i32, end: i32, avail: i32, overUdp: bool, first: bool): i32 {
  if (pos >= avail) return -1;
  // The captured bytes stop before the reported end (snaplen): nothing can be
  // reassembled, dissect what there is (tshark does the same).
  const truncated = avail < end;
  const canDesegment = !overUdp && !truncated;
  const start = skipLeadingCrlf(pos, end, avail);
  const type = classify(start, avail);
  if (type < 0) {
    // Not a message: a continuation of the stream's HTTP (the body of a
    // message not reassembled), or data (the SSDP port, or no request seen).
    if (!overUdp && requestSeen(pinfo.stream)) continuation(pos, end, avail);
    else dissectData(pos, end);
    return -1;
  }
  if (overUdp && !t.detail) {
    // SSDP: one message per datagram, nothing to wait for.
    if (!pinfo.inError) pinfo.colProto = COL_SSDP;
    t.summaryLayer(HF_SSDP);
    return -1;
  }
  // The first line (looked for in the first MAX_HEADER bytes).
  const firstCap = avail - start > MAX_HEADER ? start + MAX_HEADER : avail;
  findLine(start, firstCap);
  let lineEnd = eol;
  let hdrStart = nxt;
  if (nxt == -2 && !canDesegment) hdrStart = firstCap;
  if (hdrStart < 0) {
    if (canDesegment && firstCap == avail) {
      needMore(pos, UNTIL_MORE_DATA);
      return -1;
    }
    hdrStart = firstCap;
  }
  // The first line goes to the Info column now, before waiting for the rest
  // of the message (tshark's Info then reads "HTTP/1.1 200 OK  [TCP segment
  // of a reassembled PDU]" on the segments before the last).
  if (t.detail && !pinfo.inError) {
    if (first) t.info.reset();
    t.info.printable(t.at(start), lineEnd - start);
    t.info.str(" ");
  }
  scanHeaders(start, hdrStart, avail);
  if (sHdrEnd < 0 && canDesegment && !sTooBig) {
    needMore(pos, UNTIL_MORE_DATA);
    return -1;
  }
  const code = type == RESPONSE ? statusCode(start, lineEnd) : 0;
  // 1xx, 204 and 304 responses have no body (RFC 7230, 3.3).
  const noBody = type == RESPONSE && ((code >= 100 && code < 200) || code == 204 || code == 304);
  // A response to HEAD, or a 2xx to CONNECT, has no body to wait for either
  // (tshark knows the last request's method from its conversation).
  const lastMethod = overUdp ? 0 : lastRequest(pinfo.stream);
  const noBodyWait = noBody || (type == RESPONSE && (lastMethod == METHOD_HEAD || (lastMethod == METHOD_CONNECT && code >= 200 && code < 300)));
  if (type == REQUEST && !overUdp) noteRequest(pinfo.stream, start, avail);
  const bodyStart = sHdrEnd >= 0 ? sHdrEnd : avail;
  // Wait for the rest of the body when it is chunked or has a Content-Length
  // (as tshark's req_resp_hdrs_do_reassembly).
  let walked = false;
  if (sHdrEnd >= 0 && canDesegment && !noBodyWait) {
    if (sChunked) {
      if (walkChunks(bodyStart, avail, false) == CHUNKS_MORE) {
        needMore(pos, UNTIL_MORE_DATA);
        return -1;
      }
      walked = true;
    } else if (sHaveCL && <i64>bodyStart + sCL > <i64>end) {
      const want = <i64>bodyStart + sCL - <i64>pos;
      needMore(pos, want > 0x7fffffff ? 0x7fffffff : <i32>want);
      return -1;
    }
  }
  // Where the message ends (reported bytes): Content-Length unless there is a
  // Transfer-Encoding; no body for requests without either and for 1xx, 204
  // and 304 responses; otherwise the chunks, or all the rest.
  let msgEnd = end;
  let chunkedDone = false;
  if (sHdrEnd >= 0) {
    if (sHaveCL && !sTE) {
      const total = <i64>bodyStart + sCL;
      if (total < <i64>end) msgEnd = <i32>total;
    } else if ((type == REQUEST && !sTE) || noBody) msgEnd = bodyStart;
    else if (sChunked) {
      if (!walked) walkChunks(bodyStart, avail, true);
      chunkedDone = true;
      msgEnd = cEnd;
    }
  }
  // The body as tshark delimits it: bytes captured in this message.
  let bodyCaptured = (msgEnd < avail ? msgEnd : avail) - bodyStart;
  if (bodyCaptured < 0) bodyCaptured = 0;
  const kind = sTypeOff >= 0 ? mediaKind(sTypeOff, sTypeLen) : KIND_NONE;
  const bodyShown = chunkedDone ? cData > 0 : bodyCaptured > 0;
  if (!pinfo.inError) {
    if (overUdp) pinfo.colProto = COL_SSDP;
    else if (bodyShown && kind == KIND_JSON) pinfo.colProto = COL_HTTP_JSON;
    else if (bodyShown && kind == KIND_XML) pinfo.colProto = COL_HTTP_XML;
    else pinfo.colProto = COL_HTTP;
  }
  if (!t.detail) {
    t.summaryLayer(overUdp ? HF_SSDP : HF_HTTP);
    return msgEnd > pos && !overUdp ? msgEnd : -1;
  }

  // ---- the detail tree ----
  const chunked = chunkedDone;
  const typeOff = sTypeOff;
  const typeLen = sTypeLen;
  const encoded = sEncoded || sTECoded;
  const node = t.open(overUdp ? HF_SSDP : HF_HTTP, pos, (msgEnd < avail ? msgEnd : avail) - pos);
  firstLine(start, lineEnd, hdrStart, type);
  // Header lines up to the blank line, or through the first MAX_HEADER bytes when it was not found.
  const walkEnd = sHdrEnd >= 0 ? sHdrEnd : avail - start > MAX_HEADER ? start + MAX_HEADER : avail;
  const body = headers(hdrStart, walkEnd, type);
  // The body starts after the blank line, or where the header lines stopped.
  const bStart = sHdrEnd >= 0 && body >= sHdrEnd ? sHdrEnd : body;
  fullUri(start);
  if (type == REQUEST) t.hidden(t.fgen(HF_REQUEST, start, 0, 1));
  else if (type == RESPONSE) t.hidden(t.fgen(HF_RESPONSE, start, 0, 1));
  else t.hidden(t.fgen(HF_NOTIFICATION, start, 0, 1));
  let bEnd = msgEnd < avail ? msgEnd : avail;
  if (bEnd < bStart) bEnd = bStart;
  if (bStart < bEnd || chunked) bodyTree(bStart, bEnd, chunked, encoded, kind, typeOff, typeLen);
  t.close(node);
  return msgEnd > pos && !overUdp ? msgEnd : -1;
}

/** Bytes of a stream that carries HTTP that do not start a message: shown as data under HTTP. */
function continuation(pos: i32, end: i32, avail: i32): void {
  if (!pinfo.inError) pinfo.colProto = COL_HTTP;
  if (!t.detail) {
    t.summaryLayer(HF_HTTP);
    return;
  }
  if (!pinfo.inError) {
    t.info.reset();
    t.info.str("Continuation");
  }
  const node = t.open(HF_HTTP, pos, avail - pos);
  dissectData(pos, end);
  t.close(node);
}

/** The status code of a status line, for deciding whether a body follows (0 when unreadable). */
function statusCode(start: i32, lineEnd: i32): i32 {
  // The second token, three digits.
  let i = start;
  while (i < lineEnd && byteAt(i) != 0x20) i++;
  while (i < lineEnd && byteAt(i) == 0x20) i++;
  if (i + 3 > lineEnd) return 0;
  if (i + 3 < lineEnd && byteAt(i + 3) != 0x20) return 0;
  let v = 0;
  for (let k = 0; k < 3; k++) {
    const c = byteAt(i + k);
    if (!isDigit(c)) return 0;
    v = v * 10 + <i32>(c - 0x30);
  }
  return v;
}

// ---- detail: first line ------------------------------------------------------------

/** Host header value (trimmed) and request URI of the message, for the full URI. */
let hostOff: i32 = -1;
let hostLen: i32 = 0;
let uriOff: i32 = -1;
let uriLen: i32 = 0;
let isConnect: bool = false;

/** Length of the token at p (up to a space or lim), and the start of the next token in tokNext. */
let tokNext: i32 = 0;
function token(p: i32, lim: i32): i32 {
  let i = p;
  while (i < lim) {
    const c = byteAt(i);
    if (c == 0x20 || c == 0x0d || c == 0x0a) break;
    i++;
  }
  const n = i - p;
  while (i < lim && byteAt(i) == 0x20) i++;
  tokNext = i;
  return n;
}

function firstLine(start: i32, lineEnd: i32, next: i32, type: i32): void {
  hostOff = -1;
  hostLen = 0;
  uriOff = -1;
  uriLen = 0;
  isConnect = false;
  const lineLen = (next > lineEnd ? next : lineEnd) - start;
  const chat = t.open(HF_CHAT, start, lineLen);
  const note = t.beginNote();
  t.pool.printable(t.at(start), lineLen);
  t.endNote(chat, note);
  if (type == RESPONSE) responseLine(start, lineEnd);
  else requestLine(start, lineEnd);
  t.close(chat);
}

function requestLine(p: i32, le: i32): void {
  const mlen = token(p, le);
  if (mlen == 0) return;
  addStr(HF_METHOD, p, mlen);
  let m = p;
  if (mlen >= 2 && byteAt(p) == 0x4d && byteAt(p + 1) == 0x2d) m += 2;
  isConnect = p + mlen - m == 7 && matchesCI(m, "connect");
  let u = tokNext;
  // Two spaces mean an empty URI.
  if (u - p > 2 && byteAt(u - 1) == 0x20 && byteAt(u - 2) == 0x20) u--;
  const ulen = token(u, le);
  uriOff = u;
  uriLen = ulen;
  const un = addStr(HF_URI, u, ulen);
  uriParts(un, u, ulen);
  const v = tokNext;
  addStr(HF_REQ_VERSION, v, le - v);
}

/** The path, query and query parameters of a URI with a '?' and a non-empty query. */
function uriParts(node: i32, u: i32, ulen: i32): void {
  if (node < 0) return;
  const q = findByte(u, u + ulen, 0x3f);
  if (q < 0 || u + ulen - (q + 1) < 1) return;
  t.openNode(node);
  addStr(HF_URI_PATH, u, q - u);
  const qs = q + 1;
  const qe = u + ulen;
  const qn = addStr(HF_URI_QUERY, qs, qe - qs);
  if (qn >= 0) {
    t.openNode(qn);
    let i = qs;
    let parts = 0;
    while (i < qe && parts < MAX_PARTS) {
      if (byteAt(i) == 0x26) {
        i++;
        continue;
      }
      let e = findByte(i, qe, 0x26);
      if (e < 0) e = qe;
      addStr(HF_URI_PARAM, i, e - i);
      parts++;
      i = e;
    }
    t.close(qn);
  }
  t.close(node);
}

function responseLine(p: i32, le: i32): void {
  const vlen = token(p, le);
  if (vlen == 0) return;
  addStr(HF_RESP_VERSION, p, vlen);
  const c = tokNext;
  const clen = token(c, le);
  if (clen < 3) return;
  // strtoul over the first three characters.
  let code: u32 = 0;
  for (let k = 0; k < 3; k++) {
    const d = byteAt(c + k);
    if (!isDigit(d)) break;
    code = code * 10 + (d - 0x30);
  }
  t.fval(HF_CODE, c, 3, code);
  const mark = t.poolMark();
  const desc = statusText(code);
  if (desc.length > 0) t.pool.str(desc);
  else {
    t.pool.str("Unknown (");
    t.pool.dec(code);
    t.pool.str(")");
  }
  t.generated(t.fstrPool(HF_CODE_DESC, c, 3, mark));
  const ph = tokNext;
  if (le - ph >= 1) addStr(HF_PHRASE, ph, le - ph);
}

// ---- detail: header lines ----------------------------------------------------------

/** Is c a character allowed in a header name (RFC 7230 tchar, as tshark checks it)? */
function isTokenChar(c: u32): bool {
  if ((c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a)) return true;
  switch (c) {
    case 0x21: // !
    case 0x23: // #
    case 0x24: // $
    case 0x25: // %
    case 0x26: // &
    case 0x5c: // backslash
    case 0x3a: // :
    case 0x2a: // *
    case 0x2b: // +
    case 0x2d: // -
    case 0x2e: // .
    case 0x5e: // ^
    case 0x5f: // _
    case 0x60: // `
    case 0x7c: // |
    case 0x7e: // ~
      return true;
  }
  return false;
}

/** Index of the known header named [p, p + n), or -1. */
function headerIndex(p: i32, n: i32): i32 {
  for (let i = 0; i < HEADER_NAMES.length; i++) {
    const name = unchecked(HEADER_NAMES[i]);
    if (name.length == n && matchesCI(p, name)) return i;
  }
  return -1;
}

/** Adds the header lines from p; returns where they stopped (after the blank line, or at a line that is not a header). */
function headers(p: i32, avail: i32, type: i32): i32 {
  let lines = 0;
  while (p < avail && lines < MAX_LINES && !t.stopped) {
    findLine(p, avail);
    let next = nxt;
    if (next < 0) next = avail; // the last line, cut short
    if (eol == p) return next; // the blank line
    const colon = findByte(p, eol, 0x3a);
    if (colon < 0) return p; // not a header: the rest is not part of the header block
    headerLine(p, eol, next, colon, type);
    p = next;
    lines++;
  }
  return p;
}

function headerLine(p: i32, le: i32, next: i32, colon: i32, type: i32): void {
  const len = next - p;
  let valid = colon > p;
  for (let i = p; i < colon && valid; i++) valid = isTokenChar(byteAt(i));
  const lineField: u16 = type == REQUEST ? HF_REQ_LINE : type == RESPONSE ? HF_RESP_LINE : HF_UNKNOWN_HEADER;
  if (!valid) {
    lineOf(lineField, p, len);
    return;
  }
  let v = colon + 1;
  while (v < le) {
    const c = byteAt(v);
    if (c != 0x20 && c != 0x09) break;
    v++;
  }
  const idx = headerIndex(p, colon - p);
  if (idx < 0) {
    lineOf(lineField, p, len);
    return;
  }
  // The field holds the value; the line (with its ending) is searchable as a hidden copy.
  const hf = unchecked(HEADER_FIELDS[idx]);
  const mark = t.poolMark();
  if (!t.has(p, len)) return;
  asciiToPool(t.at(v), le - v);
  const node = t.fstrPool(hf, p, len, mark);
  switch (unchecked(HEADER_SPECIAL[idx])) {
    case SP_CONTENT_LENGTH: {
      const cl = parseContentLength(v, le);
      if (cl >= 0 && node >= 0) {
        t.openNode(node);
        t.fgen(HF_CONTENT_LENGTH, p, len, <u64>cl);
        t.close(node);
      }
      break;
    }
    case SP_HOST:
      hostOff = v;
      hostLen = le - v;
      break;
    case SP_COOKIE:
      cookiePairs(node, v, le);
      break;
    case SP_AUTHORIZATION:
      basicAuth(node, p, v, le);
      break;
  }
  if (type == REQUEST || type == RESPONSE) t.hidden(addStr(lineField, p, len));
}

/** A header line shown as it is: request or response line, or the text of an unknown header. */
function lineOf(hf: u16, p: i32, len: i32): void {
  if (hf != HF_UNKNOWN_HEADER) {
    addStr(hf, p, len);
    return;
  }
  if (!t.has(p, len)) return;
  const mark = t.poolMark();
  t.pool.printable(t.at(p), len);
  t.fstrPool(hf, p, len, mark);
}

function cookiePairs(node: i32, v: i32, le: i32): void {
  if (node < 0) return;
  t.openNode(node);
  let i = v;
  let parts = 0;
  while (i < le && parts < MAX_PARTS) {
    const c = byteAt(i);
    if (c == 0x3b || isSpace(c)) {
      i++;
      continue;
    }
    let e = findByte(i, le, 0x3b);
    if (e < 0) e = le;
    addStr(HF_COOKIE_PAIR, i, e - i);
    parts++;
    i = e;
  }
  t.close(node);
}

/** Basic credentials decoded from base64 ("user:password"), as a child of the Authorization header. */
function basicAuth(node: i32, p: i32, v: i32, le: i32): void {
  if (node < 0 || le - v < 6 || !matches(v, "Basic ")) return;
  t.openNode(node);
  const mark = t.poolMark();
  const s = v + 6;
  if (le - s > 1) base64ToPool(s, le);
  else asciiToPool(t.at(s), le - s);
  t.fstrPool(HF_AUTHBASIC, p, 0, mark);
  t.close(node);
}

function base64Value(c: u32): i32 {
  if (c >= 0x41 && c <= 0x5a) return <i32>(c - 0x41);
  if (c >= 0x61 && c <= 0x7a) return <i32>(c - 0x61 + 26);
  if (c >= 0x30 && c <= 0x39) return <i32>(c - 0x30 + 52);
  if (c == 0x2b) return 62;
  if (c == 0x2f) return 63;
  return -1;
}

/** Decodes base64 in [s, e) into the pool; other characters are skipped, decoding ends at '=' or a NUL byte. */
function base64ToPool(s: i32, e: i32): void {
  let acc: u32 = 0;
  let bits = 0;
  for (let i = s; i < e; i++) {
    const c = byteAt(i);
    if (c == 0x3d) break;
    const d = base64Value(c);
    if (d < 0) continue;
    acc = (acc << 6) | <u32>d;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      const b = (acc >> <u32>bits) & 0xff;
      if (b == 0) return;
      t.pool.byte(b);
    }
  }
}

/** http.request.full_uri: "http://" + Host + URI, or the URI itself when it is absolute. */
function fullUri(at: i32): void {
  if (hostOff < 0 || uriOff < 0) return;
  // g_strstrip: white space off both ends of the host.
  let hs = hostOff;
  let he = hostOff + hostLen;
  while (hs < he && isSpace(byteAt(hs))) hs++;
  while (he > hs && isSpace(byteAt(he - 1))) he--;
  const mark = t.poolMark();
  const absolute = (uriLen >= 7 && matchesCI(uriOff, "http://")) || (uriLen >= 8 && matchesCI(uriOff, "https://"));
  if (!absolute && !isConnect) {
    t.pool.str("http://");
    asciiToPool(t.at(hs), he - hs);
  }
  asciiToPool(t.at(uriOff), uriLen);
  t.generated(t.fstrPool(HF_FULL_URI, at, 0, mark));
}

// ---- detail: the body -------------------------------------------------------------------

const KIND_NONE = 0;
const KIND_OTHER = 1;
const KIND_JSON = 2;
const KIND_XML = 3;
const KIND_PNG = 4;
const KIND_JPEG = 5;
const KIND_GIF = 6;

/** How tshark shows a body of this media type: which dissector takes it. */
function mediaKind(p: i32, n: i32): i32 {
  if (n == 16 && matchesCI(p, "application/json")) return KIND_JSON;
  if (n == 18 && matchesCI(p, "application/x-json")) return KIND_JSON;
  if (n == 20 && matchesCI(p, "application/json-rpc")) return KIND_JSON;
  if (n == 23 && matchesCI(p, "application/jsonrequest")) return KIND_JSON;
  if (n > 5 && matchesCI(p + n - 5, "+json")) return KIND_JSON;
  if (n == 8 && matchesCI(p, "text/xml")) return KIND_XML;
  if (n == 15 && matchesCI(p, "application/xml")) return KIND_XML;
  if (n > 4 && matchesCI(p + n - 4, "+xml")) return KIND_XML;
  if (n == 9 && matchesCI(p, "image/png")) return KIND_PNG;
  if ((n == 10 && (matchesCI(p, "image/jpeg") || matchesCI(p, "image/jfif"))) || (n == 9 && matchesCI(p, "image/jpg")) || (n == 11 && matchesCI(p, "image/pjpeg"))) return KIND_JPEG;
  if (n == 9 && matchesCI(p, "image/gif")) return KIND_GIF;
  return KIND_OTHER;
}

// A buffer for de-chunked bodies, shown as a data source of their own. It
// only moves when none of its bytes is a source of the current packet.
let dechunkBuf: usize = 0;
let dechunkCap: i32 = 0;

/** Bytes of the de-chunk buffer in use as data sources of the current packet. */
function dechunkInUse(): i32 {
  let used = 0;
  if (dechunkBuf == 0) return 0;
  for (let i = 1; i < t.sourceCount; i++) {
    const ptr = unchecked(t.sourcePtrs[i]);
    if (ptr >= dechunkBuf && ptr < dechunkBuf + <usize>dechunkCap) {
      const e = <i32>(ptr - dechunkBuf) + unchecked(t.sourceLens[i]);
      if (e > used) used = e;
    }
  }
  return used;
}

/** Room for n more bytes after `used`; 0 when there is none. */
function dechunkRoom(used: i32, n: i32): usize {
  if (n <= 0 || n > MAX_DECHUNKED || used + n > MAX_DECHUNKED) return 0;
  if (used + n > dechunkCap) {
    if (used > 0) return 0; // earlier bytes are in use: never move them
    let cap = dechunkCap < 65536 ? 65536 : dechunkCap;
    while (cap < n) cap <<= 1;
    dechunkBuf = dechunkBuf == 0 ? heap.alloc(<usize>cap) : heap.realloc(dechunkBuf, <usize>cap);
    dechunkCap = cap;
  }
  return dechunkBuf + <usize>used;
}

function bodyTree(bStart: i32, bEnd: i32, chunked: bool, encoded: bool, kind: i32, typeOff: i32, typeLen: i32): void {
  if (!chunked) {
    showBody(bStart, bEnd - bStart, encoded, kind);
    if (t.has(bStart, bEnd - bStart)) infoNote(t.at(bStart), bEnd - bStart, encoded, kind, typeOff, typeLen);
    return;
  }
  // The chunks, then the joined data as a data source of its own (a packet
  // has room for a few sources; without one the body is shown as it came).
  const canSource = t.source != 0x7f && t.sourceCount < t.sourcePtrs.length;
  const room = canSource ? dechunkRoom(dechunkInUse(), bEnd - bStart) : 0;
  let out = 0;
  let p = bStart;
  for (let n = 0; n < MAX_CHUNKS && p < bEnd && !t.stopped; n++) {
    findLine(p, bEnd);
    if (nxt < 0 || eol == p) break;
    let size = chunkSize(p, eol);
    if (size < 0) size = 0;
    const dataStart = nxt;
    if (size > <i64>(bEnd - dataStart)) size = <i64>(bEnd - dataStart);
    const sz = <i32>size;
    const sn = t.fval(HF_CHUNK_SIZE, p, dataStart - p, <u64>sz);
    const note = t.beginNote();
    t.pool.dec(<u64>sz);
    t.pool.str(" octets");
    t.endNote(sn, note);
    if (sz > 0) {
      t.fbytes(HF_CHUNK_DATA, dataStart, sz);
      if (dataStart + sz + 2 <= bEnd) t.fbytes(HF_CHUNK_BOUNDARY, dataStart + sz, 2);
      if (room != 0) {
        memory.copy(room + <usize>out, t.at(dataStart), <usize>sz);
        out += sz;
      }
      p = dataStart + sz + 2;
      continue;
    }
    // The last chunk: trailer header lines up to the blank line.
    let q = dataStart;
    while (q < bEnd) {
      findLine(q, bEnd);
      if (nxt < 0 || eol == q) break;
      q = nxt;
    }
    if (q > dataStart) addStr(HF_CHUNK_TRAILER, dataStart, q - dataStart);
    break;
  }
  if (room == 0) {
    showBody(bStart, bEnd - bStart, encoded, kind);
    return;
  }
  if (out == 0) {
    // Only the last chunk: an empty body, no source needed.
    showBody(bEnd, 0, encoded, kind);
    return;
  }
  const lim = t.limit;
  const saved = t.enterSource(room, out, HF_FILE_DATA);
  showBody(0, out, encoded, kind);
  t.leaveSource(saved);
  t.setLimit(lim);
  infoNote(room, out, encoded, kind, typeOff, typeLen);
}

/**
 * The body [off, off + n) of the current source as File Data (text, as
 * tshark reads it). Compressed bodies are not undone: they are shown as data,
 * and so are bodies without a Content-Type.
 */
function showBody(off: i32, n: i32, encoded: bool, kind: i32): void {
  if (n < 0 || !t.has(off, n)) return;
  if (!encoded) {
    const mark = t.poolMark();
    asciiToPool(t.at(off), n);
    t.fstrPool(HF_FILE_DATA, off, n, mark);
  }
  if (n > 0 && (encoded || kind == KIND_NONE)) dissectData(off, off + n);
}

/**
 * What the media dissectors tshark hands the body to add to the Info column:
 * " (PNG)", " (JPEG JFIF image)", " (GIF89a)", ", JavaScript Object Notation
 * (application/json)", nothing for XML, and " (media/type)" otherwise. They
 * check the data's signature first (a compressed body cannot be checked).
 * `ptr` points at the n bytes of the body; the media type is in the current source.
 */
function infoNote(ptr: usize, n: i32, encoded: bool, kind: i32, typeOff: i32, typeLen: i32): void {
  if (n <= 0 || pinfo.inError || kind == KIND_NONE || kind == KIND_XML) return;
  const info = t.info;
  // All three want at least 20 bytes and their signature; JFIF also "JFIF" or "Exif" at 6.
  if (kind == KIND_PNG && (encoded || (n >= 20 && load<u64>(ptr) == 0x0a1a0a0d474e5089))) {
    info.str(" (PNG)");
    return;
  }
  if (kind == KIND_JPEG && (encoded || (n >= 20 && load<u16>(ptr) == 0xd8ff && load<u8>(ptr + 10) == 0 && (load<u32>(ptr + 6) == 0x4649464a || load<u32>(ptr + 6) == 0x66697845)))) {
    info.str(" (JPEG JFIF image)");
    return;
  }
  if (kind == KIND_GIF && n >= 20 && load<u32>(ptr) == 0x38464947 && load<u8>(ptr + 5) == 0x61) {
    const v = <u32>load<u8>(ptr + 4);
    if (v == 0x37 || v == 0x39) {
      info.str(" (GIF8");
      info.byte(v);
      info.str("a)");
      return;
    }
  }
  if (kind == KIND_JSON) info.str(", JavaScript Object Notation");
  info.str(" (");
  for (let i = 0; i < typeLen; i++) info.byte(lower(byteAt(typeOff + i)));
  info.str(")");
}

function statusText(code: u32): string {
  switch (code) {
    case 100: return "Continue";
    case 101: return "Switching Protocols";
    case 102: return "Processing";
    case 103: return "Early Hints";
    case 199: return "Informational - Others";
    case 200: return "OK";
    case 201: return "Created";
    case 202: return "Accepted";
    case 203: return "Non-authoritative Information";
    case 204: return "No Content";
    case 205: return "Reset Content";
    case 206: return "Partial Content";
    case 207: return "Multi-Status";
    case 208: return "Already Reported";
    case 226: return "IM Used";
    case 299: return "Success - Others";
    case 300: return "Multiple Choices";
    case 301: return "Moved Permanently";
    case 302: return "Found";
    case 303: return "See Other";
    case 304: return "Not Modified";
    case 305: return "Use Proxy";
    case 307: return "Temporary Redirect";
    case 308: return "Permanent Redirect";
    case 399: return "Redirection - Others";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 402: return "Payment Required";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 406: return "Not Acceptable";
    case 407: return "Proxy Authentication Required";
    case 408: return "Request Time-out";
    case 409: return "Conflict";
    case 410: return "Gone";
    case 411: return "Length Required";
    case 412: return "Precondition Failed";
    case 413: return "Request Entity Too Large";
    case 414: return "Request-URI Too Long";
    case 415: return "Unsupported Media Type";
    case 416: return "Requested Range Not Satisfiable";
    case 417: return "Expectation Failed";
    case 418: return "I'm a teapot";
    case 421: return "Misdirected Request";
    case 422: return "Unprocessable Entity";
    case 423: return "Locked";
    case 424: return "Failed Dependency";
    case 425: return "Too Early";
    case 426: return "Upgrade Required";
    case 428: return "Precondition Required";
    case 429: return "Too Many Requests";
    case 431: return "Request Header Fields Too Large";
    case 451: return "Unavailable For Legal Reasons";
    case 499: return "Client Error - Others";
    case 500: return "Internal Server Error";
    case 501: return "Not Implemented";
    case 502: return "Bad Gateway";
    case 503: return "Service Unavailable";
    case 504: return "Gateway Time-out";
    case 505: return "HTTP Version not supported";
    case 506: return "Variant Also Negotiates";
    case 507: return "Insufficient Storage";
    case 508: return "Loop Detected";
    case 510: return "Not Extended";
    case 511: return "Network Authentication Required";
    case 599: return "Server Error - Others";
  }
  return "";
}
