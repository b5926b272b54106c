// The capture service that runs in the Web Worker: it owns the engine, reads
// the capture File in slices, keeps the index (never the bytes), and answers
// the page with windows of rows and single packets, reading a packet's bytes
// back from the File by offset when asked.

import { Engine, type CaptureIndex, type Rebuilt } from '../engine/engine';
import { rebuildFor } from '../engine/rebuild';
import { FileFormat } from '../engine/capture';
import { NO_TIME } from '../engine/columns';
import type { DetailNode, RawNodes } from '../engine/tree';
import { AddressText } from './addresses';
import { rowColor } from './colors';
import { absolute, seconds } from './timefmt';
import type { CaptureMeta, IndexRebuild, PacketView, Progress, Row, RowRequest, SortColumn, TreeNode } from './types';
import { restoreIndex, storeIndex, type StoredIndex } from './storage';
import { checkStoredIndex } from './integrity';
import { sortOrder } from './sort';
import { directSlices, type SliceSource } from './slices';
import { loadSession, replaceIndex, SaveError, saveSession, setSessionAnnotations, setSessionColumns } from '../db/sessions';
import { FieldExtractor } from '../engine/fields';
import { compileFilter, type CompiledFilter } from '../filter/compile';
import { FilterError } from '../filter/errors';
import { runFilter, type FilterProgress } from '../filter/evaluate';
import { filterExpression } from '../filter/expression';
import type { FilterCheck, FilterOutcome, HostGraphView, IoGraphRequest, IoGraphView, LiveCharts, LiveCounters } from './types';
import { LiveFeed, type LiveLimits } from './live';
import { protocolCounts, topTalkers, traffic } from './charts';
import { ioAxis, ioSeries, MAX_INTERVALS } from '../analysis/iograph';
import { hostGraph } from '../analysis/hostgraph';
import { AddressNamer, type AddressNames, type CountryTable } from './names';
import type { NameData, NameDataFile } from '../names/data';
import { readSessionState, restoreMarks, SESSION_STATE_PROBE_BYTES, writeSessionFile } from '../export/session-file';
import { dissectionsToText, PACKET_LIST_COLUMNS } from '../export/dissections';
import { flowsToParquet, packetsToParquet } from '../export/tables';
import type { PacketSelection } from '../export/selection';
import { expertFindings, type ExpertProgress, type ExpertReport } from '../expert';
import * as stats from '../stats';
import { followStream, type FollowedStream, type StreamProtocol } from '../stream';
import type { StatsRequest, StatsResult } from './types';
import type { ExportRequest, ExportResult } from './types';
import type { BridgeMessage, CaptureStats } from '../live/wire';
import { findInBytes, rowsFrom, searchBytes, type FindRequest, type FindResult } from './find';

/** Bytes read from the File per slice while decoding (the first slice is smaller). */
export const SLICE = 16 << 20;
const FIRST_SLICE = 1 << 20;
/** At most this many bytes are read at once to show a window of rows. */
const WINDOW_READ_LIMIT = 4 << 20;
const PROGRESS_INTERVAL_MS = 100;

/** Resolves after the event loop has had a turn (a message event, not a timer, to avoid clamping). */
function yieldToEvents(): Promise<void> {
  return new Promise((resolve) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => {
      channel.port1.close();
      resolve();
    };
    channel.port2.postMessage(null);
  });
}

/**
 * Runs a write of an edit to the open session: null when it is stored,
 * otherwise what was not saved and why (sessions.ts words its own failures).
 */
async function notStored(what: string, write: () => Promise<void>): Promise<string | null> {
  try {
    await write();
    return null;
  } catch (e) {
    if (e instanceof SaveError) return e.message;
    return `${what} not saved: ${(e as Error)?.message ?? String(e)}. The change is kept in this tab until it is closed or reloaded.`;
  }
}

export class CaptureService {
  private engine: Engine | null = null;
  private blob: Blob | null = null;
  private name = '';
  private index: CaptureIndex | null = null;
  private addresses: AddressText | null = null;
  private cancelRequested = false;
  /** Requests from the page being answered now; decoding pauses for them. */
  private answering = 0;
  private resumeDecoding: (() => void) | null = null;
  /** Time spent reading the File and in the engine during the last decode. */
  private readMs = 0;
  private decodeMs = 0;
  private order: Uint32Array | null = null;
  private infoCache: string[] | null = null;
  /** The display filter in force: its text and the packets it matches. */
  private filterText = '';
  private matches: Uint8Array | null = null;
  /** The packets shown, in order (sorted and filtered); null when all are, in capture order. */
  private shown: Uint32Array | null = null;
  private filterRun = 0;
  private compiledFilter: CompiledFilter | null = null;
  /** The live capture's connection to the bridge, and the bridge's last counters. */
  private live: LiveFeed | null = null;
  /** A live capture is running into the index (its bytes are in the LiveFeed). */
  private capturing = false;
  private liveStats: CaptureStats | null = null;
  /** Fields shown as extra columns, and the session they are kept with. */
  private columns: string[] = [];
  private extractor: FieldExtractor | null = null;
  private sessionId: number | null = null;
  /**
   * Names for addresses: the tables shipped with the app (loaded once, by
   * the loader the worker installs) and, per capture, the names it gives.
   */
  nameDataLoader: ((which: NameDataFile[]) => Promise<NameData>) | null = null;
  private nameData: NameData = { sources: {} };
  private nameDataLoaded = new Set<NameDataFile>();
  private namer: AddressNamer | null = null;
  private resolveNames = false;
  /** Comments the user changed (by packet), marked packets, and the session's note. */
  private editedComments = new Map<number, string[]>();
  private marks = new Set<number>();
  private note = '';
  /** Null for an ordinary capture; for a session file, what of its session could not be restored. */
  private sessionProblems: string[] | null = null;
  /** The opened session's stored index could not be used and was rebuilt from its capture. */
  private indexRebuild: IndexRebuild | null = null;

