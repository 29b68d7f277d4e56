/**
 * What every Ona handler shares.
 */

import type { ResolvedOnaApiOptions } from './options.ts';
import type { OnaEnginePort } from './port.ts';
import type { OnaState } from './state.ts';

/** @internal The state of one Ona service. */
export interface OnaContext {
  readonly engine: OnaEnginePort;
  readonly options: ResolvedOnaApiOptions;
  readonly state: OnaState;
}
