/**
 * The tfc fake's bearer tokens as the control API shows and changes them:
 * listing, granting a token more organizations without replacing it, and
 * the tokens given at start-up (`tokens` option, `--tfc-token`), which every
 * world built on those options (each reset builds one) has again.
 */

import type { TfcState } from '../../api/tfc/state.ts';
import type { TokenRecord } from '../../api/tfc/types.ts';

/** A token as the control API shows it. */
export interface TokenView {
  readonly token: string;
  /** `'all'`, or the organizations it can see, in name order. */
  readonly organizations: 'all' | string[];
}

/** Input of a token the fake knows: given at start-up, or created through the control API. */
export interface TokenInput {
  /** A token string to use; random when absent. */
  readonly token?: string;
  /** Organizations the token can see. @default 'all' */
  readonly organizations?: 'all' | readonly string[];
}

export function tokenView(record: TokenRecord): TokenView {
  return {
    token: record.token,
    organizations: record.organizations === 'all' ? 'all' : [...record.organizations].sort(),
  };
}

/**
 * Lets `token` see `organizations` as well as those it saw; `'all'` lets it
 * see every one. Undefined when there is no such token.
 */
export function grantToken(
  state: TfcState,
  token: string,
  organizations: 'all' | readonly string[],
): TokenView | undefined {
  const record = state.tokens.get(token);
  if (record === undefined) return undefined;
  if (record.organizations !== 'all') {
    // A record's set is read-only to the API: replace the record with a wider one.
    const widened: TokenRecord = {
      token,
      organizations:
        organizations === 'all' ? 'all' : new Set([...record.organizations, ...organizations]),
    };
    state.tokens.set(token, widened);
  }
  return tokenView(state.tokens.get(token) as TokenRecord);
}

/**
 * Checks the `tokens` option at start-up: a bad entry is a TypeError then,
 * not a token that silently fails later.
 */
export function checkStartupTokens(tokens: unknown): readonly TokenInput[] {
  if (tokens === undefined) return [];
  if (!Array.isArray(tokens)) {
    throw new TypeError(`Expected \`tokens\` to be an array, got ${typeof tokens}`);
  }
  for (const entry of tokens as unknown[]) {
    const { token, organizations } = (entry ?? {}) as { token?: unknown; organizations?: unknown };
    if (token !== undefined && (typeof token !== 'string' || token === '')) {
      throw new TypeError(
        `Expected \`tokens[].token\` to be a non-empty string, got ${String(token)}`,
      );
    }
    if (
      organizations !== undefined &&
      organizations !== 'all' &&
      !(Array.isArray(organizations) && organizations.every((name) => typeof name === 'string'))
    ) {
      throw new TypeError("Expected `tokens[].organizations` to be 'all' or an array of names");
    }
  }
  return tokens as readonly TokenInput[];
}
