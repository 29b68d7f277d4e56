/**
 * `GET /_taskport/ui`: the dashboard's one page. Its script and style are
 * inline (client-bundle.ts, built from client/), so the fake serves it with
 * no other file and no CDN. The Content-Security-Policy lets only those two
 * run (by their hashes) and talk only to this origin: if a journal body
 * ever slipped into the page as HTML, its scripts would still not run.
 * `frame-ancestors 'none'` keeps another site from framing the controls.
 */

import { TRIGGER_KEYS } from '../../api/ona/schema.ts';
import {
  CLIENT_SCRIPT,
  CLIENT_SCRIPT_SHA256,
  CLIENT_STYLE,
  CLIENT_STYLE_SHA256,
} from './client-bundle.ts';

/** The page's Content-Security-Policy. */
export const PAGE_CSP = [
  "default-src 'none'",
  `script-src 'sha256-${CLIENT_SCRIPT_SHA256}'`,
  `style-src 'sha256-${CLIENT_STYLE_SHA256}'`,
  "connect-src 'self'",
  'img-src data:',
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

const TRIGGER_OPTIONS = TRIGGER_KEYS.map((key) => `<option>${key}</option>`).join('');

/** The page's skeleton; the script fills its sections from the snapshot stream. */
const PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="data:,">
<title>taskport fake</title>
<style>${CLIENT_STYLE}</style>
</head>
<body>
<header>
<h1>taskport fake</h1>
<label>namespace <select id="namespace"></select></label>
<span id="clock-now"></span><span id="clock-kind"></span>
<span id="stream-status"></span>
<form id="token-form" hidden><label>control token <input id="token-input" type="password" autocomplete="off"></label><button>Use</button></form>
</header>
<main>
<section class="wide" id="controls-section">
<h2>Controls</h2>
<form id="advance-form"><label>advance the clock by <input id="advance-ms" type="number" min="0" step="100" value="5000"> ms</label><button id="advance-button">Advance</button><button id="idle-button" type="button">Run until idle</button><button id="reset-button" type="button" class="danger">Reset</button></form>
<form id="script-form"><label>script an outcome for <select id="script-dialect"></select></label><input id="script-task" list="task-names" placeholder="task name" required><datalist id="task-names"></datalist><textarea id="script-outcome" aria-label="outcome (JSON, or an array of outcomes)"></textarea><button>Script</button></form>
<form id="trigger-form"><label>fire a trigger <select id="trigger-dialect"></select></label><input id="trigger-target" required><select id="trigger-kind" hidden>${TRIGGER_OPTIONS}</select><button>Fire</button></form>
<div id="action-status"></div>
</section>
<section class="wide"><h2>Tasks</h2><div id="tasks"></div></section>
<section><h2>Buffer windows</h2><div id="windows"></div></section>
<section><h2>Newest events</h2><div id="events"></div></section>
<section class="wide"><h2>Executions</h2><div id="executions"></div></section>
<section class="wide"><h2>Journal <span id="journal-count"></span></h2><div id="journal"></div></section>
</main>
<script>${CLIENT_SCRIPT}</script>
</body>
</html>
`;

/** The dashboard page. */
export function dashboardPage(): Response {
  return new Response(PAGE, {
    headers: {
      'content-type': 'text/html; charset=utf-8',
      'content-security-policy': PAGE_CSP,
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
    },
  });
}