  /**
   * How the File is read: directly by default; the browser worker installs a
   * reader worker so reading and decoding overlap.
   */
  sliceSource: (blob: Blob, firstSize: number, size: number) => SliceSource = directSlices;

  /** Loads the engine from its compiled module or bytes. */
  async init(wasm: WebAssembly.Module | BufferSource): Promise<void> {
    this.engine = await Engine.load(wasm);
  }

  /** The field registry's text (the page uses it for explanations and, later, filters). */
  fields(): { abbrev: string; name: string; blurb: string; type: number }[] {
    return this.requireEngine().registry.fields.map((f) => ({ abbrev: f.abbrev, name: f.name, blurb: f.blurb, type: f.type }));
  }

  private requireEngine(): Engine {
    if (!this.engine) throw new Error('the engine is not loaded');
    return this.engine;
  }

  private requireIndex(): CaptureIndex {
    if (!this.index) throw new Error('no capture is open');
    return this.index;
  }

  /** Decodes a capture, reporting progress; the index is usable (rows()) while it runs. */
  async open(blob: Blob, name: string, onProgress?: (p: Progress) => void): Promise<CaptureMeta> {
    const engine = this.requireEngine();
    this.reset(blob, name);
    const index = engine.begin();
    this.index = index;
    this.addresses = new AddressText(index);
    const started = performance.now();
    let lastReport = 0;
    let position = 0;
    this.readMs = 0;
    this.decodeMs = 0;
    // The first slice is small, so the first rows are on screen at once.
    const slices = this.sliceSource(blob, FIRST_SLICE, SLICE);
    try {
      while (!this.cancelRequested) {
        const t0 = performance.now();
        const bytes = await slices.next();
        const t1 = performance.now();
        if (!bytes) break;
        position += bytes.length;
        const ok = engine.push(bytes);
        this.readMs += t1 - t0;
        this.decodeMs += performance.now() - t1;
        if (!ok) break;
        const now = performance.now();
        if (onProgress && now - lastReport >= PROGRESS_INTERVAL_MS) {
          lastReport = now;
          onProgress(this.progress(position, started));
        }
        // Let the page's requests (rows, a packet) in between slices, even when
        // the reader is ahead and every slice is already waiting; while one is
        // being answered, decoding waits, so what is on screen comes first.
        await yieldToEvents();
        while (this.answering > 0) await new Promise<void>((r) => (this.resumeDecoding = r));
      }
    } finally {
      slices.close();
    }
    if (!this.cancelRequested) engine.end();
    onProgress?.(this.progress(position, started));
    this.sessionProblems = await this.importSessionState(blob);
    return this.meta();
  }

  /** Stops decoding at the next slice; what was read so far stays open. */
  cancel(): void {
    this.cancelRequested = true;
  }

  // ---- export and import ------------------------------------------------------------

  private selectionFor(which: ExportRequest['packets']): PacketSelection {
    if (which === 'displayed') return this.matches ? { kind: 'displayed', matches: this.matches } : { kind: 'all' };
    if (which === 'marked') return { kind: 'marked' };
    return { kind: 'all' };
  }

  /**
   * The open capture, or part of it, as a file: the session as a pcapng
   * (packets with their comments, and the session's state), the packets'
   * fields as CSV or JSON, or the packet or flow table as Parquet.
   */
  exportFile(req: ExportRequest): Promise<ExportResult> {
    return this.answer(async () => {
      const index = this.requireIndex();
      const engine = this.requireEngine();
      const read = (packets: number[]) => this.readPackets(packets);
      const selection = this.selectionFor(req.packets);
      const base = this.name.replace(/\.(pcapng|pcap|cap)$/i, '') || 'capture';
      switch (req.format) {
        case 'pcapng': {
          const file = await writeSessionFile({
            index,
            read,
            selection,
            comments: index.info.comments,
            marks: this.marks,
            session: { name: this.name, note: this.note, columns: this.columns, filters: this.filterText ? [{ name: 'Display filter', filter: this.filterText }] : [] },
          });
          return { blob: new Blob(file.parts as BlobPart[], { type: 'application/octet-stream' }), name: `${base}.pcapng`, packets: file.packets, notes: file.notes };
        }
        case 'csv':
        case 'json': {
          const fields = [...PACKET_LIST_COLUMNS, ...this.columns];
          const text = await dissectionsToText({ engine, index, read, fields, selection, marks: this.marks, comments: index.info.comments }, req.format);
          const packets = selection.kind === 'displayed' ? this.count() : selection.kind === 'marked' ? this.marks.size : index.packetCount;
          return { blob: new Blob([text], { type: req.format === 'csv' ? 'text/csv' : 'application/json' }), name: `${base}.${req.format}`, packets, notes: [] };
        }
        case 'parquet-packets':
        case 'parquet-flows': {
          const opts = { index, registry: engine.registry, selection, marks: this.marks };
          const bytes = req.format === 'parquet-packets' ? packetsToParquet(opts) : flowsToParquet(opts);
          return { blob: new Blob([bytes as BlobPart], { type: 'application/vnd.apache.parquet' }), name: `${base}.${req.format === 'parquet-packets' ? 'packets' : 'flows'}.parquet`, packets: 0, notes: [] };
        }
      }
    });
  }

