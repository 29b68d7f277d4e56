/**
 * The fake server (not implemented yet): this entry point exports nothing
 * until the fake server lands.
 *
 * @module
 */

export {};
