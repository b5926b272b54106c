// A session as one .pcapng file that Wireshark and tshark open like any
// capture and Packetlens reopens as the whole session:
//
//   Section Header Block    shb_userappl "Packetlens", the capture's section
//                           comments, and the session's state: JSON in
//                           custom options (code 2988, PEN 32473), see below
//   Interface Description   one per interface of the original capture that
//   Blocks                  the exported packets use: link type, snaplen,
//                           name, description, filter, OS, hardware;
//                           if_tsresol 9 (nanoseconds)
//   Enhanced Packet Blocks  the exported packets in capture order: captured
//                           bytes, original length, time stamp, and
//                           opt_comment for each of the packet's comments
//                           (epb_flags and epb_dropcount when the capture had them)
//
// Why the state is in the section header and not in a Custom Block (0xBAD):
// Wireshark 4.0 (tshark too) and the Packetlens engine show every Custom
// Block as a frame of its own. A session block would be frame 1 and move every
// packet's number by one, so that "frame 57" in Packetlens would be frame 58
// in Wireshark. Custom options in the section header are skipped by every
// reader that does not know them, and are read with the first block of the
// file.
//
// The Private Enterprise Number: the pcapng spec asks for the IANA PEN of the
// organisation that defines the extension. Packetlens has none registered, so
// it uses 32473, the number IANA reserves for examples and documentation
// (RFC 5612), and marks every piece with the text "Packetlens session k/n" so
// that another tool's options under 32473 are never taken for ours. Once a
// PEN is registered, write it and keep reading 32473.

import type { CaptureIndex } from '../engine/engine';
import {
  customOption,
  dropCountOption,
  enhancedPacket,
  flagsOption,
  interfaceBlock,
  OPT_COMMENT,
  OPT_CUSTOM_STRING_COPY,
  OPT_CUSTOM_STRING_NO_COPY,
  MAX_OPTION_VALUE,
  sectionHeaderBlock,
  SHB_HARDWARE,
  SHB_OS,
  SHB_USERAPPL,
  textOption,
  type PcapngOption,
} from '../live/pcapng-writer';
import { isPacket, selectPackets, type PacketSelection, type ReadPackets } from './selection';

/** The Private Enterprise Number of the session's custom options (see above). */
export const SESSION_PEN = 32473;
/** The version of the session state this code writes, and the newest it reads. */
export const SESSION_FORMAT_VERSION = 1;
/** Every piece of the state begins with this, then "k/n" and a newline. */
export const SESSION_TAG = 'Packetlens session';
/** The most bytes of JSON a session's state may take (Packetlens and Wireshark read section headers of several MB). */
export const MAX_STATE_BYTES = 1 << 20;

const PIECE_BYTES = 60_000;
const BATCH = 1024;
const CHUNK_BYTES = 1 << 20;
const MAX_COMMENT_BYTES = MAX_OPTION_VALUE;

export interface SavedFilter {
  name: string;
  filter: string;
}

/** A colouring rule: packets the filter matches are drawn in these colours (CSS colours, such as "#ffe0e0"). */
export interface ColouringRule {
  name: string;
  filter: string;
  foreground?: string;
  background?: string;
  /** false when the rule is kept but not applied. */
  enabled?: boolean;
}

/** What a person added to a capture, besides packet comments (which go in the packets' blocks). */
export interface SessionInput {
  name?: string;
  note?: string;
  filters?: SavedFilter[];
  /** Fields shown as columns of the packet list (abbreviations, such as "dns.qry.name"). */
  columns?: string[];
  colouring?: ColouringRule[];
}

/** The session's state as the file holds it (the JSON of its custom options). */
export interface SessionState {
  format: 'packetlens-session';
  version: number;
  application: string;
  /** Packets in the file it was written with; marks number these. */
  packets: number;
  name: string;
  note: string;
  /** Marked packets, as packet numbers in this file (from 1), ascending. */
  marks: number[];
  filters: SavedFilter[];
  columns: string[];
  colouring: ColouringRule[];
}

