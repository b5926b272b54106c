// The syntax tree of a display filter, with the position of every piece.

export type CompareOp = '==' | '!=' | '~=' | '<' | '>' | '<=' | '>=' | 'contains' | 'matches';

export interface Span {
  start: number;
  end: number;
}

/** A byte slice of a field: [offset:length], [from-to], [offset], [offset:], [:length]. */
export interface Slice extends Span {
  offset: number;
  /** Bytes taken; null means to the end. */
  length: number | null;
}

export type Operand =
  | ({ kind: 'word'; text: string; slice?: Slice } & Span)
  | ({ kind: 'string'; text: string } & Span)
  | ({ kind: 'call'; fn: string; arg: Operand } & Span)
  /** A field's value with a bit mask applied: field & 0x02. */
  | ({ kind: 'bitand'; arg: Operand; mask: Operand } & Span);

export interface SetItem {
  low: Operand;
  /** The upper end of a range (low..high). */
  high?: Operand;
}

export type Expr =
  | ({ kind: 'and' | 'or'; left: Expr; right: Expr } & Span)
  | ({ kind: 'not'; expr: Expr } & Span)
  | ({ kind: 'test'; subject: Operand } & Span)
  | ({ kind: 'compare'; op: CompareOp; left: Operand; right: Operand; opSpan: Span } & Span)
  | ({ kind: 'in'; left: Operand; items: SetItem[] } & Span);