  /**
   * A file that is a Packetlens session brings back its name, note, marks
   * and columns (its comments are in its packets). Returns what could not be
   * restored, in words; null when the file holds no session.
   */
  private async importSessionState(blob: Blob): Promise<string[] | null> {
    let probe = new Uint8Array(await blob.slice(0, SESSION_STATE_PROBE_BYTES).arrayBuffer());
    let result = readSessionState(probe);
    if (result.status === 'need-more') {
      probe = new Uint8Array(await blob.slice(0, result.bytes).arrayBuffer());
      result = readSessionState(probe);
    }
    if (result.status === 'absent' || result.status === 'need-more') return null;
    if (result.status === 'unreadable') return [`The session stored in this file cannot be restored (${result.problem}); its packets and their comments are shown.`];
    const state = result.state;
    const problems = [...result.problems];
    const marks = restoreMarks(state, this.requireIndex().packetCount);
    if (marks.problem) problems.push(marks.problem);
    this.marks = new Set(marks.marks);
    this.note = state.note;
    if (state.name) this.name = state.name;
    const registry = this.requireEngine().registry;
    this.columns = state.columns.filter((c) => c === 'frame.comment' || registry.ids(c).length > 0);
    if (this.columns.length < state.columns.length) problems.push(`Columns of fields this version does not know were left out: ${state.columns.filter((c) => !this.columns.includes(c)).join(', ')}.`);
    this.extractor = this.columns.length ? new FieldExtractor(registry, this.columns) : null;
    return problems;
  }

  // ---- statistics and streams ----------------------------------------------------------

  /** A statistic of the packets the display filter shows (all when none). */
  statistics(req: StatsRequest): Promise<StatsResult> {
    return this.answer(async () => {
      const index = this.requireIndex();
      await this.extendFilter();
      const src: stats.StatsSource = { index, engine: this.requireEngine(), read: (packets) => this.readPackets(packets), ...(this.matches ? { selection: this.matches } : {}) };
      switch (req.type) {
        case 'conversations':
          return { type: req.type, table: await stats.conversations(src, req.kind) };
        case 'endpoints':
          return { type: req.type, table: await stats.endpoints(src, req.kind) };
        case 'hierarchy':
          return { type: req.type, hierarchy: await stats.protocolHierarchy(src) };
        case 'lengths':
          return { type: req.type, lengths: await stats.packetLengths(src) };
        case 'summary':
          return { type: req.type, summary: await stats.captureSummary(src) };
        case 'dns':
          return { type: req.type, dns: await stats.dnsStats(src) };
        case 'tls':
          return { type: req.type, tls: await stats.tlsStats(src) };
        case 'http':
          return { type: req.type, http: await stats.httpStats(src) };
      }
    });
  }

  /** Follow TCP or UDP stream: both directions' payload, in order. */
  follow(protocol: StreamProtocol, stream: number): Promise<FollowedStream> {
    return this.answer(async () =>
      followStream(this.requireEngine(), this.requireIndex(), async (p) => (await this.readPackets([p]))[0]!, protocol, stream, { readBatch: (packets) => this.readPackets(packets) }),
    );
  }

  // ---- expert findings ---------------------------------------------------------------

  /** Expert findings and security alerts, for the packets the display filter shows. */
  expert(onProgress?: (p: ExpertProgress) => void): Promise<ExpertReport> {
    return this.answer(async () => {
      const index = this.requireIndex();
      await this.extendFilter();
      return expertFindings(index, this.requireEngine(), (packets) => this.readPackets(packets), this.matches, {
        ...(onProgress ? { onProgress: (p: ExpertProgress) => onProgress(p) } : {}),
      });
    });
  }

  // ---- names ------------------------------------------------------------------------

  /** Loads the shipped name tables not loaded yet (MAC vendors, services, countries; AS on request). */
  private async loadNames(which: NameDataFile[]): Promise<void> {
    const missing = which.filter((w) => !this.nameDataLoaded.has(w));
    if (!missing.length || !this.nameDataLoader) return;
    const data = await this.nameDataLoader(missing);
    for (const w of missing) this.nameDataLoaded.add(w);
    this.nameData = { ...this.nameData, ...data, sources: { ...this.nameData.sources, ...data.sources } };
    this.namer?.setData(this.nameData);
  }

  private currentNamer(): AddressNamer {
    this.namer ??= new AddressNamer(this.requireIndex(), this.nameData);
    return this.namer;
  }

  /**
   * Shows addresses by the names the capture gives them (DNS answers, pcapng
   * name records), or not. Returns how many addresses have a name.
   */
  setNameResolution(on: boolean): Promise<number> {
    return this.answer(async () => {
      const namer = this.currentNamer();
      namer.captureNames = on;
      this.resolveNames = on;
      if (!on) return 0;
      const learned = await namer.learn(this.requireEngine(), (packets) => this.readPackets(packets));
      return learned.addresses;
    });
  }

  /** Vendor, country, AS, special range and captured names of addresses. */
  async describeAddresses(addresses: string[], withAs = false): Promise<AddressNames[]> {
    await this.loadNames(withAs ? ['oui', 'services', 'country', 'asn'] : ['oui', 'services', 'country']);
    return this.currentNamer().describeMany(addresses);
  }

