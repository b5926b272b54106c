// Splitting a display filter into tokens, each with its position.

import { FilterError } from './errors';

export type TokenKind = 'word' | 'string' | 'op' | 'and' | 'or' | 'not' | '&' | '(' | ')' | '{' | '}' | '[' | ']' | ',' | ':' | 'end';

export interface Token {
  kind: TokenKind;
  text: string;
  start: number;
  end: number;
}

const WORD_OPERATORS: Record<string, string> = {
  eq: '==',
  ne: '!=',
  lt: '<',
  gt: '>',
  le: '<=',
  ge: '>=',
  any_eq: '==',
  all_ne: '!=',
  any_ne: '~=',
  contains: 'contains',
  matches: 'matches',
  in: 'in',
};

const SYMBOL_OPERATORS = ['===', '!==', '==', '!=', '~=', '<=', '>=', '<', '>'];

/** Characters of an unquoted word: field names, numbers, addresses, ranges. */
function isWordChar(c: string): boolean {
  return /[A-Za-z0-9_.:\/\-]/.test(c);
}

export function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  let bracketDepth = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    const start = i;
    if (c === '"' || c === "'") {
      // A quoted string, with C-like escapes.
      let value = '';
      i++;
      for (;;) {
        if (i >= text.length) throw new FilterError('This string has no closing quote.', start, text.length - start);
        const d = text[i]!;
        if (d === c) {
          i++;
          break;
        }
        if (d === '\\' && i + 1 < text.length) {
          const e = text[i + 1]!;
          const simple: Record<string, string> = { n: '\n', r: '\r', t: '\t', '\\': '\\', '"': '"', "'": "'", '0': '\0' };
          if (e === 'x' && /^[0-9a-fA-F]{2}$/.test(text.slice(i + 2, i + 4))) {
            value += String.fromCharCode(parseInt(text.slice(i + 2, i + 4), 16));
            i += 4;
          } else if (simple[e] !== undefined) {
            value += simple[e];
            i += 2;
          } else {
            value += e;
            i += 2;
          }
          continue;
        }
        value += d;
        i++;
      }
      tokens.push({ kind: 'string', text: value, start, end: i });
      continue;
    }
    const sym = SYMBOL_OPERATORS.find((op) => text.startsWith(op, i));
    if (sym) {
      const normal = sym === '===' ? '==' : sym === '!==' ? '!=' : sym;
      tokens.push({ kind: 'op', text: normal, start, end: i + sym.length });
      i += sym.length;
      continue;
    }
    if (text.startsWith('&&', i)) {
      tokens.push({ kind: 'and', text: '&&', start, end: i + 2 });
      i += 2;
      continue;
    }
    if (text.startsWith('||', i)) {
      tokens.push({ kind: 'or', text: '||', start, end: i + 2 });
      i += 2;
      continue;
    }
    if (c === '&') {
      tokens.push({ kind: '&', text: '&', start, end: i + 1 });
      i++;
      continue;
    }
    if (c === '!') {
      tokens.push({ kind: 'not', text: '!', start, end: i + 1 });
      i++;
      continue;
    }
    if ('(){}[],'.includes(c)) {
      if (c === '[') bracketDepth++;
      if (c === ']') bracketDepth = Math.max(0, bracketDepth - 1);
      tokens.push({ kind: c as TokenKind, text: c, start, end: i + 1 });
      i++;
      continue;
    }
    if (c === ':' && bracketDepth > 0) {
      tokens.push({ kind: ':', text: ':', start, end: i + 1 });
      i++;
      continue;
    }
    if (c === '-' && bracketDepth > 0) {
      tokens.push({ kind: 'word', text: '-', start, end: i + 1 });
      i++;
      continue;
    }
    if (isWordChar(c)) {
      // Inside a slice, ':' and '-' separate numbers; elsewhere they belong to the word.
      while (i < text.length && isWordChar(text[i]!) && !(bracketDepth > 0 && (text[i] === ':' || text[i] === '-'))) i++;
      const word = text.slice(start, i);
      const lower = word.toLowerCase();
      if (lower === 'and') tokens.push({ kind: 'and', text: word, start, end: i });
      else if (lower === 'or') tokens.push({ kind: 'or', text: word, start, end: i });
      else if (lower === 'not') tokens.push({ kind: 'not', text: word, start, end: i });
      else if (WORD_OPERATORS[lower]) tokens.push({ kind: 'op', text: WORD_OPERATORS[lower]!, start, end: i });
      else tokens.push({ kind: 'word', text: word, start, end: i });
      continue;
    }
    throw new FilterError(`"${c}" was unexpected in this context.`, start, 1);
  }
  tokens.push({ kind: 'end', text: '', start: text.length, end: text.length });
  return tokens;
}
