// Telling a write refused for lack of space from other storage failures,
// with the errors Dexie and the browser really raise.

import { describe, it, expect } from 'vitest';
import Dexie from 'dexie';
import { editFailureMessage, editQuotaMessage, isQuotaError, quotaMessage, wouldNotFit } from '../../src/lib/db/quota';

const quota = () => new DOMException('The quota has been exceeded.', 'QuotaExceededError');

describe('quota errors', () => {
  it('are recognised directly and when Dexie wraps them', () => {
    const cases: [string, unknown][] = [
      ['DOMException', quota()],
      ['Dexie.QuotaExceededError', new Dexie.QuotaExceededError('Quota exceeded', quota())],
      ['Dexie.AbortError with an inner quota error', new Dexie.AbortError('Transaction aborted', quota())],
      ['Dexie.BulkError with a quota failure', new Dexie.BulkError('1 of 2 failed', { 1: quota() })],
      ['an Error caused by one', new Error('save failed', { cause: quota() })],
      ['Firefox (old)', { name: 'NS_ERROR_DOM_QUOTA_REACHED', message: '' }],
    ];
    for (const [what, e] of cases) expect(isQuotaError(e), what).toBe(true);
    console.log(`quota: ${cases.length} shapes of quota refusal recognised`);
  });

  it('are told apart from other failures', () => {
    const cases: [string, unknown][] = [
      ['a plain AbortError', new Dexie.AbortError('Transaction aborted')],
      ['an AbortError DOMException', new DOMException('aborted', 'AbortError')],
      ['a ConstraintError', new Dexie.ConstraintError('Key already exists')],
      ['an UnknownError', new DOMException('Internal error', 'UnknownError')],
      ['a TypeError', new TypeError('x')],
      ['null', null],
      ['a string', 'QuotaExceededError'],
    ];
    for (const [what, e] of cases) expect(isQuotaError(e), what).toBe(false);
  });

  it('say how full storage is and what the person can do', () => {
    const m = quotaMessage({ usage: 4_500_000, quota: 5_000_000 }, 2_931_377);
    expect(m).toBe(
      "Not saved: this browser's storage is full (4.5 MB used of 5.0 MB; this capture needs about 2.9 MB). The capture is still open; free space by deleting sessions on the home page, or export it with Export….",
    );
    expect(quotaMessage({ usage: null, quota: null }, 1000)).toContain('(this capture needs about 1.0 KB)');
    // A refusal the estimate does not explain (Chromium's quota override, a full disk) is still told as such.
    expect(quotaMessage({ usage: 2_700_000, quota: 10_700_000_000 }, 3_300_000)).toBe(
      "Not saved: this browser's storage is full: it refused the space this capture needs (about 3.3 MB; it reports 2.7 MB used of 10.7 GB, but the disk or a limit for this site is reached). The capture is still open; free space by deleting sessions on the home page, or export it with Export….",
    );
    expect(wouldNotFit({ usage: 4_500_000, quota: 5_000_000 }, 600_000)).toBe(true);
    expect(wouldNotFit({ usage: 4_500_000, quota: 5_000_000 }, 400_000)).toBe(false);
    expect(wouldNotFit({ usage: null, quota: 5_000_000 }, 600_000)).toBe(false);
  });

  it('say what edit of a stored session was not saved, why, and where it still is', () => {
    const after = 'The change is kept in this tab.';
    expect(editQuotaMessage('Comment', { usage: 4_950_000, quota: 5_000_000 }, 600_000, after)).toBe(
      "Comment not saved: this browser's storage is full (5.0 MB used of 5.0 MB; the change needs about 600 KB). The change is kept in this tab.",
    );
    expect(editQuotaMessage('Note', { usage: null, quota: null }, 2_000, after)).toBe("Note not saved: this browser's storage is full (the change needs about 2.0 KB). The change is kept in this tab.");
    expect(editQuotaMessage('Name', { usage: 2_700_000, quota: 10_700_000_000 }, 700_000, after)).toBe(
      "Name not saved: this browser's storage is full: it refused the space the change needs (about 700 KB; it reports 2.7 MB used of 10.7 GB, but the disk or a limit for this site is reached). The change is kept in this tab.",
    );
    expect(editFailureMessage('Columns', 'Transaction aborted', after)).toBe('Columns not saved: the stored session could not be updated (Transaction aborted). The change is kept in this tab.');
  });
});
