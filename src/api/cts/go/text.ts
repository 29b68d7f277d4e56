/**
 * Small re-implementations of the Go standard-library text helpers whose exact
 * output leaks into CTS error messages: `strconv.Quote` (`%q`), `fmt.Errorf`
 * with no arguments, `strings.TrimSpace`, `%v` of decoded JSON values and Go's
 * byte-order string sort.
 *
 * @internal
 * @module
 */

const PRINTABLE = /^[\p{L}\p{M}\p{N}\p{P}\p{S}]$/u;

function hex(n: number, width: number): string {
  return n.toString(16).padStart(width, '0');
}

/**
 * Go's `strconv.Quote` (the `%q` verb) for a JS string. Lone surrogates, which
 * Go could never hold in a decoded string, are shown as U+FFFD like Go's
 * UTF-8 decoding would.
 * @internal
 */
export function goQuote(text: string): string {
  let out = '"';
  for (const ch of text) {
    let cp = ch.codePointAt(0) ?? 0xfffd;
    if (cp >= 0xd800 && cp <= 0xdfff) cp = 0xfffd;
    switch (cp) {
      case 0x07:
        out += '\\a';
        continue;
      case 0x08:
        out += '\\b';
        continue;
      case 0x0c:
        out += '\\f';
        continue;
      case 0x0a:
        out += '\\n';
        continue;
      case 0x0d:
        out += '\\r';
        continue;
      case 0x09:
        out += '\\t';
        continue;
      case 0x0b:
        out += '\\v';
        continue;
      case 0x22:
        out += '\\"';
        continue;
      case 0x5c:
        out += '\\\\';
        continue;
    }
    const char = String.fromCodePoint(cp);
    if (cp === 0x20 || PRINTABLE.test(char)) out += char;
    else if (cp < 0x20 || cp === 0x7f) out += `\\x${hex(cp, 2)}`;
    else if (cp < 0x10000) out += `\\u${hex(cp, 4)}`;
    else out += `\\U${hex(cp, 8)}`;
  }
  return `${out}"`;
}

/**
 * The quoting Go's `time` package uses in `time.ParseDuration` errors: only
 * `"` and `\` are escaped, and any non-ASCII or control character is written
 * as `\x` escapes of its UTF-8 bytes.
 * @internal
 */
export function goTimeQuote(text: string): string {
  let out = '"';
  for (const ch of text) {
    const cp = ch.codePointAt(0) ?? 0;
    if (cp >= 0x80 || cp < 0x20) {
      for (const byte of new TextEncoder().encode(ch)) out += `\\x${hex(byte, 2)}`;
    } else {
      if (ch === '"' || ch === '\\') out += '\\';
      out += ch;
    }
  }
  return `${out}"`;
}

function parseNum(format: string, start: number, end: number): [number, boolean, number] {
  let i = start;
  let num = 0;
  let isNum = false;
  while (i < end && format[i]! >= '0' && format[i]! <= '9') {
    // Go's parsenum gives up on absurd widths (tooLarge).
    if (num > 1e6) return [0, false, end];
    num = num * 10 + (format.charCodeAt(i) - 48);
    isNum = true;
    i++;
  }
  return [num, isNum, i];
}

/**
 * What Go's `fmt.Errorf(text)` produces when `text` is used as the format
 * string with no arguments, as `nethttp-middleware` v1.0.2 does with the
 * validator's message (`oapi_validate.go`, `fmt.Errorf(errorLines[0])`): `%%`
 * becomes `%`, and any other verb becomes `%!v(MISSING)` (or `BADINDEX`,
 * `BADWIDTH`, `BADPREC`, `NOVERB`), so a `%` typed by the client shows up
 * mangled in the 400 message.
 * @internal
 */
export function goSprintfNoArgs(format: string): string {
  const end = format.length;
  let out = '';
  let i = 0;
  while (i < end) {
    let goodArgNum = true;
    const last = i;
    while (i < end && format[i] !== '%') i++;
    out += format.slice(last, i);
    if (i >= end) break;
    i++;
    while (i < end && '#0+- '.includes(format[i]!)) i++;
    let afterIndex = false;
    // An explicit argument index can never be valid without arguments.
    const argIndex = (): void => {
      if (i >= end || format[i] !== '[') return;
      let width = 1;
      let ok = false;
      if (end - i >= 3) {
        for (let j = i + 1; j < end; j++) {
          if (format[j] === ']') {
            const [, isNum, newI] = parseNum(format, i + 1, j);
            ok = isNum && newI === j;
            width = j - i + 1;
            break;
          }
        }
      }
      goodArgNum = false;
      i += width;
      afterIndex = ok;
    };
    argIndex();
    if (i < end && format[i] === '*') {
      i++;
      out += '%!(BADWIDTH)';
      afterIndex = false;
    } else {
      const [, present, newI] = parseNum(format, i, end);
      i = newI;
      if (afterIndex && present) goodArgNum = false;
    }
    if (i + 1 < end && format[i] === '.') {
      i++;
      if (afterIndex) goodArgNum = false;
      argIndex();
      if (i < end && format[i] === '*') {
        i++;
        out += '%!(BADPREC)';
        afterIndex = false;
      } else {
        i = parseNum(format, i, end)[2];
      }
    }
    if (!afterIndex) argIndex();
    if (i >= end) {
      out += '%!(NOVERB)';
      break;
    }
    const verb = String.fromCodePoint(format.codePointAt(i)!);
    i += verb.length;
    if (verb === '%') out += '%';
    else if (!goodArgNum) out += `%!${verb}(BADINDEX)`;
    else out += `%!${verb}(MISSING)`;
  }
  return out;
}

