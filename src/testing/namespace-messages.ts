/**
 * The texts of the namespaces' refusals, in one place so the registry, the
 * routes, the docs and the tests share them. Each names what to do next.
 */

/** What a namespace name may be, as the refusal of a bad one says it. */
export const NAMESPACE_NAME_RULE =
  "1 to 63 lowercase letters, digits, '-' or '_', starting with a letter or a digit";

/** A namespace name outside {@link NAMESPACE_NAME_RULE}. */
export function invalidNamespaceNameMessage(name: string): string {
  return `taskport: invalid namespace name ${JSON.stringify(name)}: use ${NAMESPACE_NAME_RULE}.`;
}

/** A new namespace past the limit. */
export function namespaceLimitMessage(limit: number): string {
  return `taskport: this fake serves at most ${limit} namespaces besides the default; delete one (DELETE /_taskport/namespaces/<name>) or start the fake with a higher maxNamespaces (--max-namespaces).`;
}

/** The header and the path prefix name different namespaces. */
export function namespaceConflictMessage(header: string, prefix: string): string {
  return `taskport: the x-taskport-namespace header names ${JSON.stringify(header)} but the path names ${JSON.stringify(prefix)}; name one namespace.`;
}

/** A namespace the registry does not hold. */
export function unknownNamespaceMessage(name: string): string {
  return `taskport: no namespace ${JSON.stringify(name)}; GET /_taskport/namespaces lists them.`;
}

/** `DELETE` of the default namespace. */
export const MESSAGE_DEFAULT_NOT_DELETABLE =
  'taskport: the default namespace cannot be deleted; POST /_taskport/reset resets it.';

/** `PUT` of a namespace that exists with other options. */
export function namespaceExistsMessage(name: string): string {
  return `taskport: namespace ${JSON.stringify(name)} exists with other options; DELETE it first to create it anew.`;
}
