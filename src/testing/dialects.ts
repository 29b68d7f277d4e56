/**
 * The registry of the dialects the fake server serves, in the order it
 * asks them which requests are theirs. A new dialect is one line here; the
 * types below derive everything else (`DialectName`, the options of
 * `createFakeApp`, `seed()`'s input, `control.fake(name)`).
 */

import { ctsDialect } from './cts/dialect.ts';
import type { AnyFakeDialect } from './fake-dialect.ts';
import { onaDialect } from './ona/dialect.ts';
import { tfcDialect } from './tfc/dialect.ts';

/** Every dialect of the fake, by name. */
export const FAKE_DIALECTS = {
  cts: ctsDialect,
  tfc: tfcDialect,
  ona: onaDialect,
} as const satisfies Record<string, AnyFakeDialect>;

/** The dialects the fake serves. */
export type DialectName = keyof typeof FAKE_DIALECTS;

/** Every dialect the fake knows, in registry order. */
export const ALL_DIALECTS: readonly DialectName[] = Object.keys(FAKE_DIALECTS) as DialectName[];

type DialectOf<K extends DialectName> = (typeof FAKE_DIALECTS)[K];

/** A dialect's options (`createFakeApp({ cts: … })`). */
export type DialectOptions<K extends DialectName> = Parameters<DialectOf<K>['create']>[1];

/** A dialect's simulated world (`control.fake(name)`). */
export type DialectWorld<K extends DialectName> = ReturnType<DialectOf<K>['create']>;

/** A dialect's control surface (`control.fake(name).control`). */
export type DialectControl<K extends DialectName> = DialectWorld<K>['control'];

/** A dialect's part of `seed()`'s input; `never` when it seeds nothing. */
export type DialectSeed<K extends DialectName> = Parameters<NonNullable<DialectOf<K>['seed']>>[1];

/** Every dialect's options, each optional. */
export type DialectOptionsMap = { readonly [K in DialectName]?: DialectOptions<K> };
