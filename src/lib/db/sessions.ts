// Sessions kept in IndexedDB (through Dexie): each opened capture's bytes,
// its index, and what a person needs to find it again. A session is written
// in one transaction, so a failed save leaves nothing half-written.

import Dexie, { type Table } from 'dexie';
import { storedIndexBytes, type StoredIndex } from '../worker/storage';
import { editFailureMessage, editQuotaMessage, isQuotaError, quotaMessage, wouldNotFit } from './quota';
import type { CaptureMeta } from '../worker/types';

export interface SessionRecord {
  id?: number;
  name: string;
  size: number;
  packets: number;
  format: string;
  linkTypes: number[];
  firstTime: string | null;
  lastTime: string | null;
  /** When the session was added (milliseconds since the epoch). */
  added: number;
  /** A problem found while reading the capture (the packets before it are kept). */
  problem: string | null;
  /** Fields added as columns of the packet list (absent in sessions stored before there were any). */
  columns?: string[];
  /** Packet comments the user added, changed or deleted (an empty list), by packet index. */
  comments?: Record<number, string[]>;
  /** Marked packets (indexes). */
  marks?: number[];
  /** The session's note. */
  note?: string;
}

export interface Annotations {
  comments: Record<number, string[]>;
  marks: number[];
  note: string;
}

interface CaptureRecord {
  id: number;
  blob: Blob;
}

interface IndexRecord {
  id: number;
  index: StoredIndex;
}

class PacketlensDb extends Dexie {
  sessions!: Table<SessionRecord, number>;
  captures!: Table<CaptureRecord, number>;
  indexes!: Table<IndexRecord, number>;

  constructor() {
    super('packetlens');
    this.version(1).stores({
      sessions: '++id, added, name',
      captures: 'id',
      indexes: 'id',
    });
  }
}

let db: PacketlensDb | null = null;

function database(): PacketlensDb {
  db ??= new PacketlensDb();
  return db;
}

/** Why a save failed, in words a person can act on. */
export class SaveError extends Error {
  constructor(
    message: string,
    readonly quota: boolean,
  ) {
    super(message);
  }
}

/** Why a save failed: full storage (with how full), or something else. */
async function explain(e: unknown, needed: number): Promise<SaveError> {
  const estimate = await storageState().catch(() => ({ usage: null, quota: null }));
  // Some browsers report a full store as an UnknownError while writing the capture's bytes.
  const err = e as { name?: string; message?: string };
  if (isQuotaError(e) || (err?.name === 'UnknownError' && wouldNotFit(estimate, needed))) return new SaveError(quotaMessage(estimate, needed), true);
  return new SaveError(`Not saved: the capture could not be kept as a session (${err?.message ?? String(e)}). The capture is still open until you leave the page.`, false);
}

/**
 * Saves a session in one transaction (its record, capture bytes and index),
 * so a refused write leaves none of them; returns its id.
 */
export async function saveSession(meta: CaptureMeta, blob: Blob, index: StoredIndex): Promise<number> {
  const d = database();
  const record: SessionRecord = {
    name: meta.name,
    size: meta.size,
    packets: meta.packets,
    format: meta.format,
    linkTypes: meta.linkTypes,
    firstTime: meta.firstTime,
    lastTime: meta.lastTime,
    added: Date.now(),
    problem: meta.error ? `byte ${meta.error.offset}: ${meta.error.message}` : null,
    columns: meta.columns,
    comments: meta.annotations.comments,
    marks: meta.annotations.marks,
    note: meta.annotations.note,
  };
  try {
    return await d.transaction('rw', d.sessions, d.captures, d.indexes, async () => {
      const id = await d.sessions.add(record);
      await d.captures.add({ id, blob });
      await d.indexes.add({ id, index });
      return id;
    });
  } catch (e) {
    // The transaction is atomic; sweeping also clears what an older version may have left half-written.
    await sweepOrphans().catch(() => 0);
    throw await explain(e, blob.size + storedIndexBytes(index));
  }
}

/** Deletes capture bytes and indexes that no session record owns; returns how many records went. */
export async function sweepOrphans(): Promise<number> {
  const d = database();
  return d.transaction('rw', d.sessions, d.captures, d.indexes, async () => {
    const owned = new Set(await d.sessions.toCollection().primaryKeys());
    const captures = (await d.captures.toCollection().primaryKeys()).filter((id) => !owned.has(id));
    const indexes = (await d.indexes.toCollection().primaryKeys()).filter((id) => !owned.has(id));
    await d.captures.bulkDelete(captures);
    await d.indexes.bulkDelete(indexes);
    return captures.length + indexes.length;
  });
}

export async function listSessions(): Promise<SessionRecord[]> {
  return (await database().sessions.orderBy('added').reverse().toArray()) as SessionRecord[];
}

