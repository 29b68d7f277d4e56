/** Where the generated module lives. */
export declare const BUNDLE_PATH: string;
/** The text of src/testing/ui/client-bundle.ts, from the client sources as they are now. */
export declare function clientBundleModule(): Promise<string>;