  /** The capture's traffic by country (and where the data comes from). */
  async countries(): Promise<CountryTable> {
    await this.loadNames(['oui', 'services', 'country']);
    return this.currentNamer().countryTraffic();
  }

  /** A short line about an address for the list's tooltips: vendor, country, AS, special range. */
  private addressNote(text: string): string {
    if (!this.namer || !text) return text;
    const d = this.namer.describe(text);
    const parts = [d.address];
    if (d.name) parts.push(`named ${d.name} in the capture`);
    if (d.vendor) parts.push(d.vendor);
    if (d.countryName) parts.push(d.countryName);
    if (d.asn) parts.push(`AS${d.asn}${d.asName ? ` ${d.asName}` : ''}`);
    if (d.special) parts.push(d.special.label);
    return parts.join(' · ');
  }

  // ---- comments, marks and the note ---------------------------------------------

  private annotations(): { comments: Record<number, string[]>; marks: number[]; note: string } {
    return { comments: Object.fromEntries(this.editedComments), marks: [...this.marks].sort((a, b) => a - b), note: this.note };
  }

  private applyAnnotations(comments: Record<number, string[]>, marks: number[], note: string): void {
    const index = this.requireIndex();
    for (const [k, list] of Object.entries(comments)) {
      const packet = Number(k);
      if (!Number.isInteger(packet) || packet < 0 || packet >= index.packetCount || !Array.isArray(list)) continue;
      this.editedComments.set(packet, list);
      if (list.length) index.info.comments.set(packet, list);
      else index.info.comments.delete(packet);
    }
    this.marks = new Set(marks.filter((m) => Number.isInteger(m) && m >= 0 && m < index.packetCount));
    this.note = typeof note === 'string' ? note : '';
  }

  /**
   * Keeps the comments, marks and note with the session, all in one write.
   * Returns null when they are stored (or no session is open); otherwise
   * what was not saved and why, in words: the change stays here, in this tab.
   */
  private async keepAnnotations(what: string): Promise<string | null> {
    // Filters reading frame.comment see the change at once.
    this.findCache = null;
    this.selections.clear();
    if (this.sessionId === null) return null;
    return notStored(what, () => setSessionAnnotations(this.sessionId!, this.annotations(), what));
  }

  /**
   * Replaces a packet's comments (an empty list deletes them) and keeps them
   * with the session; returns why they could not be stored, or null.
   */
  async setComments(packet: number, comments: string[]): Promise<string | null> {
    const index = this.requireIndex();
    if (packet < 0 || packet >= index.packetCount) throw new Error(`there is no packet ${packet + 1}`);
    const list = comments.map((c) => c.trim()).filter((c) => c.length > 0);
    this.editedComments.set(packet, list);
    if (list.length) index.info.comments.set(packet, list);
    else index.info.comments.delete(packet);
    return this.keepAnnotations(list.length ? 'Comment' : 'Comment deletion');
  }

  /** Marks or unmarks a packet: whether it is marked now, and why that could not be stored (or null). */
  async toggleMark(packet: number): Promise<{ marked: boolean; notStored: string | null }> {
    const index = this.requireIndex();
    if (packet < 0 || packet >= index.packetCount) throw new Error(`there is no packet ${packet + 1}`);
    if (this.marks.has(packet)) this.marks.delete(packet);
    else this.marks.add(packet);
    const marked = this.marks.has(packet);
    return { marked, notStored: await this.keepAnnotations(marked ? 'Mark' : 'Unmark') };
  }

  /** Changes the session's note; returns why it could not be stored, or null. */
  async setNote(note: string): Promise<string | null> {
    this.note = note;
    return this.keepAnnotations('Note');
  }

  // ---- live capture ------------------------------------------------------------

  /**
   * Connects to the bridge (the address and token it printed); the bridge's
   * messages go to `onMessage`. Resolves with its greeting.
   */
  async liveConnect(url: string, token: string, onMessage: (m: BridgeMessage | { type: 'closed'; reason: string }) => void): Promise<BridgeMessage> {
    this.requireEngine();
    this.live?.close();
    const live = new LiveFeed(
      (bytes) => this.liveBytes(bytes),
      (m) => {
        if (m.type === 'stats') this.liveStats = m.stats;
        onMessage(m);
      },
      (reason) => {
        if (this.live === live) this.live = null;
        onMessage({ type: 'closed', reason });
      },
    );
    this.live = live;
    return live.connect(url, token);
  }

  /** Asks the bridge for its interfaces (the answer comes as a message). */
  liveList(): void {
    this.requireLive().send({ type: 'list' });
  }

  /** Starts capturing into a new capture, decoded as frames arrive. */
  liveStart(iface: string, filter: string, limits: LiveLimits, snaplen?: number): CaptureMeta {
    const live = this.requireLive();
    const engine = this.requireEngine();
    const stamp = new Date().toISOString().slice(0, 19).replace('T', ' ');
    this.reset(new Blob([]), `Live capture on ${iface}, ${stamp} UTC.pcapng`);
    this.liveStats = null;
    this.readMs = 0;
    this.decodeMs = 0;
    this.index = engine.begin();
    this.addresses = new AddressText(this.index);
    live.restart(limits);
    this.capturing = true;
    live.send({ type: 'start', interface: iface, filter, ...(snaplen ? { snaplen } : {}) });
    return this.meta();
  }

  private liveBytes(bytes: Uint8Array): void {
    if (!this.index) return;
    const t0 = performance.now();
    this.requireEngine().push(bytes);
    this.decodeMs += performance.now() - t0;
  }

