/**
 * The texts of the control API's own refusals, in one place so the routes,
 * the docs and the tests share them. Each names what to do next.
 */

/** `advance` on a fake whose clock is the real one. */
export function needsVirtualClockMessage(operation: string): string {
  return `taskport: ${operation}() needs a virtual clock; start the fake server with clock: 'virtual' (or --virtual-clock).`;
}

/** A Host header that is neither loopback nor the listening host nor allowed. */
export function hostNotAllowedMessage(host: string): string {
  return `taskport: the control API does not answer Host ${JSON.stringify(host)}; use 127.0.0.1 or localhost, or allow the name with allowedHosts (--allowed-host).`;
}

/** A browser request from another origin (`Origin`, or `Sec-Fetch-Site: cross-site`). */
export const MESSAGE_CROSS_ORIGIN =
  'taskport: the control API does not answer requests from another origin; call it from your test process, not a web page.';

/** A control token is set and the request does not carry it. */
export const MESSAGE_TOKEN_REQUIRED =
  'taskport: this fake requires its control token; send Authorization: Bearer <token> or X-Taskport-Token: <token>.';

/** A body that is not JSON (or YAML, for an automations file). */
export function mediaTypeMessage(mediaType: string | null): string {
  return `taskport: the control API takes JSON bodies; send Content-Type: application/json (got ${mediaType === null ? 'none' : mediaType}).`;
}

/** The warning of `taskport serve` on a host other than loopback. */
export function exposedHostWarning(host: string): string {
  return `taskport: warning: listening on ${host}: anyone who can reach this port can use the control API (reset, seed, the journal); set --control-token, or listen on 127.0.0.1.\n`;
}
