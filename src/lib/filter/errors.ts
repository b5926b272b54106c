// Filter errors a person can act on: what is wrong, where (a column and a
// length to underline), and the field names that come closest.

export class FilterError extends Error {
  override name = 'FilterError';

  constructor(
    message: string,
    /** 0-based position of the problem in the filter text. */
    readonly position: number,
    /** How many characters to underline (at least 1). */
    readonly length: number,
    /** Field names close to an unknown one. */
    readonly suggestions: string[] = [],
  ) {
    super(message);
  }

  /** The message, the filter, and a caret line under the problem, as tshark prints them. */
  explain(filter: string): string {
    // Tabs stay tabs, and a character outside the BMP takes one column, so the caret lines up.
    const before = filter.slice(0, this.position).replace(/[^\t]/gu, ' ');
    const under = Array.from(filter.slice(this.position, this.position + this.length)).length;
    const caret = before + '^' + '~'.repeat(Math.max(0, under - 1));
    const hint = this.suggestions.length ? `\nDid you mean ${this.suggestions.map((s) => `"${s}"`).join(', ')}?` : '';
    return `${this.message}\n    ${filter}\n    ${caret}${hint}`;
  }
}