  /** Stops capturing; the capture is complete and can be kept as a session. */
  liveStop(): CaptureMeta {
    const live = this.requireLive();
    live.send({ type: 'stop' });
    live.flush();
    this.requireEngine().end();
    this.blob = live.blob();
    this.capturing = false;
    return this.meta();
  }

  liveDisconnect(): void {
    this.live?.close();
    this.live = null;
  }

  /** Received, shown and dropped so far. */
  async liveCounters(): Promise<LiveCounters> {
    this.live?.flush();
    await this.extendFilter();
    const s = this.liveStats;
    return {
      received: this.live?.received ?? 0,
      decoded: this.index?.packetCount ?? 0,
      shown: this.count(),
      droppedBridge: s?.droppedBridge ?? 0,
      droppedPcap: (s?.droppedPcap ?? 0) + (s?.droppedInterface ?? 0),
      bytes: this.live?.totalBytes ?? 0,
      limitReached: this.live?.limitReached ?? null,
    };
  }

  /** The live charts' data: traffic over the last `intervals` intervals, protocols, top talkers. */
  liveCharts(intervalMs: number, intervals: number): LiveCharts {
    const index = this.index;
    if (!index || !this.addresses) return { traffic: { times: [], packets: [], bytes: [] }, protocols: [], talkers: [] };
    return {
      traffic: traffic(index, intervalMs, intervals),
      protocols: protocolCounts(index, this.requireEngine().registry).slice(0, 12),
      talkers: topTalkers(index, this.addresses, 10),
    };
  }

  private requireLive(): LiveFeed {
    if (!this.live) throw new Error('not connected to a bridge');
    return this.live;
  }

  /** Reopens a stored session: no decoding, the index comes from storage. */
  restore(blob: Blob, name: string, stored: StoredIndex): CaptureMeta {
    this.reset(blob, name);
    this.index = restoreIndex(stored);
    this.addresses = new AddressText(this.index);
    return this.meta();
  }

  /** The index as stored with a session. */
  stored(): StoredIndex {
    return storeIndex(this.requireIndex());
  }

  /**
   * Keeps the open capture as a session, here in the worker, so that its
   * bytes and index never pass through the page. Returns the session's id.
   */
  async save(): Promise<number> {
    if (!this.blob) throw new Error('no capture is open');
    this.sessionId = await saveSession(this.meta(), this.blob, this.stored());
    return this.sessionId;
  }

  /**
   * Shows these registry fields as extra columns of the packet list, and
   * keeps the choice with the session (returns why it could not, or null).
   * Unknown names are refused.
   */
  async setColumns(columns: string[]): Promise<string | null> {
    const unique = [...new Set(columns)];
    this.extractor = unique.length ? new FieldExtractor(this.requireEngine().registry, unique) : null;
    this.columns = unique;
    if (this.sessionId === null) return null;
    return notStored('Columns', () => setSessionColumns(this.sessionId!, unique));
  }

  /**
   * Opens a stored session. Its index is checked first (version, checksum,
   * structure); one that fails is rebuilt from the stored capture bytes and
   * replaces the stored one, and the page is told why.
   */
  async openSession(id: number, onProgress?: (p: Progress) => void): Promise<CaptureMeta | null> {
    const stored = await loadSession(id);
    if (!stored) return null;
    let problem = checkStoredIndex(stored.index, { packets: stored.record.packets, captureSize: stored.blob.size });
    let meta: CaptureMeta | null = null;
    if (!problem) {
      try {
        meta = this.restore(stored.blob, stored.record.name, stored.index);
      } catch (e) {
        problem = { kind: 'damaged', reason: (e as Error).message };
      }
    }
    let rebuilt: IndexRebuild | null = null;
    if (problem || !meta) {
      meta = await this.open(stored.blob, stored.record.name, onProgress);
      let kept = false;
      // A rebuild cancelled part way is shown, but not stored in place of the whole index.
      if (!meta.cancelled) {
        try {
          await replaceIndex(id, this.stored());
          kept = true;
        } catch {
          kept = false;
        }
      }
      rebuilt = { kind: problem?.kind ?? 'damaged', reason: problem?.reason ?? 'it could not be read', kept };
    }
    this.indexRebuild = rebuilt;
    this.sessionId = id;
    // Columns of fields this engine no longer knows are dropped.
    const registry = this.requireEngine().registry;
    const known = (stored.record.columns ?? []).filter((c) => c === 'frame.comment' || registry.ids(c).length > 0);
    this.columns = known;
    this.extractor = known.length ? new FieldExtractor(registry, known) : null;
    this.applyAnnotations(stored.record.comments ?? {}, stored.record.marks ?? [], stored.record.note ?? '');
    return { ...meta, columns: known, annotations: this.annotations(), indexRebuild: rebuilt };
  }

  private reset(blob: Blob, name: string): void {
    this.blob = blob;
    this.name = name;
    this.cancelRequested = false;
    this.order = null;
    this.infoCache = null;
    this.filterText = '';
    this.matches = null;
    this.compiledFilter = null;
    this.capturing = false;
    this.shown = null;
    this.filterRun++;
    this.findCache = null;
    this.selections.clear();
    this.columns = [];
    this.extractor = null;
    this.sessionId = null;
    this.editedComments = new Map();
    this.marks = new Set();
    this.note = '';
    this.namer = null;
    this.resolveNames = false;
    this.sessionProblems = null;
    this.indexRebuild = null;
  }