export interface SessionFileOptions {
  index: CaptureIndex;
  /** Reads packets' captured bytes by their number in the index (from 0). */
  read: ReadPackets;
  /** Which packets; all of them when absent. */
  selection?: PacketSelection;
  /** Comments by packet (from 0): the capture's own and the person's edits. The index's when absent. */
  comments?: Map<number, string[]>;
  /** Marked packets (from 0): written as marks, and what the 'marked' selection takes. */
  marks?: Iterable<number>;
  /** The rest of the session; without it the file is a plain pcapng (no state). */
  session?: SessionInput | null;
  /** shb_userappl; "Packetlens" when absent. */
  application?: string;
  onProgress?: (done: number, total: number) => void;
  /** Checked between batches of packets; when it says so, the export stops with an ExportCancelled. */
  shouldStop?: () => boolean;
}

export interface SessionFileSummary {
  /** Bytes written. */
  bytes: number;
  /** Packets written. */
  packets: number;
  /** The number in the index (from 0) of each packet written, in the file's order. */
  exported: Uint32Array;
  /** What could not be carried into the file as it was, in words for a person. */
  notes: string[];
}

export interface SessionFile extends SessionFileSummary {
  /** The file, in pieces: `new Blob(parts)` in the browser, or written one after the other. */
  parts: Uint8Array[];
}

export class ExportCancelled extends Error {
  constructor() {
    super('the export was cancelled');
  }
}

export class SessionTooLargeError extends Error {}

/** Writes the file and returns it as a list of byte arrays. */
export async function writeSessionFile(opts: SessionFileOptions): Promise<SessionFile> {
  const parts: Uint8Array[] = [];
  const summary = await writeSessionStream(opts, (chunk) => {
    parts.push(chunk);
  });
  return { ...summary, parts };
}

/**
 * Writes the file to `sink` in chunks of about a megabyte, reading packets in
 * batches, so that memory does not grow with the capture.
 */
export async function writeSessionStream(opts: SessionFileOptions, sink: (chunk: Uint8Array) => void | Promise<void>): Promise<SessionFileSummary> {
  const { index } = opts;
  const comments = opts.comments ?? index.info.comments;
  const marks = new Set(opts.marks ?? []);
  const notes: string[] = [];
  const chosen = selectPackets(index, opts.selection ?? { kind: 'all' }, marks);
  const exported = Uint32Array.from(Array.from(chosen).filter((i) => isPacket(index, i)).sort((a, b) => a - b));
  const customFrames = chosen.length - exported.length;
  if (customFrames > 0) notes.push(`${count(customFrames, 'pcapng custom block')} shown as frames ${customFrames === 1 ? 'is' : 'are'} not packets and ${customFrames === 1 ? 'was' : 'were'} left out.`);

  const out = new ChunkedSink(sink);
  const state = opts.session ? sessionState(opts.session, exported, marks, opts.application) : null;
  await out.add(sectionHeaderBlock(sectionOptions(index, state, opts.application)));

  // One interface description per interface the exported packets use, in the original order.
  const ifaceColumn = index.columns.arrays.iface;
  const used = [...new Set(Array.from(exported, (i) => ifaceColumn[i]!))].sort((a, b) => a - b);
  const newId = new Map(used.map((iface, k) => [iface, k]));
  for (const iface of used) {
    const facts = index.info.interfaces[iface];
    await out.add(interfaceBlock({ linkType: facts?.linkType ?? 1, snaplen: facts?.snaplen ?? 0, ...(facts ? interfaceText(facts) : {}) }));
  }

  let untimed = 0;
  let beforeEpoch = 0;
  for (let b = 0; b < exported.length; b += BATCH) {
    if (opts.shouldStop?.()) throw new ExportCancelled();
    const batch = Array.from(exported.subarray(b, b + BATCH));
    const bytes = await opts.read(batch);
    for (let k = 0; k < batch.length; k++) {
      const i = batch[k]!;
      let time = index.columns.time(i);
      if (time === null) {
        untimed++;
        time = 0n;
      } else if (time < 0n) beforeEpoch++;
      const list = packetOptions(index, i, comments.get(i), notes);
      await out.add(enhancedPacket(newId.get(ifaceColumn[i]!)!, time, bytes[k]!, index.columns.origLen(i), list));
    }
    opts.onProgress?.(Math.min(b + BATCH, exported.length), exported.length);
  }
  if (untimed) notes.push(`${count(untimed, 'packet')} had no time stamp (simple packet blocks): ${untimed === 1 ? 'it has' : 'they have'} time 0 (1970-01-01) in the file.`);
  if (beforeEpoch) {
    // Written as the 64 bits the time column holds, so Packetlens reads back the same time.
    notes.push(`${count(beforeEpoch, 'packet')} had a time stamp before 1970; pcapng time stamps are unsigned, so other tools show ${beforeEpoch === 1 ? 'it' : 'them'} after the year 2500.`);
  }
  await out.close();
  return { bytes: out.bytes, packets: exported.length, exported, notes };
}

