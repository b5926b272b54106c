// Telling a refused write for lack of space from other storage failures,
// and saying so in words a person can act on.

import { formatBytes } from '../components/format';

/** Names browsers and Dexie give an error raised because the origin's storage is full. */
const QUOTA_NAMES = new Set(['QuotaExceededError', 'NS_ERROR_DOM_QUOTA_REACHED', 'NS_ERROR_FILE_NO_DEVICE_SPACE']);
/** DOMException's legacy code for QUOTA_EXCEEDED_ERR. */
const QUOTA_CODE = 22;

interface ErrorLike {
  name?: unknown;
  code?: unknown;
  inner?: unknown;
  cause?: unknown;
  failures?: unknown;
}

/**
 * Whether an error, or one it wraps, is a quota refusal: a DOMException
 * QuotaExceededError, Dexie's QuotaExceededError, or an AbortError (or
 * BulkError) whose inner error or failures are one.
 */
export function isQuotaError(e: unknown, depth = 0): boolean {
  if (depth > 8 || e === null || typeof e !== 'object') return false;
  const err = e as ErrorLike;
  if (typeof err.name === 'string' && QUOTA_NAMES.has(err.name)) return true;
  if (err.code === QUOTA_CODE && err.name !== 'AbortError') return true;
  if (isQuotaError(err.inner, depth + 1) || isQuotaError(err.cause, depth + 1)) return true;
  const failures = err.failures;
  if (Array.isArray(failures)) return failures.some((f) => isQuotaError(f, depth + 1));
  if (failures && typeof failures === 'object') return Object.values(failures).some((f) => isQuotaError(f, depth + 1));
  return false;
}

export interface SpaceEstimate {
  usage: number | null;
  quota: number | null;
}

/**
 * Whether a write of `needed` bytes cannot fit: some browsers report a
 * full store as an UnknownError when the capture's bytes are written.
 */
export function wouldNotFit(estimate: SpaceEstimate, needed: number): boolean {
  if (estimate.usage === null || estimate.quota === null) return false;
  return estimate.usage + needed > estimate.quota;
}

/**
 * The message shown when a session could not be kept because storage is
 * full. The browser's estimate may not explain the refusal (the disk is
 * full, or a limit the estimate does not report was reached): then it says so.
 */
export function quotaMessage(estimate: SpaceEstimate, needed: number): string {
  const after = 'The capture is still open; free space by deleting sessions on the home page, or export it with Export….';
  const need = formatBytes(needed);
  if (estimate.usage === null || estimate.quota === null) return `Not saved: this browser's storage is full (this capture needs about ${need}). ${after}`;
  const used = `${formatBytes(estimate.usage)} used of ${formatBytes(estimate.quota)}`;
  if (wouldNotFit(estimate, needed)) return `Not saved: this browser's storage is full (${used}; this capture needs about ${need}). ${after}`;
  return `Not saved: this browser's storage is full: it refused the space this capture needs (about ${need}; it reports ${used}, but the disk or a limit for this site is reached). ${after}`;
}

/**
 * The message shown when an edit of a stored session (a comment, a mark, the
 * note, its columns, its name) was refused because storage is full: what was
 * not saved, how full storage is, and `after`: where the change still is and
 * what the person can do.
 */
export function editQuotaMessage(what: string, estimate: SpaceEstimate, needed: number, after: string): string {
  const need = formatBytes(needed);
  if (estimate.usage === null || estimate.quota === null) return `${what} not saved: this browser's storage is full (the change needs about ${need}). ${after}`;
  const used = `${formatBytes(estimate.usage)} used of ${formatBytes(estimate.quota)}`;
  if (wouldNotFit(estimate, needed)) return `${what} not saved: this browser's storage is full (${used}; the change needs about ${need}). ${after}`;
  return `${what} not saved: this browser's storage is full: it refused the space the change needs (about ${need}; it reports ${used}, but the disk or a limit for this site is reached). ${after}`;
}

/** The message shown when an edit of a stored session failed for another reason. */
export function editFailureMessage(what: string, reason: string, after: string): string {
  return `${what} not saved: the stored session could not be updated (${reason}). ${after}`;
}