  private progress(bytes: number, started: number): Progress {
    const packets = this.index?.packetCount ?? 0;
    const elapsed = (performance.now() - started) / 1000;
    return { bytes, totalBytes: this.blob?.size ?? 0, packets, rate: elapsed > 0 ? packets / elapsed : 0 };
  }

  meta(): CaptureMeta {
    const index = this.requireIndex();
    const c = index.columns;
    let first: bigint | null = null;
    let last: bigint | null = null;
    for (let i = 0; i < c.length; i++) {
      const t = c.arrays.time[i]!;
      if (t === NO_TIME) continue;
      if (first === null || t < first) first = t;
      if (last === null || t > last) last = t;
    }
    const format = index.info.format;
    return {
      name: this.name,
      size: this.blob?.size ?? 0,
      packets: c.length,
      format: format === FileFormat.PCAP ? 'pcap' : format === FileFormat.PCAPNG ? 'pcapng' : 'unknown',
      linkTypes: [...new Set(index.info.interfaces.map((i) => i.linkType))],
      firstTime: first === null ? null : first.toString(),
      lastTime: last === null ? null : last.toString(),
      timeDigits: this.timeDigits(),
      error: index.error,
      cancelled: this.cancelRequested,
      readMs: this.readMs,
      decodeMs: this.decodeMs,
      columns: this.columns,
      annotations: this.annotations(),
      session: this.sessionProblems,
      indexRebuild: this.indexRebuild,
    };
  }

  private timeDigits(): number {
    const ifaces = this.index?.info.interfaces ?? [];
    return ifaces.some((i) => i.tsresol === 9 || (i.tsresol & 0x80) !== 0 || i.tsresol > 6) ? 9 : 6;
  }

  /** Number of packets shown: those decoded so far, or those the display filter matches. */
  count(): number {
    return this.shown ? this.shown.length : (this.index?.packetCount ?? 0);
  }

  /** Orders the rows by a column; rows() then follows that order. */
  async sort(column: SortColumn, ascending: boolean): Promise<void> {
    const index = this.requireIndex();
    if (column === 'info' && !this.infoCache) this.infoCache = await this.allInfo();
    this.order = sortOrder(index, column, ascending, this.infoCache, this.engine!.registry);
    this.updateShown();
  }

  /** The packet index shown at row position `row`. */
  packetAt(row: number): number {
    return this.shown ? this.shown[row]! : row;
  }

  /** The row position at which packet `packet` is shown, or -1 when the filter hides it. */
  rowOf(packet: number): number {
    if (!this.shown) return packet < this.count() ? packet : -1;
    return this.shown.indexOf(packet);
  }

  private updateShown(): void {
    const n = this.index?.packetCount ?? 0;
    const matches = this.matches;
    if (!matches && !this.order) {
      this.shown = null;
      return;
    }
    const order = this.order ?? Uint32Array.from({ length: n }, (_, i) => i);
    this.shown = matches ? order.filter((p) => matches[p] === 1) : order;
  }

  /** Whether a display filter is valid, and what is wrong with it if not (while the user types). */
  checkFilter(text: string): FilterCheck {
    if (!text.trim()) return { ok: true };
    try {
      compileFilter(text, this.requireEngine().registry);
      return { ok: true };
    } catch (e) {
      if (!(e instanceof FilterError)) throw e;
      return { ok: false, message: e.message, position: e.position, length: e.length, suggestions: e.suggestions, explanation: e.explain(text) };
    }
  }

  /**
   * Applies a display filter (an empty one shows every packet). A filter
   * that does not compile changes nothing and says why.
   */
  applyFilter(text: string, onProgress?: (p: FilterProgress) => void): Promise<FilterOutcome> {
    return this.answer(async () => {
      const index = this.requireIndex();
      const engine = this.requireEngine();
      const run = ++this.filterRun;
      const total = index.packetCount;
      if (!text.trim()) {
        this.filterText = '';
        this.matches = null;
        this.compiledFilter = null;
        this.updateShown();
        return { ok: true, text: '', shown: total, total, dissected: 0, milliseconds: 0 };
      }
      const check = this.checkFilter(text);
      if (!check.ok) return check;
      const result = await runFilter(
        compileFilter(text, engine.registry),
        index,
        engine,
        (packets) => this.readPackets(packets),
        onProgress,
        () => run !== this.filterRun,
      );
      if (run !== this.filterRun) return { ok: false, message: 'Another filter was applied meanwhile.', position: 0, length: 0, suggestions: [], explanation: '' };
      this.filterText = text;
      this.compiledFilter = compileFilter(text, engine.registry);
      this.matches = result.matches;
      this.updateShown();
      return { ok: true, text, shown: result.count, total, dissected: result.dissected, milliseconds: result.milliseconds };
    });
  }

  /** The last filter searched for with Find, and the packets it matches. */
  private findCache: { text: string; matches: Uint8Array } | null = null;

