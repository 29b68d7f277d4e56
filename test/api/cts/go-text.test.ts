import { describe, expect, it } from 'vitest';
import {
  goCompareStrings,
  goFormatFloat,
  goQuote,
  goSprintfNoArgs,
  goTrimSpace,
} from '../../../src/api/cts/go/text.ts';

describe('Go text helpers', () => {
  it.each([
    ['abc', '"abc"'],
    ['a"b\\c', '"a\\"b\\\\c"'],
    ['\n\t\u0001\u007f', '"\\n\\t\\x01\\x7f"'],
    ['é😀', '"é😀"'],
    ['\u00a0\u200b', '"\\u00a0\\u200b"'],
  ])('goQuote(%j) = %s', (input, expected) => {
    expect(goQuote(input)).toBe(expected);
  });

  it.each([
    ['plain', 'plain'],
    ['100%', '100%!(NOVERB)'],
    ['a%%b', 'a%b'],
    ['%s', '%!s(MISSING)'],
    ['%-5.2f', '%!f(MISSING)'],
    ['%[1]d', '%!d(BADINDEX)'],
    ['%*d', '%!(BADWIDTH)%!d(MISSING)'],
    ["'%'", "'%!'(MISSING)"],
  ])('goSprintfNoArgs(%j) = %j', (input, expected) => {
    expect(goSprintfNoArgs(input)).toBe(expected);
  });

  it('trims like strings.TrimSpace', () => {
    expect(goTrimSpace('\u0085 a \n')).toBe('a');
    expect(goTrimSpace('\uFEFFa')).toBe('\uFEFFa');
  });

  it('sorts by code point like sort.Strings', () => {
    expect(['😀', '\uffff', 'b', 'B', 'a'].sort(goCompareStrings)).toEqual([
      'B',
      'a',
      'b',
      '\uffff',
      '😀',
    ]);
  });

  it.each([
    [1, '1'],
    [2.5, '2.5'],
    [1e6, '1e+06'],
    [123456, '123456'],
    [1e21, '1e+21'],
    [0.0001, '0.0001'],
    [0.00001, '1e-05'],
    [-1234567, '-1.234567e+06'],
  ])('goFormatFloat(%d) = %s', (value, expected) => {
    expect(goFormatFloat(value)).toBe(expected);
  });
});