function count(n: number, what: string): string {
  return `${n} ${what}${n === 1 ? '' : 's'}`;
}

function interfaceText(f: { name?: string; description?: string; filter?: string; os?: string; hardware?: string }) {
  return {
    ...(f.name ? { name: f.name } : {}),
    ...(f.description ? { description: f.description } : {}),
    ...(f.filter ? { filter: f.filter } : {}),
    ...(f.os ? { os: f.os } : {}),
    ...(f.hardware ? { hardware: f.hardware } : {}),
  };
}

/** The section header's options: the capture's own comments and machine, this application, and the state. */
function sectionOptions(index: CaptureIndex, state: SessionState | null, application = 'Packetlens'): PcapngOption[] {
  const list: PcapngOption[] = [];
  const sections = index.info.sections;
  for (const s of sections) for (const c of s.comments) list.push(textOption(OPT_COMMENT, c));
  const first = sections[0];
  if (first?.hardware) list.push(textOption(SHB_HARDWARE, first.hardware));
  if (first?.os) list.push(textOption(SHB_OS, first.os));
  list.push(textOption(SHB_USERAPPL, application));
  if (state) list.push(...stateOptions(state));
  return list;
}

/** A packet's options: its comments, and the flags and drop count its block had. */
function packetOptions(index: CaptureIndex, i: number, comments: string[] | undefined, notes: string[]): PcapngOption[] {
  const list: PcapngOption[] = [];
  for (const c of comments ?? []) {
    const option = textOption(OPT_COMMENT, c);
    if (option.value.length > MAX_COMMENT_BYTES) {
      option.value = option.value.subarray(0, utf8Boundary(option.value, MAX_COMMENT_BYTES));
      notes.push(`A comment of packet ${i + 1} was cut to ${MAX_COMMENT_BYTES} bytes, the most a pcapng option holds.`);
    }
    list.push(option);
  }
  const flags = index.info.packetFlags.get(i);
  if (flags !== undefined) list.push(flagsOption(flags));
  const drops = index.info.dropCounts.get(i);
  if (drops !== undefined) list.push(dropCountOption(drops));
  return list;
}

/** The largest length ≤ max that does not cut a UTF-8 sequence. */
function utf8Boundary(bytes: Uint8Array, max: number): number {
  let n = Math.min(max, bytes.length);
  while (n > 0 && n < bytes.length && (bytes[n]! & 0xc0) === 0x80) n--;
  return n;
}

