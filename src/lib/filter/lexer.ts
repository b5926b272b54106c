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
  all_eq: '===',
  any_ne: '~=',
  contains: 'contains',
  matches: 'matches',
  in: 'in',
};

const SYMBOL_OPERATORS = ['===', '!==', '==', '!=', '~=', '<=', '>=', '<', '>'];

/** As in Wireshark 4: "===" is all_eq (the parser spells it out), "!==" is any_ne. */
const SYMBOL_SPELLINGS: Record<string, string> = { '!==': '~=' };

const SIMPLE_ESCAPES: Record<string, string> = { a: '\x07', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v', '\\': '\\', '"': '"', "'": "'" };

/**
 * A byte written as an escape (\xff, \377) above ASCII is kept as the lone
 * surrogate U+DC80..U+DCFF, so that bytes that are not UTF-8 survive in a JS
 * string (values.ts turns them back into bytes).
 */
export const ESCAPED_BYTE = 0xdc00;

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/** Escaped bytes that together spell UTF-8 text ("\xc3\xa9") become that text. */
function joinEscapedBytes(s: string): string {
  return s.replace(/[\udc80-\udcff]+/gu, (run) => {
    try {
      return strictUtf8.decode(Uint8Array.from(run, (c) => c.charCodeAt(0) - ESCAPED_BYTE));
    } catch {
      return run;
    }
  });
}

/** The escape at text[i] (a backslash): the characters it stands for and its length. */
function readEscape(text: string, i: number): { value: string; length: number } {
  const e = text[i + 1]!;
  const simple = Object.hasOwn(SIMPLE_ESCAPES, e) ? SIMPLE_ESCAPES[e] : undefined;
  if (simple !== undefined) return { value: simple, length: 2 };
  const byte = (v: number) => (v < 0x80 ? String.fromCharCode(v) : String.fromCharCode(ESCAPED_BYTE + v));
  const octal = /^[0-7]{1,3}/.exec(text.slice(i + 1, i + 4));
  if (octal) {
    const v = parseInt(octal[0], 8);
    if (v > 255) throw new FilterError(`\\${octal[0]} is larger than 255.`, i, octal[0].length + 1);
    return { value: byte(v), length: octal[0].length + 1 };
  }
  const hex = e === 'x' ? /^[0-9a-fA-F]{1,2}/.exec(text.slice(i + 2, i + 4)) : null;
  if (hex) return { value: byte(parseInt(hex[0], 16)), length: hex[0].length + 2 };
  const universal = e === 'u' ? /^[0-9a-fA-F]{4}/.exec(text.slice(i + 2)) : e === 'U' ? /^[0-9a-fA-F]{8}/.exec(text.slice(i + 2)) : null;
  if (universal) {
    const code = parseInt(universal[0], 16);
    if (code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) throw new FilterError(`\\${e}${universal[0]} is not a valid character.`, i, universal[0].length + 2);
    return { value: String.fromCodePoint(code), length: universal[0].length + 2 };
  }
  throw new FilterError(`\\${e} is not a valid escape sequence (write \\\\ for a backslash).`, i, 2);
}

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
          const escape = readEscape(text, i);
          value += escape.value;
          i += escape.length;
          continue;
        }
        value += d;
        i++;
      }
      tokens.push({ kind: 'string', text: joinEscapedBytes(value), start, end: i });
      continue;
    }
    const sym = SYMBOL_OPERATORS.find((op) => text.startsWith(op, i));
    if (sym) {
      tokens.push({ kind: 'op', text: SYMBOL_SPELLINGS[sym] ?? sym, start, end: i + sym.length });
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
      else if (Object.hasOwn(WORD_OPERATORS, lower)) tokens.push({ kind: 'op', text: WORD_OPERATORS[lower]!, start, end: i });
      else tokens.push({ kind: 'word', text: word, start, end: i });
      continue;
    }
    throw new FilterError(`"${c}" was unexpected in this context.`, start, 1);
  }
  tokens.push({ kind: 'end', text: '', start: text.length, end: text.length });
  return tokens;
}
