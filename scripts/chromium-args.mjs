// The flags headless Chromium runs with here, for the browser tests
// (test/browser/chromium.ts) and scripts/screenshot-ui.mjs: no sandbox (CI
// runs as root), and none of the background connections that this
// machine's closed network refuses.
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