  /** Find packet: the next (or previous) shown row matching a filter, a string or hex bytes. */
  find(req: FindRequest): Promise<FindResult> {
    return this.answer(async () => {
      const index = this.requireIndex();
      const count = this.count();
      if (count === 0) return { found: false, message: 'No packets are shown.' };
      if (req.kind !== 'filter') {
        const needle = searchBytes(req.kind, req.text);
        if (typeof needle === 'string') return { found: false, message: needle };
        return findInBytes(needle, req, count, (row) => this.packetAt(row), (packets) => this.readPackets(packets));
      }
      const check = this.checkFilter(req.text);
      if (!check.ok) return { found: false, message: check.explanation };
      if (!req.text.trim()) return { found: false, message: 'Type a display filter to find.' };
      if (this.findCache?.text !== req.text || this.findCache.matches.length !== index.packetCount) {
        const engine = this.requireEngine();
        const result = await runFilter(compileFilter(req.text, engine.registry), index, engine, (packets) => this.readPackets(packets));
        this.findCache = { text: req.text, matches: result.matches };
      }
      const matches = this.findCache.matches;
      for (const { row, wrapped } of rowsFrom(req.from, count, req.backwards)) {
        if (matches[this.packetAt(row)]) return { found: true, row, wrapped };
      }
      return { found: false, message: 'No shown packet matches this filter.' };
    });
  }

  /** Packets decoded since the filter was applied (a live capture) are filtered too. */
  private async extendFilter(): Promise<void> {
    const index = this.index;
    const filter = this.compiledFilter;
    const matches = this.matches;
    if (!index || !filter || !matches || index.packetCount <= matches.length) return;
    const from = matches.length;
    const result = await runFilter(filter, index, this.requireEngine(), (packets) => this.readPackets(packets), undefined, undefined, from);
    const grown = new Uint8Array(index.packetCount);
    grown.set(matches);
    grown.set(result.matches.subarray(from, index.packetCount), from);
    this.matches = grown;
    this.updateShown();
  }

  /** Display filters evaluated for charts, by text, for the capture as it was (packet count). */
  private selections = new Map<string, { packets: number; matches: Uint8Array }>();

  /** The packets a display filter selects ('' selects all: null); cached while the capture does not change. */
  private async selection(text: string): Promise<Uint8Array | null> {
    if (!text.trim()) return null;
    const index = this.requireIndex();
    const hit = this.selections.get(text);
    if (hit && hit.packets === index.packetCount) return hit.matches;
    const engine = this.requireEngine();
    const result = await runFilter(compileFilter(text, engine.registry), index, engine, (packets) => this.readPackets(packets));
    if (this.selections.size > 32) this.selections.clear();
    this.selections.set(text, { packets: index.packetCount, matches: result.matches });
    return result.matches;
  }

  /** The I/O graph: packets and bytes per interval for each series' display filter. */
  ioGraph(req: IoGraphRequest): Promise<IoGraphView> {
    return this.answer(async () => {
      const index = this.requireIndex();
      const axis = ioAxis(index, req.intervalMs);
      if (!axis) return { start: 0, intervalMs: req.intervalMs, intervals: 0, series: [], problem: 'No packet has a time stamp.' };
      if (axis.intervals > MAX_INTERVALS) {
        return { start: Number(axis.start) / 1e9, intervalMs: req.intervalMs, intervals: 0, series: [], problem: `The capture spans ${axis.intervals.toLocaleString('en')} intervals of this length; choose a longer interval (at most ${MAX_INTERVALS.toLocaleString('en')} are drawn).` };
      }
      const series = [];
      for (const s of req.series) {
        const check = this.checkFilter(s.filter);
        if (!check.ok) {
          series.push({ filter: s.filter, packets: new Float64Array(0), bytes: new Float64Array(0), problem: check.explanation });
          continue;
        }
        const data = ioSeries(index, axis.start, req.intervalMs, axis.intervals, await this.selection(s.filter));
        series.push({ filter: s.filter, ...data, problem: null });
      }
      return { start: Number(axis.start) / 1e9, intervalMs: req.intervalMs, intervals: axis.intervals, series, problem: null };
    });
  }

  /** Hosts and the conversations between them, for the packets the display filter shows. */
  hostGraph(lambda: number, maxNodes: number): Promise<HostGraphView> {
    return this.answer(async () => {
      const index = this.requireIndex();
      await this.extendFilter();
      const g = hostGraph(index, lambda, maxNodes, this.matches);
      const addresses = this.addresses!;
      const label = new Map(g.nodes.map((n) => [n.id, n.side === 'source' ? addresses.source(n.packet) : addresses.destination(n.packet)]));
      return {
        nodes: g.nodes.map((n) => ({ id: label.get(n.id)!, packets: n.packets, bytes: n.bytes })),
        edges: g.edges.map((e) => ({ a: label.get(e.a)!, b: label.get(e.b)!, packets: e.packets, bytes: e.bytes, last: e.last, weight: e.weight })),
        omittedNodes: g.omittedNodes,
      };
    });
  }

  /** The display filter in force ('' when none). */
  currentFilter(): string {
    return this.filterText;
  }

  /** Runs a request from the page ahead of decoding. */
  private async answer<T>(work: () => Promise<T>): Promise<T> {
    this.answering++;
    try {
      return await work();
    } finally {
      if (--this.answering === 0) {
        this.resumeDecoding?.();
        this.resumeDecoding = null;
      }
    }
  }

  /** Rows [start, start + count) in the current order, with their Info column. */
  rows(req: RowRequest): Promise<Row[]> {
    return this.answer(() => this.rowsNow(req));
  }

