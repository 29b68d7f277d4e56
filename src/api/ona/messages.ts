/**
 * The texts of the Ona dialect's errors. protovalidate's rule texts are the
 * ones with the `value` prefix (protovalidate-go before 2026); everything the
 * real service's wording is unknown for is marked as taskport's own.
 */

/** `string.uuid` on an empty string. */
export const MESSAGE_UUID_EMPTY = 'value is empty, which is not a valid UUID';
/** `string.uuid`. */
export const MESSAGE_UUID = 'value must be a valid UUID';
/** `enum.defined_only`. */
export const MESSAGE_DEFINED_ONLY = 'value must be one of the defined enum values';

/** `string.min_len`. */
export function minLenMessage(min: number): string {
  return `value length must be at least ${min} characters`;
}

/** `string.pattern`. */
export function patternMessage(pattern: string): string {
  return `value does not match regex pattern \`${pattern}\``;
}

/** `repeated.max_items`. */
export function maxItemsMessage(max: number): string {
  return `value must contain no more than ${max} item(s)`;
}

/** `int32.gte` + `int32.lte`. */
export function rangeMessage(gte: number | undefined, lte: number | undefined): string {
  if (gte !== undefined && lte !== undefined)
    return `value must be greater than or equal to ${gte} and less than or equal to ${lte}`;
  if (gte !== undefined) return `value must be greater than or equal to ${gte}`;
  return `value must be less than or equal to ${lte}`;
}

/** connect-go's prefix for a body that does not unmarshal into the request message. */
export function unmarshalMessage(requestType: string, detail: string): string {
  return `unmarshal message: unmarshal into *v1.${requestType}: proto: ${detail}`;
}

/** protojson's text past its recursion limit (after `proto: `). */
export const MESSAGE_RECURSION_DEPTH = 'exceeded max recursion depth';

/** connect-go's text for an empty body. */
export function zeroLengthMessage(requestType: string): string {
  return `unmarshal message: unmarshal into *v1.${requestType}: zero-length payload is not a valid JSON object`;
}

/** taskport's own: the real service's wording is unknown. */
export const MESSAGE_MISSING_TOKEN = 'missing or malformed bearer token';
/** taskport's own. */
export const MESSAGE_INVALID_TOKEN = 'invalid bearer token';
/** taskport's own. */
export const MESSAGE_METADATA_REQUIRED = 'metadata is required';
/** taskport's own. */
export const MESSAGE_INVALID_PAGE_TOKEN = 'invalid page token';
/** taskport's own. */
export const MESSAGE_INVALID_PAGE_SIZE = 'invalid page size';

/** taskport's own. */
export function taskNotFoundMessage(id: string): string {
  return `task ${id} not found`;
}

/** taskport's own. */
export function executionNotFoundMessage(id: string): string {
  return `task execution ${id} not found`;
}

/** taskport's own. */
export function environmentNotFoundMessage(id: string): string {
  return `environment ${id} not found`;
}

/** taskport's own. */
export function duplicateReferenceMessage(reference: string): string {
  return `task with reference "${reference}" already exists`;
}

/** taskport's own. */
export function unknownDependencyMessage(taskId: string, dependencyId: string): string {
  return `task ${taskId} depends on ${dependencyId}, which is not an automation of its environment`;
}

/** taskport's own. */
export function dependencyCycleMessage(taskId: string): string {
  return `dependency cycle through task ${taskId}`;
}

/** taskport's own. */
export function executionFinishedMessage(id: string): string {
  return `task execution ${id} has already finished`;
}

/** taskport's own: a durable fake restarted while the execution ran (state.ts). */
export function executionRestartedMessage(): string {
  return 'the taskport fake restarted while this execution ran; its steps did not finish';
}