function sessionState(input: SessionInput, exported: Uint32Array, marks: Set<number>, application = 'Packetlens'): SessionState {
  const numberInFile = new Map<number, number>();
  exported.forEach((i, k) => numberInFile.set(i, k + 1));
  const marked = [...marks].map((i) => numberInFile.get(i)).filter((n): n is number => n !== undefined).sort((a, b) => a - b);
  return {
    format: 'packetlens-session',
    version: SESSION_FORMAT_VERSION,
    application,
    packets: exported.length,
    name: input.name ?? '',
    note: input.note ?? '',
    marks: marked,
    filters: (input.filters ?? []).map((f) => ({ name: f.name, filter: f.filter })),
    columns: [...(input.columns ?? [])],
    colouring: (input.colouring ?? []).map((r) => ({ ...r })),
  };
}

const encoder = new TextEncoder();

/** The state's JSON, in pieces small enough for pcapng options, each tagged with its place. */
export function stateOptions(state: SessionState): PcapngOption[] {
  const json = JSON.stringify(state);
  const size = encoder.encode(json).length;
  if (size > MAX_STATE_BYTES) {
    throw new SessionTooLargeError(`the session's state takes ${size} bytes of JSON, more than the ${MAX_STATE_BYTES} a session file holds; remove marks or saved filters, or export without the session`);
  }
  const pieces = splitUtf8(json, PIECE_BYTES);
  return pieces.map((piece, k) => customOption(OPT_CUSTOM_STRING_COPY, SESSION_PEN, encoder.encode(`${SESSION_TAG} ${k + 1}/${pieces.length}\n${piece}`)));
}

/** Splits text into pieces of at most `max` UTF-8 bytes, never inside a character. */
function splitUtf8(text: string, max: number): string[] {
  const out: string[] = [];
  let piece = '';
  let bytes = 0;
  for (const ch of text) {
    const n = ch.codePointAt(0)! < 0x80 ? 1 : ch.codePointAt(0)! < 0x800 ? 2 : ch.codePointAt(0)! < 0x10000 ? 3 : 4;
    if (bytes + n > max) {
      out.push(piece);
      piece = '';
      bytes = 0;
    }
    piece += ch;
    bytes += n;
  }
  out.push(piece);
  return out;
}

/** Gathers blocks into chunks of about CHUNK_BYTES (a Blob of a million tiny parts is slow). */
class ChunkedSink {
  private pending: Uint8Array[] = [];
  private pendingBytes = 0;
  bytes = 0;

  constructor(private readonly sink: (chunk: Uint8Array) => void | Promise<void>) {}

  async add(block: Uint8Array): Promise<void> {
    this.pending.push(block);
    this.pendingBytes += block.length;
    this.bytes += block.length;
    if (this.pendingBytes >= CHUNK_BYTES) await this.flush();
  }

  private async flush(): Promise<void> {
    if (this.pending.length === 0) return;
    const chunk = new Uint8Array(this.pendingBytes);
    let at = 0;
    for (const b of this.pending) {
      chunk.set(b, at);
      at += b.length;
    }
    this.pending = [];
    this.pendingBytes = 0;
    await this.sink(chunk);
  }

  close(): Promise<void> {
    return this.flush();
  }
}

// ---- reading the state back -----------------------------------------------------

export type SessionStateResult =
  /** The state, and what of it could not be restored (each item named), if anything. */
  | { status: 'restored'; state: SessionState; problems: string[] }
  /** The file holds no Packetlens session (a capture from elsewhere, or a pcap). */
  | { status: 'absent' }
  /** There is a session, but it cannot be restored: the packets and their comments still open. */
  | { status: 'unreadable'; problem: string }
  /** The section header is longer than the bytes given: call again with the first `bytes` bytes of the file. */
  | { status: 'need-more'; bytes: number };

const SHB_TYPE = 0x0a0d0d0a;
const BYTE_ORDER_MAGIC = 0x1a2b3c4d;
/** Longer section headers are damaged (the engine's limit for any block). */
const MAX_SHB_BYTES = 16 << 20;
/** Bytes to read from the start of a file to find the state in one go, usually. */
export const SESSION_STATE_PROBE_BYTES = 256 << 10;

const decoder = new TextDecoder('utf-8', { fatal: true });

