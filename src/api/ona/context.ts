/**
 * What every Ona handler shares.
 */

import type { Engine } from '../../engine/engine.ts';
import type { ResolvedOnaApiOptions } from './options.ts';
import type { OnaState } from './state.ts';

/** @internal The state of one Ona service. */
export interface OnaContext {
  readonly engine: Engine;
  readonly options: ResolvedOnaApiOptions;
  readonly state: OnaState;
}
