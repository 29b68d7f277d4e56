/**
 * A JSON reader that accepts, rejects and reports exactly like Go's
 * `encoding/json`, because CTS copies Go's decoder errors into its 400
 * bodies: kin-openapi reads POST bodies with `json.NewDecoder(...).Decode`
 * (`openapi3filter/req_resp_decoder.go` `JSONBodyDecoder`), and the PATCH
 * handler uses `json.Unmarshal` (`api/task.go` `decodeBody`).
 *
 * It is a port of Go's scanner state machine (`encoding/json/scanner.go`):
 * iterative, so arbitrarily deep input cannot overflow the JS stack, and it
 * enforces Go's nesting limit of 10000.
 *
 * @internal
 * @module
 */

import {
  BEGIN_ARRAY,
  BEGIN_LITERAL,
  BEGIN_OBJECT,
  CONTINUE,
  END,
  END_ARRAY,
  END_OBJECT,
  ERROR,
  PARSE_OBJECT_KEY,
  S,
  Scanner,
} from './json-scanner.ts';

/** A number literal that Go cannot convert to float64 (for example `1e400`). */
export interface GoNumberOverflow {
  /** Keys and indexes from the root to the literal. */
  readonly path: readonly (string | number)[];
  /** The literal as written. */
  readonly literal: string;
}

/** Outcome of {@link decodeGoJson}. */
export type GoJsonResult =
  | { ok: true; value: unknown; overflows: readonly GoNumberOverflow[] }
  | { ok: false; message: string };

/**
 * `decoder`: `json.Decoder.Decode` (first value only, trailing bytes ignored,
 * `EOF` / `unexpected EOF` at end of input). `unmarshal`: `json.Unmarshal`
 * (whole input must be one value; `unexpected end of JSON input`).
 */
export type GoJsonMode = 'decoder' | 'unmarshal';

/** Go's string unquoting: escapes, surrogate pairs, invalid surrogates → U+FFFD. */
function unquote(literal: string): string {
  const body = literal.slice(1, -1);
  if (!body.includes('\\')) return body;
  let out = '';
  for (let i = 0; i < body.length; i++) {
    const ch = body[i]!;
    if (ch !== '\\') {
      out += ch;
      continue;
    }
    const esc = body[++i];
    switch (esc) {
      case 'b':
        out += '\b';
        break;
      case 'f':
        out += '\f';
        break;
      case 'n':
        out += '\n';
        break;
      case 'r':
        out += '\r';
        break;
      case 't':
        out += '\t';
        break;
      case 'u': {
        const unit = Number.parseInt(body.slice(i + 1, i + 5), 16);
        i += 4;
        if (unit >= 0xd800 && unit <= 0xdfff) {
          const next = body.slice(i + 1, i + 3) === '\\u' ? body.slice(i + 3, i + 7) : '';
          const low = next.length === 4 ? Number.parseInt(next, 16) : Number.NaN;
          if (unit < 0xdc00 && low >= 0xdc00 && low <= 0xdfff) {
            out += String.fromCharCode(unit, low);
            i += 6;
          } else {
            out += '\uFFFD';
          }
        } else {
          out += String.fromCharCode(unit);
        }
        break;
      }
      default:
        out += esc ?? '';
    }
  }
  return out;
}

interface Frame {
  readonly container: Record<string, unknown> | unknown[];
  key: string | undefined;
}

function setKey(target: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') {
    Object.defineProperty(target, key, {
      value,
      writable: true,
      enumerable: true,
      configurable: true,
    });
  } else {
    target[key] = value;
  }
}

/**
 * Decodes `text` the way Go's `encoding/json` would into `interface{}`,
 * returning Go's error message on failure.
 */
export function decodeGoJson(text: string, mode: GoJsonMode): GoJsonResult {
  const scan = new Scanner();
  const frames: Frame[] = [];
  const overflows: GoNumberOverflow[] = [];
  let root: unknown;
  let haveRoot = false;
  let litStart = -1;
  let litIsKey = false;

  const attach = (value: unknown): void => {
    const frame = frames[frames.length - 1];
    if (frame === undefined) {
      root = value;
      haveRoot = true;
    } else if (Array.isArray(frame.container)) {
      frame.container.push(value);
    } else {
      setKey(frame.container, frame.key ?? '', value);
    }
  };
  const pathHere = (): (string | number)[] =>
    frames.map((f) => (Array.isArray(f.container) ? f.container.length : (f.key ?? '')));
  const finishLiteral = (end: number): void => {
    const literal = text.slice(litStart, end);
    litStart = -1;
    const first = literal.charCodeAt(0);
    if (first === 0x22) {
      const value = unquote(literal);
      if (litIsKey) frames[frames.length - 1]!.key = value;
      else attach(value);
    } else if (first === 0x74) attach(true);
    else if (first === 0x66) attach(false);
    else if (first === 0x6e) attach(null);
    else {
      const value = Number(literal);
      if (!Number.isFinite(value)) overflows.push({ path: pathHere(), literal });
      attach(value);
    }
  };

  let i = 0;
  let done = false;
  for (; i < text.length && !done; i++) {
    const op = scan.at(text, i).next(text.charCodeAt(i));
    if (litStart >= 0 && op !== CONTINUE && op !== ERROR) finishLiteral(i);
    switch (op) {
      case BEGIN_LITERAL:
        litStart = i;
        litIsKey = scan.top() === PARSE_OBJECT_KEY && scan.step === S.InString;
        break;
      case BEGIN_OBJECT:
        frames.push({ container: {}, key: undefined });
        break;
      case BEGIN_ARRAY:
        frames.push({ container: [], key: undefined });
        break;
      case END_OBJECT:
      case END_ARRAY: {
        const frame = frames.pop()!;
        attach(frame.container);
        // Go's Decoder invents a space after a closing bracket to end the value.
        if (mode === 'decoder' && frames.length === 0) done = true;
        break;
      }
      case END:
        if (mode === 'decoder') done = true;
        break;
      case ERROR:
        return { ok: false, message: scan.err ?? 'invalid character' };
    }
  }
  if (mode === 'unmarshal' && scan.err !== undefined) return { ok: false, message: scan.err };
  if (!done && !haveRoot) {
    const op = scan.at(text, text.length).next(0x20);
    if (litStart >= 0 && op === END) finishLiteral(text.length);
    if (!haveRoot) {
      if (mode === 'decoder') {
        return { ok: false, message: /[^ \t\r\n]/.test(text) ? 'unexpected EOF' : 'EOF' };
      }
      return { ok: false, message: scan.err ?? 'unexpected end of JSON input' };
    }
  }
  return { ok: true, value: root, overflows };
}
