/**
 * The texts of the control API's own refusals, in one place so the routes,
 * the docs and the tests share them. Each names what to do next.
 */

/** `advance` on a fake whose clock is the real one. */
export function needsVirtualClockMessage(operation: string): string {
  return `taskport: ${operation}() needs a virtual clock; start the fake server with clock: 'virtual' (or --virtual-clock).`;
}