/**
 * Finds the session's state in the first bytes of a file (its section header
 * block) and checks it. Never throws: a damaged or newer state is reported as
 * a problem, so that the importer keeps the packets and says what it could
 * not restore.
 */
export function readSessionState(start: Uint8Array): SessionStateResult {
  const view = new DataView(start.buffer, start.byteOffset, start.byteLength);
  if (start.length < 12) return start.length >= 4 && view.getUint32(0, true) === SHB_TYPE ? { status: 'need-more', bytes: 28 } : { status: 'absent' };
  if (view.getUint32(0, true) !== SHB_TYPE) return { status: 'absent' };
  const magic = view.getUint32(8, true);
  if (magic !== BYTE_ORDER_MAGIC && magic !== 0x4d3c2b1a) return { status: 'absent' };
  const le = magic === BYTE_ORDER_MAGIC;
  const total = view.getUint32(4, le);
  if (total < 28 || total % 4 !== 0 || total > MAX_SHB_BYTES) return { status: 'absent' };
  if (start.length < total) return { status: 'need-more', bytes: total };

  const pieces = new Map<number, string>();
  let expected = 0;
  let o = 24;
  const end = total - 4;
  while (o + 4 <= end) {
    const code = view.getUint16(o, le);
    const len = view.getUint16(o + 2, le);
    if (code === 0) break;
    if (o + 4 + len > end) return damaged(`an option of the section header runs past the block's end (byte ${o})`);
    if ((code === OPT_CUSTOM_STRING_COPY || code === OPT_CUSTOM_STRING_NO_COPY) && len >= 4 && view.getUint32(o + 4, le) === SESSION_PEN) {
      const piece = readPiece(start.subarray(o + 8, o + 4 + len));
      if (piece === 'damaged') return damaged(`a piece of the session state at byte ${o} is not UTF-8 text`);
      if (piece) {
        if (expected && piece.of !== expected) return damaged(`its pieces disagree on how many there are (${expected} and ${piece.of})`);
        expected = piece.of;
        if (piece.k < 1 || piece.k > piece.of || pieces.has(piece.k)) return damaged(`piece ${piece.k} of ${piece.of} is out of place`);
        pieces.set(piece.k, piece.text);
      }
    }
    o += 4 + ((len + 3) & ~3);
  }
  if (pieces.size === 0) return { status: 'absent' };
  const missing = Array.from({ length: expected }, (_, k) => k + 1).filter((k) => !pieces.has(k));
  if (missing.length) return damaged(`piece${missing.length > 1 ? 's' : ''} ${missing.join(', ')} of ${expected} ${missing.length > 1 ? 'are' : 'is'} missing`);
  const json = Array.from({ length: expected }, (_, k) => pieces.get(k + 1)!).join('');
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch (e) {
    return damaged(`it is not valid JSON (${(e as Error).message})`);
  }
  return checkState(value);
}

function damaged(why: string): SessionStateResult {
  return { status: 'unreadable', problem: `The session's state is damaged: ${why}. The packets and their comments are open; the session's name, note, marks, saved filters, columns and colouring rules could not be restored.` };
}

const PIECE_HEADER = new RegExp(`^${SESSION_TAG} (\\d+)/(\\d+)\\n`);

/** One piece's place and text; null when the option is not ours (another tool under PEN 32473). */
function readPiece(bytes: Uint8Array): { k: number; of: number; text: string } | null | 'damaged' {
  let text: string;
  try {
    text = decoder.decode(bytes);
  } catch {
    // Ours only if it starts with our tag.
    return startsWith(bytes, encoder.encode(SESSION_TAG)) ? 'damaged' : null;
  }
  const m = PIECE_HEADER.exec(text);
  if (!m) return null;
  return { k: Number(m[1]), of: Number(m[2]), text: text.slice(m[0].length) };
}

