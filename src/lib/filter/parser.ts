// The display filter grammar, as Wireshark 4 reads it:
//
//   expr    := and ('or' | '||') and ...        'and' binds tighter than 'or'
//   and     := unary ('and' | '&&') unary ...
//   unary   := ('not' | '!') unary | '(' expr ')' | test
//   test    := operand [op operand | 'in' set]
//   set     := '{' item (','? item)* '}'         item := operand ['..' operand]
//   operand := value ['&' value]                 a bit mask: tcp.flags & 0x02
//   value   := word [slice] | "string" | fn '(' operand ')'

import type { CompareOp, Expr, Operand, SetItem, Slice } from './ast';
import { FilterError } from './errors';
import { tokenize, type Token } from './lexer';

export function parse(text: string): Expr {
  const p = new Parser(tokenize(text));
  if (p.peek().kind === 'end') throw new FilterError('The filter is empty.', 0, 1);
  const expr = p.expression();
  const t = p.peek();
  if (t.kind !== 'end') throw new FilterError(`"${t.text}" was unexpected in this context.`, t.start, t.end - t.start);
  return expr;
}

class Parser {
  private i = 0;
  constructor(private readonly tokens: Token[]) {}

  peek(): Token {
    return this.tokens[this.i]!;
  }

  private next(): Token {
    return this.tokens[this.i++]!;
  }

  private expect(kind: Token['kind'], what: string): Token {
    const t = this.peek();
    if (t.kind !== kind) throw this.unexpected(t, what);
    return this.next();
  }

  private unexpected(t: Token, what?: string): FilterError {
    if (t.kind === 'end') return new FilterError(`Unexpected end of filter expression${what ? `: ${what} expected` : ''}.`, t.start, 1);
    return new FilterError(`"${t.text}" was unexpected in this context${what ? ` (${what} expected)` : ''}.`, t.start, t.end - t.start);
  }

  expression(): Expr {
    let left = this.conjunction();
    while (this.peek().kind === 'or') {
      this.next();
      const right = this.conjunction();
      left = { kind: 'or', left, right, start: left.start, end: right.end };
    }
    return left;
  }

  private conjunction(): Expr {
    let left = this.unary();
    while (this.peek().kind === 'and') {
      this.next();
      const right = this.unary();
      left = { kind: 'and', left, right, start: left.start, end: right.end };
    }
    return left;
  }

  private unary(): Expr {
    const t = this.peek();
    if (t.kind === 'not') {
      this.next();
      const expr = this.unary();
      return { kind: 'not', expr, start: t.start, end: expr.end };
    }
    if (t.kind === '(') {
      this.next();
      const expr = this.expression();
      const close = this.expect(')', '")"');
      return { ...expr, start: t.start, end: close.end };
    }
    return this.test();
  }

  private test(): Expr {
    const left = this.operand();
    const t = this.peek();
    if (t.kind === 'op') {
      this.next();
      if (t.text === 'in') return this.set(left);
      const right = this.operand();
      const span = { opSpan: { start: t.start, end: t.end }, start: left.start, end: right.end };
      if (t.text === '===') {
        // all_eq: present (one equals) and none differs.
        const equal: Expr = { kind: 'compare', op: '==', left, right, ...span };
        const differs: Expr = { kind: 'compare', op: '~=', left, right, ...span };
        return { kind: 'and', left: equal, right: { kind: 'not', expr: differs, start: span.start, end: span.end }, start: span.start, end: span.end };
      }
      return { kind: 'compare', op: t.text as CompareOp, left, right, ...span };
    }
    return { kind: 'test', subject: left, start: left.start, end: left.end };
  }

  private set(left: Operand): Expr {
    this.expect('{', '"{"');
    const items: SetItem[] = [];
    while (this.peek().kind !== '}') {
      if (this.peek().kind === 'end') throw this.unexpected(this.peek(), '"}"');
      if (items.length && this.peek().kind === ',') this.next();
      items.push(this.setItem());
    }
    const close = this.next();
    if (items.length === 0) throw new FilterError('A set needs at least one value.', close.start, 1);
    return { kind: 'in', left, items, start: left.start, end: close.end };
  }

