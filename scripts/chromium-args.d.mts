/** The flags headless Chromium runs with in the browser tests and the screenshot script. */
export declare const CHROMIUM_ARGS: readonly string[];
