/**
 * What the fake writes on task results it ends itself (the integration
 * never reported in time, or never accepted the request).
 */

/** A result that timed out (the callback idle timeout or the maximum duration). */
export const MESSAGE_TIMED_OUT = 'The run task did not report a result in time';

/** A result whose request every try failed to deliver with 200 OK. */
export const MESSAGE_UNREACHABLE = 'The run task did not accept the request with 200 OK';
