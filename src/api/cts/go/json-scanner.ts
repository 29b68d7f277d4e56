/**
 * Go's JSON scanner state machine (`encoding/json/scanner.go`), step by step:
 * the opcodes, the parse and step states, and the error wording.
 *
 * @internal
 * @module
 */

import { goQuote } from './text.ts';

const MAX_NESTING_DEPTH = 10000;

// Scanner opcodes (scanner.go).
export const CONTINUE = 0;
export const BEGIN_LITERAL = 1;
export const BEGIN_OBJECT = 2;
const OBJECT_KEY = 3;
const OBJECT_VALUE = 4;
export const END_OBJECT = 5;
export const BEGIN_ARRAY = 6;
const ARRAY_VALUE = 7;
export const END_ARRAY = 8;
const SKIP_SPACE = 9;
export const END = 10;
export const ERROR = 11;

// Parse states.
export const PARSE_OBJECT_KEY = 0;
const PARSE_OBJECT_VALUE = 1;
const PARSE_ARRAY_VALUE = 2;

// Step states, named after the scanner.go functions.
export const S = {
  BeginValue: 0,
  BeginValueOrEmpty: 1,
  BeginStringOrEmpty: 2,
  BeginString: 3,
  EndValue: 4,
  EndTop: 5,
  InString: 6,
  InStringEsc: 7,
  EscU: 8,
  EscU1: 9,
  EscU12: 10,
  EscU123: 11,
  Neg: 12,
  One: 13,
  Zero: 14,
  Dot: 15,
  Dot0: 16,
  E: 17,
  ESign: 18,
  E0: 19,
  T: 20,
  Tr: 21,
  Tru: 22,
  F: 23,
  Fa: 24,
  Fal: 25,
  Fals: 26,
  N: 27,
  Nu: 28,
  Nul: 29,
  Error: 30,
} as const;
export type S = (typeof S)[keyof typeof S];

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0d || c === 0x0a;
}

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

function isHex(c: number): boolean {
  return isDigit(c) || (c >= 0x61 && c <= 0x66) || (c >= 0x41 && c <= 0x46);
}

/** Go's `quoteChar` of the offending *byte*: a non-ASCII character shows as its first UTF-8 byte. */
function quoteChar(text: string, i: number): string {
  let c = text.charCodeAt(i);
  if (c >= 0x80) {
    const cp = text.codePointAt(i) ?? c;
    if (cp < 0x800) c = 0xc0 | (cp >> 6);
    else if (cp < 0x10000) c = 0xe0 | (cp >> 12);
    else c = 0xf0 | (cp >> 18);
  }
  if (c === 0x27) return "'\\''";
  if (c === 0x22) return `'"'`;
  const quoted = goQuote(String.fromCharCode(c));
  return `'${quoted.slice(1, -1)}'`;
}

export class Scanner {
  step: S = S.BeginValue;
  parseState: number[] = [];
  endTop = false;
  err: string | undefined;
  private text = '';
  private index = 0;

  at(text: string, index: number): this {
    this.text = text;
    this.index = index;
    return this;
  }

  top(): number | undefined {
    return this.parseState[this.parseState.length - 1];
  }

  private error(context: string): number {
    this.step = S.Error;
    // A synthetic space (end of input) is reported as ' '.
    const ch = this.index < this.text.length ? quoteChar(this.text, this.index) : "' '";
    this.err = `invalid character ${ch} ${context}`;
    return ERROR;
  }

  private push(state: number, success: number): number {
    this.parseState.push(state);
    if (this.parseState.length <= MAX_NESTING_DEPTH) return success;
    return this.error('exceeded max depth');
  }

  private pop(): void {
    this.parseState.pop();
    if (this.parseState.length === 0) {
      this.step = S.EndTop;
      this.endTop = true;
    } else {
      this.step = S.EndValue;
    }
  }

  private beginValue(c: number): number {
    if (isSpace(c)) return SKIP_SPACE;
    switch (c) {
      case 0x7b: // {
        this.step = S.BeginStringOrEmpty;
        return this.push(PARSE_OBJECT_KEY, BEGIN_OBJECT);
      case 0x5b: // [
        this.step = S.BeginValueOrEmpty;
        return this.push(PARSE_ARRAY_VALUE, BEGIN_ARRAY);
      case 0x22:
        this.step = S.InString;
        return BEGIN_LITERAL;
      case 0x2d:
        this.step = S.Neg;
        return BEGIN_LITERAL;
      case 0x30:
        this.step = S.Zero;
        return BEGIN_LITERAL;
      case 0x74:
        this.step = S.T;
        return BEGIN_LITERAL;
      case 0x66:
        this.step = S.F;
        return BEGIN_LITERAL;
      case 0x6e:
        this.step = S.N;
        return BEGIN_LITERAL;
    }
    if (c >= 0x31 && c <= 0x39) {
      this.step = S.One;
      return BEGIN_LITERAL;
    }
    return this.error('looking for beginning of value');
  }

