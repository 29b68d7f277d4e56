/**
 * The cluster's one error type: a control request it cannot carry out.
 */

/** Raised for control requests the cluster cannot carry out (an unknown member, …). */
export class CtsClusterError extends Error {
  override readonly name = 'CtsClusterError';
  constructor(
    message: string,
    readonly status: 400 | 404 | 409 = 400,
  ) {
    super(message);
  }
}