export async function loadSession(id: number): Promise<{ record: SessionRecord; blob: Blob; index: StoredIndex } | null> {
  const d = database();
  return d.transaction('r', d.sessions, d.captures, d.indexes, async () => {
    const record = await d.sessions.get(id);
    const capture = await d.captures.get(id);
    const index = await d.indexes.get(id);
    if (!record || !capture) return null;
    return { record, blob: capture.blob, index: index?.index as StoredIndex };
  });
}

/** Replaces a session's stored index and its packet count (after rebuilding a damaged one). */
export async function replaceIndex(id: number, index: StoredIndex): Promise<void> {
  const d = database();
  await d.transaction('rw', d.sessions, d.indexes, async () => {
    await d.indexes.put({ id, index });
    await d.sessions.update(id, { packets: index.length });
  });
}

/** What follows an edit that was not saved: where the change still is and what the person can do. */
type After = (quota: boolean) => string;

/** An edit made while a session is open stays in the tab (the worker keeps it, and exports include it). */
const KEPT_IN_TAB: After = (quota) =>
  quota
    ? 'The change is kept in this tab until it is closed or reloaded; free space by deleting sessions on the home page, or export the session with Export….'
    : 'The change is kept in this tab until it is closed or reloaded; export the session with Export… to keep it.';

const EARLIER_NAME: After = (quota) => (quota ? 'The session keeps its earlier name; free space by deleting sessions, then rename it again.' : 'The session keeps its earlier name.');

/** About how many bytes a change takes in storage (its strings, as IndexedDB keeps them). */
function changeBytes(changes: object): number {
  const text = JSON.stringify(changes);
  // Strings with characters beyond Latin-1 are kept two bytes a character.
  return /[^\u0000-\u00ff]/.test(text) ? text.length * 2 : text.length;
}

/** Why an edit of a stored session failed: full storage (with how full), or something else. */
async function explainEdit(what: string, e: unknown, needed: number, after: After): Promise<SaveError> {
  if (isQuotaError(e)) {
    const estimate = await storageState().catch(() => ({ usage: null, quota: null }));
    return new SaveError(editQuotaMessage(what, estimate, needed, after(true)), true);
  }
  const err = e as { name?: string; message?: string };
  return new SaveError(editFailureMessage(what, err?.message || err?.name || String(e), after(false)), false);
}

/**
 * Changes fields of a stored session's record. The record is written whole
 * in one request, so storage holds either its earlier fields or all the new
 * ones. Throws a SaveError saying, in words, what was not saved and why.
 */
async function updateSession(id: number, changes: Partial<SessionRecord>, what: string, after: After): Promise<void> {
  const d = database();
  let updated: number;
  try {
    updated = await d.sessions.update(id, changes);
  } catch (e) {
    throw await explainEdit(what, e, changeBytes(changes), after);
  }
  // Dexie counts 0 also when nothing changed; only a missing record is a failure.
  if (updated === 0 && !(await d.sessions.get(id).catch(() => null))) {
    throw new SaveError(editFailureMessage(what, 'the session is no longer stored in this browser; it may have been deleted in another tab', after(false)), false);
  }
}

/** Keeps the session's comments, marks and note; `what` names the edit in a failure's message. */
export async function setSessionAnnotations(id: number, a: Annotations, what = 'Comments and marks'): Promise<void> {
  await updateSession(id, { comments: a.comments, marks: a.marks, note: a.note }, what, KEPT_IN_TAB);
}

/** Keeps the fields a session shows as columns. */
export async function setSessionColumns(id: number, columns: string[]): Promise<void> {
  await updateSession(id, { columns }, 'Columns', KEPT_IN_TAB);
}

export async function renameSession(id: number, name: string): Promise<void> {
  await updateSession(id, { name }, 'Name', EARLIER_NAME);
}

/** Deletes a session in one transaction; throws a SaveError saying why when it could not. */
export async function deleteSession(id: number): Promise<void> {
  const d = database();
  try {
    await d.transaction('rw', d.sessions, d.captures, d.indexes, async () => {
      await d.sessions.delete(id);
      await d.captures.delete(id);
      await d.indexes.delete(id);
    });
  } catch (e) {
    const err = e as { name?: string; message?: string };
    throw new SaveError(`Not deleted: the session could not be removed from this browser's storage (${err?.message || err?.name || String(e)}). It is still stored.`, false);
  }
}

export interface StorageState {
  usage: number | null;
  quota: number | null;
  persisted: boolean | null;
}

/** How much storage this site uses and may use, and whether it is persistent. */
export async function storageState(): Promise<StorageState> {
  const s = navigator.storage;
  if (!s?.estimate) return { usage: null, quota: null, persisted: null };
  const [estimate, persisted] = await Promise.all([s.estimate(), s.persisted ? s.persisted() : Promise.resolve(null)]);
  return { usage: estimate.usage ?? null, quota: estimate.quota ?? null, persisted };
}

/** Asks the browser not to evict our sessions under storage pressure. */
export async function requestPersistence(): Promise<boolean | null> {
  const s = navigator.storage;
  if (!s?.persist) return null;
  try {
    return await s.persist();
  } catch {
    return null;
  }
}
