/**
 * The `cts` dialect (not implemented yet): this entry point exports nothing
 * until its issue lands, so an import of it fails at type-check time rather
 * than pretending to serve the API.
 *
 * @module
 */

export {};