function startsWith(bytes: Uint8Array, prefix: Uint8Array): boolean {
  return bytes.length >= prefix.length && prefix.every((b, k) => bytes[k] === b);
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Checks the state field by field: a field that is not as it should be is left out and named. */
function checkState(value: unknown): SessionStateResult {
  if (!isObject(value) || value.format !== 'packetlens-session') return damaged('it is not a Packetlens session object');
  const version = value.version;
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 1) return damaged(`its version (${JSON.stringify(version)}) is not a positive whole number`);
  if (version > SESSION_FORMAT_VERSION) {
    return {
      status: 'unreadable',
      problem: `The session was written by a newer version of Packetlens (session format ${version}; this version reads format ${SESSION_FORMAT_VERSION} and older). The packets and their comments are open; the session's name, note, marks, saved filters, columns and colouring rules are not restored: open the file with a newer Packetlens to have them.`,
    };
  }
  const problems: string[] = [];
  const packets = Number.isInteger(value.packets) && (value.packets as number) >= 0 ? (value.packets as number) : -1;
  if (packets < 0) problems.push('the packet count it was saved with is missing, so its marks are not restored');
  const text = (key: 'name' | 'note' | 'application'): string => {
    const v = value[key];
    if (v === undefined) return '';
    if (typeof v === 'string') return v;
    problems.push(`its ${key} is not text`);
    return '';
  };
  const list = <T>(key: string, what: string, ok: (x: unknown) => x is T): T[] => {
    const v = value[key];
    if (v === undefined) return [];
    if (!Array.isArray(v)) {
      problems.push(`its ${what} are not a list`);
      return [];
    }
    const good = v.filter(ok);
    if (good.length < v.length) problems.push(`${v.length - good.length} of its ${what} ${v.length - good.length === 1 ? 'is' : 'are'} not valid and ${v.length - good.length === 1 ? 'was' : 'were'} left out`);
    return good;
  };
  const marks = packets < 0 ? [] : list('marks', 'marks', (x): x is number => Number.isInteger(x) && (x as number) >= 1 && (x as number) <= packets);
  const state: SessionState = {
    format: 'packetlens-session',
    version,
    application: text('application'),
    packets: Math.max(packets, 0),
    name: text('name'),
    note: text('note'),
    marks: [...new Set(marks)].sort((a, b) => a - b),
    filters: list('filters', 'saved filters', (x): x is SavedFilter => isObject(x) && typeof x.name === 'string' && typeof x.filter === 'string').map((f) => ({ name: f.name, filter: f.filter })),
    columns: list('columns', 'columns', (x): x is string => typeof x === 'string'),
    colouring: list('colouring', 'colouring rules', isColouringRule).map(cleanRule),
  };
  return { status: 'restored', state, problems };
}

function isColouringRule(x: unknown): x is ColouringRule {
  if (!isObject(x) || typeof x.name !== 'string' || typeof x.filter !== 'string') return false;
  return ['foreground', 'background'].every((k) => x[k] === undefined || typeof x[k] === 'string') && (x.enabled === undefined || typeof x.enabled === 'boolean');
}

function cleanRule(r: ColouringRule): ColouringRule {
  return {
    name: r.name,
    filter: r.filter,
    ...(r.foreground !== undefined ? { foreground: r.foreground } : {}),
    ...(r.background !== undefined ? { background: r.background } : {}),
    ...(r.enabled !== undefined ? { enabled: r.enabled } : {}),
  };
}

/**
 * The marked packets (counted from 0) of a restored state, for the capture
 * opened from the file. When the file no longer has the packets the session
 * was saved with (a tool rewrote it), the marks would name other packets, so
 * none are restored and the problem says why.
 */
export function restoreMarks(state: SessionState, packetCount: number): { marks: number[]; problem: string | null } {
  if (state.packets !== packetCount) {
    return { marks: [], problem: `The file has ${packetCount} packets but the session was saved with ${state.packets}, so its ${count(state.marks.length, 'mark')} could name other packets and ${state.marks.length === 1 ? 'is' : 'are'} not restored.` };
  }
  return { marks: state.marks.map((n) => n - 1), problem: null };
}
