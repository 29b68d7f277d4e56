import { describe, expect, it } from 'vitest';
import { goRegexpError } from '../../../src/api/cts/go/regexp.ts';

describe('goRegexpError (Go regexp.Compile)', () => {
  it.each([
    'web.*',
    '^api$',
    '',
    '(?i)web',
    '(?P<name>a)',
    '(?<name>a)',
    '(?:a|b)+?',
    '[[:alpha:]]+',
    '[^a-z0-9_-]',
    '\\pL\\p{Greek}\\P{Lu}',
    '\\Qa.b\\E',
    '\\A\\z\\b\\B',
    'a{2,5}',
    'a{,5}',
    'x{',
    '\\x41\\x{1F600}\\101\\.',
    '^*',
    '[]a]',
  ])('accepts %j', (pattern) => {
    expect(goRegexpError(pattern)).toBeUndefined();
  });

  it.each([
    ['(', 'missing closing ): `(`'],
    ['a)', 'unexpected ): `a)`'],
    ['[a', 'missing closing ]: `[a`'],
    ['*', 'missing argument to repetition operator: `*`'],
    ['a|*', 'missing argument to repetition operator: `*`'],
    ['(+)', 'missing argument to repetition operator: `+`'],
    ['a**', 'invalid nested repetition operator: `**`'],
    ['a+?*', 'invalid nested repetition operator: `+?*`'],
    ['a{1001}', 'invalid repeat count: `{1001}`'],
    ['a{3,2}', 'invalid repeat count: `{3,2}`'],
    ['[z-a]', 'invalid character class range: `z-a`'],
    ['[[:foo:]]', 'invalid character class range: `[:foo:]`'],
    ['\\p{Foo}', 'invalid character class range: `\\p{Foo}`'],
    ['(?=a)', 'invalid or unsupported Perl syntax: `(?=`'],
    ['(?!a)', 'invalid or unsupported Perl syntax: `(?!`'],
    ['(?<=a)b', 'invalid named capture: `(?<=a)b`'],
    ['(?P=n)', 'invalid or unsupported Perl syntax: `(?P`'],
    ['(?P<>a)', 'invalid named capture: `(?P<>`'],
    ['\\1', 'invalid escape sequence: `\\1`'],
    ['\\Z', 'invalid escape sequence: `\\Z`'],
    ['\\C', 'invalid escape sequence: `\\C`'],
    ['a\\', 'trailing backslash at end of expression: ``'],
  ])('rejects %j', (pattern, error) => {
    expect(goRegexpError(pattern)).toBe(`error parsing regexp: ${error}`);
  });

  it('is linear on patterns that backtrack catastrophically in JS', () => {
    const start = performance.now();
    expect(goRegexpError(`${'(a+)+'.repeat(500)}$`)).toBeUndefined();
    expect(performance.now() - start).toBeLessThan(1000);
  });
});