  /** A value, or a range written low..high (or low-high for integers). */
  private setItem(): SetItem {
    const low = this.operand();
    if (low.kind === 'word') {
      const dots = low.text.indexOf('..');
      if (dots > 0) {
        return {
          low: { kind: 'word', text: low.text.slice(0, dots), start: low.start, end: low.start + dots },
          high: { kind: 'word', text: low.text.slice(dots + 2), start: low.start + dots + 2, end: low.end },
        };
      }
      const dash = /^(\d+|0x[0-9a-fA-F]+)-(\d+|0x[0-9a-fA-F]+)$/.exec(low.text);
      if (dash) {
        const at = low.start + dash[1]!.length;
        return { low: { kind: 'word', text: dash[1]!, start: low.start, end: at }, high: { kind: 'word', text: dash[2]!, start: at + 1, end: low.end } };
      }
    }
    return { low };
  }

  private operand(): Operand {
    const arg = this.value();
    if (this.peek().kind !== '&') return arg;
    this.next();
    const mask = this.value();
    return { kind: 'bitand', arg, mask, start: arg.start, end: mask.end };
  }

  private value(): Operand {
    const t = this.peek();
    if (t.kind === 'string') {
      this.next();
      return { kind: 'string', text: t.text, start: t.start, end: t.end };
    }
    if (t.kind !== 'word') throw this.unexpected(t, 'a field or a value');
    this.next();
    if (this.peek().kind === '(') {
      this.next();
      const arg = this.operand();
      const close = this.expect(')', '")"');
      return { kind: 'call', fn: t.text.toLowerCase(), arg, start: t.start, end: close.end };
    }
    if (this.peek().kind === '[') return { kind: 'word', text: t.text, slice: this.slice(), start: t.start, end: this.tokens[this.i - 1]!.end };
    return { kind: 'word', text: t.text, start: t.start, end: t.end };
  }

  /** [offset:length], [from-to], [offset], [offset:], [:length]; a negative offset counts from the end. */
  private slice(): Slice {
    const open = this.next();
    // Inside brackets the lexer gives "-" as a word of its own: a sign, or the dash of from-to.
    const dash = () => this.peek().kind === 'word' && this.peek().text === '-';
    const number = (what: string): number | null => {
      const negative = dash() ? this.next() : null;
      const t = this.peek();
      if (t.kind !== 'word' || t.text === '-') {
        if (negative) throw this.unexpected(t, `a byte ${what}`);
        return null;
      }
      this.next();
      const v = Number(t.text);
      if (!Number.isInteger(v) || v < 0) throw new FilterError(`"${t.text}" is not a valid byte ${what}.`, t.start, t.end - t.start);
      return negative ? -v : v;
    };
    const offset = number('offset');
    let length: number | null = null;
    if (this.peek().kind === ':') {
      this.next();
      length = number('length');
      if (offset === null && length === null) throw this.unexpected(this.peek(), 'a byte length');
    } else if (offset !== null && dash()) {
      this.next();
      const to = number('offset');
      if (to === null) throw this.unexpected(this.peek(), 'a byte offset');
      if ((to < 0) !== (offset < 0)) throw new FilterError(`The range ${offset}-${to} is not valid: its ends have different signs.`, open.start, this.peek().end - open.start);
      length = to - offset + 1;
    } else if (offset !== null) {
      length = 1;
    }
    if (offset === null && length === null) throw this.unexpected(this.peek(), 'a byte offset');
    if (length !== null && length <= 0) throw new FilterError('This slice is empty: its length must be at least 1.', open.start, this.peek().end - open.start);
    const close = this.expect(']', '"]"');
    return { offset: offset ?? 0, length, start: open.start, end: close.end };
  }
}
