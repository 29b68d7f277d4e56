/**
 * Serving taskport's Hono apps on Node (not implemented yet): this entry
 * point exports nothing until the fake server lands.
 *
 * @module
 */

export {};