// unicode.IsSpace: JS's `\s` minus U+FEFF, plus U+0085.
const GO_SPACE =
  /^[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+|[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+$/g;

/**
 * Go's `strings.TrimSpace` (Unicode White_Space, which unlike JS's `trim`
 * includes U+0085 and excludes U+FEFF).
 * @internal
 */
export function goTrimSpace(text: string): string {
  return text.replace(GO_SPACE, '');
}

/**
 * Compares strings the way Go's `sort.Strings` does: by UTF-8 bytes, which is
 * code point order (JS's default sort compares UTF-16 units instead).
 * @internal
 */
export function goCompareStrings(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    const xs = x >= 0xd800 && x <= 0xdfff;
    const ys = y >= 0xd800 && y <= 0xdfff;
    // Surrogates encode code points above every BMP unit.
    if (xs !== ys) return xs ? 1 : -1;
    return x - y;
  }
  return a.length - b.length;
}

/**
 * Go's `%v`/`%g` rendering of a float64 (`strconv.FormatFloat(v, 'g', -1, 64)`).
 * @internal
 */
export function goFormatFloat(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (!Number.isFinite(value)) return value > 0 ? '+Inf' : '-Inf';
  if (value === 0) return Object.is(value, -0) ? '-0' : '0';
  const [mantissa = '', expText = '0'] = value.toExponential().split('e');
  const neg = mantissa.startsWith('-');
  const digits = mantissa.replace('-', '').replace('.', '');
  const exp = Number(expText);
  const sign = neg ? '-' : '';
  if (exp < -4 || exp >= 6) {
    const frac = digits.length > 1 ? `.${digits.slice(1)}` : '';
    const e = Math.abs(exp).toString().padStart(2, '0');
    return `${sign}${digits[0]}${frac}e${exp < 0 ? '-' : '+'}${e}`;
  }
  const dp = exp + 1;
  if (dp <= 0) return `${sign}0.${'0'.repeat(-dp)}${digits}`;
  if (dp >= digits.length) return `${sign}${digits}${'0'.repeat(dp - digits.length)}`;
  return `${sign}${digits.slice(0, dp)}.${digits.slice(dp)}`;
}

/**
 * Go's `%v` of a value decoded by `encoding/json` into `interface{}`
 * (`map[k:v]` with sorted keys, `[a b]`, `<nil>`). Iterative, so deep values
 * cannot overflow the stack.
 * @internal
 */
export function goFormatValue(value: unknown): string {
  let out = '';
  const stack: unknown[] = [value];
  const CLOSE_MAP = Symbol('map');
  const CLOSE_ARRAY = Symbol('array');
  const SPACE = Symbol('space');
  while (stack.length > 0) {
    const item = stack.pop();
    if (item === CLOSE_MAP || item === CLOSE_ARRAY) out += ']';
    else if (item === SPACE) out += ' ';
    else if (item === null || item === undefined) out += '<nil>';
    else if (typeof item === 'string') out += item;
    else if (typeof item === 'boolean') out += String(item);
    else if (typeof item === 'number') out += goFormatFloat(item);
    else if (Array.isArray(item)) {
      out += '[';
      stack.push(CLOSE_ARRAY);
      for (let i = item.length - 1; i >= 0; i--) {
        stack.push(item[i]);
        if (i > 0) stack.push(SPACE);
      }
    } else if (typeof item === 'object') {
      out += 'map[';
      stack.push(CLOSE_MAP);
      const record = item as Record<string, unknown>;
      const keys = Object.keys(record).sort(goCompareStrings);
      for (let i = keys.length - 1; i >= 0; i--) {
        const key = keys[i]!;
        stack.push(record[key]);
        stack.push(`${key}:`);
        if (i > 0) stack.push(SPACE);
      }
    }
  }
  return out;
}