  private async rowsNow(req: RowRequest): Promise<Row[]> {
    const index = this.requireIndex();
    const engine = this.requireEngine();
    const n = Math.max(0, Math.min(req.count, this.count() - req.start));
    const packets = Array.from({ length: n }, (_, k) => this.packetAt(req.start + k));
    const bytes = await this.readPackets(packets);
    const c = index.columns;
    const first = index.firstTime();
    const digits = this.timeDigits();
    const rebuilt = await Promise.all(packets.map((i) => this.rebuild(i)));
    // The shipped tables are loaded once, in the background; rows name what they can meanwhile.
    if (!this.nameDataLoaded.has('oui')) void this.loadNames(['oui', 'services', 'country']).then(() => this.currentNamer());
    return packets.map((i, k) => {
      // One dissection gives the Info and Protocol columns and the custom columns' values.
      const raw = engine.dissectNodes(index, i, bytes[k]!, rebuilt[k]);
      const protocol = engine.lastProtocol();
      const custom = this.customValues(i, raw);
      const source = this.addresses!.source(i);
      const destination = this.addresses!.destination(i);
      const named = (text: string) => (this.resolveNames && this.namer ? (this.namer.describe(text).name ?? text) : text);
      const t = c.arrays.time[i]!;
      let time = '';
      if (t !== NO_TIME) {
        if (req.timeFormat === 'absolute') time = absolute(t, digits);
        else if (req.timeFormat === 'delta') time = seconds(t - this.previousTime(i, t), digits);
        else time = seconds(t - (first ?? t), digits);
      }
      return {
        index: i,
        time,
        source: named(source),
        destination: named(destination),
        sourceNote: this.addressNote(source),
        destinationNote: this.addressNote(destination),
        protocol,
        length: c.origLen(i),
        info: engine.lastInfo(),
        color: rowColor(protocol, c.arrays.ipProto[i]!, c.arrays.aux[i]!),
        comment: index.info.comments.has(i),
        custom,
        marked: this.marks.has(i),
      };
    });
  }

  /** The custom columns' values for packet i, from its nodes just dissected. */
  private customValues(i: number, raw: RawNodes): string[] {
    const extractor = this.extractor;
    if (!extractor) return [];
    const engine = this.requireEngine();
    const index = this.requireIndex();
    const comments = index.info.comments.get(i);
    return extractor.extract(raw, (s) => engine.sourceBytes(s), comments ? { comments } : {});
  }

  private previousTime(i: number, fallback: bigint): bigint {
    const t = this.requireIndex().columns.arrays.time;
    for (let j = i - 1; j >= 0; j--) if (t[j] !== NO_TIME) return t[j]!;
    return fallback;
  }

  /** One packet's field tree and bytes. */
  packet(i: number): Promise<PacketView> {
    return this.answer(() => this.packetNow(i));
  }

  private async packetNow(i: number): Promise<PacketView> {
    const index = this.requireIndex();
    const [bytes] = await this.readPackets([i]);
    const detail = this.requireEngine().dissect(index, i, bytes!, await this.rebuild(i));
    let id = 0;
    const convert = (nodes: DetailNode[]): TreeNode[] =>
      nodes
        .filter((n) => !n.hidden)
        .map((n) => ({
          id: id++,
          label: n.label,
          abbrev: n.field.abbrev,
          blurb: n.field.blurb,
          value: n.display,
          filter: filterExpression(n.field, n.value, n.display),
          offset: n.offset,
          length: n.length,
          source: n.source,
          generated: n.generated,
          children: convert(n.children),
        }));
    return { index: i, tree: convert(detail.roots), sources: detail.sources, comments: index.info.comments.get(i) ?? [], marked: this.marks.has(i) };
  }

  /** Messages and datagrams packet i completed, rebuilt from the packets they came from. */
  private async rebuild(i: number): Promise<Rebuilt[]> {
    const index = this.requireIndex();
    if (!index.info.reassemblies.has(i)) return [];
    return rebuildFor(index, i, async (p) => (await this.readPackets([p]))[0]!);
  }

  /** Reads the captured bytes of several packets, in as few File reads as reasonable. */
  private async readPackets(packets: number[]): Promise<Uint8Array[]> {
    const index = this.requireIndex();
    const blob = this.capturing && this.live ? this.live.blob() : this.blob!;
    const c = index.columns;
    const out: Uint8Array[] = new Array(packets.length);
    const sorted = packets.map((p, k) => [c.fileOffset(p), c.capLen(p), k] as const).sort((a, b) => a[0] - b[0]);
    let g = 0;
    while (g < sorted.length) {
      // Group packets that lie close together in the file into one read.
      const start = sorted[g]![0];
      let end = start + sorted[g]![1];
      let h = g + 1;
      while (h < sorted.length && sorted[h]![0] + sorted[h]![1] - start <= WINDOW_READ_LIMIT && sorted[h]![0] - end < 65536) {
        end = Math.max(end, sorted[h]![0] + sorted[h]![1]);
        h++;
      }
      const buf = new Uint8Array(await blob.slice(start, end).arrayBuffer());
      for (let k = g; k < h; k++) {
        const [off, len, slot] = sorted[k]!;
        out[slot] = buf.subarray(off - start, off - start + len);
      }
      g = h;
    }
    return out;
  }

  /** The Info column of every packet (for sorting by it): reads the whole file. */
  private async allInfo(): Promise<string[]> {
    const index = this.requireIndex();
    const engine = this.requireEngine();
    const out: string[] = new Array(index.packetCount);
    const step = 4096;
    for (let s = 0; s < index.packetCount; s += step) {
      const ids = Array.from({ length: Math.min(step, index.packetCount - s) }, (_, k) => s + k);
      const bytes = await this.readPackets(ids);
      for (let k = 0; k < ids.length; k++) out[ids[k]!] = engine.describe(index, ids[k]!, bytes[k]!, await this.rebuild(ids[k]!)).info;
    }
    return out;
  }
}