  endValue(c: number): number {
    const n = this.parseState.length;
    if (n === 0) {
      this.step = S.EndTop;
      this.endTop = true;
      return this.endTopStep(c);
    }
    if (isSpace(c)) {
      this.step = S.EndValue;
      return SKIP_SPACE;
    }
    switch (this.parseState[n - 1]) {
      case PARSE_OBJECT_KEY:
        if (c === 0x3a) {
          this.parseState[n - 1] = PARSE_OBJECT_VALUE;
          this.step = S.BeginValue;
          return OBJECT_KEY;
        }
        return this.error('after object key');
      case PARSE_OBJECT_VALUE:
        if (c === 0x2c) {
          this.parseState[n - 1] = PARSE_OBJECT_KEY;
          this.step = S.BeginString;
          return OBJECT_VALUE;
        }
        if (c === 0x7d) {
          this.pop();
          return END_OBJECT;
        }
        return this.error('after object key:value pair');
      default:
        if (c === 0x2c) {
          this.step = S.BeginValue;
          return ARRAY_VALUE;
        }
        if (c === 0x5d) {
          this.pop();
          return END_ARRAY;
        }
        return this.error('after array element');
    }
  }

  private endTopStep(c: number): number {
    // Go complains about a non-space byte but still reports the value ended.
    if (!isSpace(c)) this.error('after top-level value');
    return END;
  }

  private expect(c: number, want: number, next: S, context: string): number {
    if (c === want) {
      this.step = next;
      return CONTINUE;
    }
    return this.error(context);
  }

  private number0(c: number): number {
    if (c === 0x2e) {
      this.step = S.Dot;
      return CONTINUE;
    }
    if (c === 0x65 || c === 0x45) {
      this.step = S.E;
      return CONTINUE;
    }
    return this.endValue(c);
  }

  next(c: number): number {
    switch (this.step) {
      case S.BeginValue:
        return this.beginValue(c);
      case S.BeginValueOrEmpty:
        if (isSpace(c)) return SKIP_SPACE;
        if (c === 0x5d) return this.endValue(c);
        return this.beginValue(c);
      case S.BeginStringOrEmpty:
        if (isSpace(c)) return SKIP_SPACE;
        if (c === 0x7d) {
          this.parseState[this.parseState.length - 1] = PARSE_OBJECT_VALUE;
          return this.endValue(c);
        }
        return this.next2BeginString(c);
      case S.BeginString:
        return this.next2BeginString(c);
      case S.EndValue:
        return this.endValue(c);
      case S.EndTop:
        return this.endTopStep(c);
      case S.InString:
        if (c === 0x22) {
          this.step = S.EndValue;
          return CONTINUE;
        }
        if (c === 0x5c) {
          this.step = S.InStringEsc;
          return CONTINUE;
        }
        if (c < 0x20) return this.error('in string literal');
        return CONTINUE;
      case S.InStringEsc:
        if ('bfnrt\\/"'.includes(String.fromCharCode(c))) {
          this.step = S.InString;
          return CONTINUE;
        }
        if (c === 0x75) {
          this.step = S.EscU;
          return CONTINUE;
        }
        return this.error('in string escape code');
      case S.EscU:
      case S.EscU1:
      case S.EscU12:
      case S.EscU123:
        if (isHex(c)) {
          this.step = this.step === S.EscU123 ? S.InString : ((this.step + 1) as S);
          return CONTINUE;
        }
        return this.error('in \\u hexadecimal character escape');
      case S.Neg:
        if (c === 0x30) {
          this.step = S.Zero;
          return CONTINUE;
        }
        if (c >= 0x31 && c <= 0x39) {
          this.step = S.One;
          return CONTINUE;
        }
        return this.error('in numeric literal');
      case S.One:
        if (isDigit(c)) return CONTINUE;
        return this.number0(c);
      case S.Zero:
        return this.number0(c);
      case S.Dot:
        if (isDigit(c)) {
          this.step = S.Dot0;
          return CONTINUE;
        }
        return this.error('after decimal point in numeric literal');
      case S.Dot0:
        if (isDigit(c)) return CONTINUE;
        if (c === 0x65 || c === 0x45) {
          this.step = S.E;
          return CONTINUE;
        }
        return this.endValue(c);
      case S.E:
        if (c === 0x2b || c === 0x2d) {
          this.step = S.ESign;
          return CONTINUE;
        }
        return this.eSign(c);
      case S.ESign:
        return this.eSign(c);
      case S.E0:
        if (isDigit(c)) return CONTINUE;
        return this.endValue(c);
      case S.T:
        return this.expect(c, 0x72, S.Tr, "in literal true (expecting 'r')");
      case S.Tr:
        return this.expect(c, 0x75, S.Tru, "in literal true (expecting 'u')");
      case S.Tru:
        return this.expect(c, 0x65, S.EndValue, "in literal true (expecting 'e')");
      case S.F:
        return this.expect(c, 0x61, S.Fa, "in literal false (expecting 'a')");
      case S.Fa:
        return this.expect(c, 0x6c, S.Fal, "in literal false (expecting 'l')");
      case S.Fal:
        return this.expect(c, 0x73, S.Fals, "in literal false (expecting 's')");
      case S.Fals:
        return this.expect(c, 0x65, S.EndValue, "in literal false (expecting 'e')");
      case S.N:
        return this.expect(c, 0x75, S.Nu, "in literal null (expecting 'u')");
      case S.Nu:
        return this.expect(c, 0x6c, S.Nul, "in literal null (expecting 'l')");
      case S.Nul:
        return this.expect(c, 0x6c, S.EndValue, "in literal null (expecting 'l')");
      default:
        return ERROR;
    }
  }

  private next2BeginString(c: number): number {
    if (isSpace(c)) return SKIP_SPACE;
    if (c === 0x22) {
      this.step = S.InString;
      return BEGIN_LITERAL;
    }
    return this.error('looking for beginning of object key string');
  }

  private eSign(c: number): number {
    if (isDigit(c)) {
      this.step = S.E0;
      return CONTINUE;
    }
    return this.error('in exponent of numeric literal');
  }
}
