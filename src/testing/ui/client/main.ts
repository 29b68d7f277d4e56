/**
 * The dashboard's script: picks a namespace, follows its snapshot stream,
 * draws it, and wires the controls. Bundled into the page by
 * scripts/build-ui.mjs.
 */

import { ControlRequestError, namespaces, setControlToken, takeTokenFromFragment } from './api.ts';
import { offerDialects, offerTaskNames, wireControls } from './controls.ts';
import { byId, fill } from './dom.ts';
import { render } from './render.ts';
import { followSnapshots } from './stream.ts';

let namespace = new URLSearchParams(location.search).get('namespace') ?? 'default';
let stop: (() => void) | undefined;

function streamStatus(text: string, state: 'connecting' | 'live' | 'failed'): void {
  const line = byId('stream-status');
  line.className = state;
  fill(line, text);
}

function follow(): void {
  stop?.();
  streamStatus('connecting…', 'connecting');
  stop = followSnapshots(namespace, {
    snapshot(snapshot) {
      streamStatus('live', 'live');
      byId('token-form').hidden = true;
      offerDialects(snapshot.dialects.map((dialect) => dialect.name));
      offerTaskNames(
        snapshot.dialects.flatMap((dialect) => dialect.tasks.map((task) => task.name)),
      );
      render(snapshot);
    },
    failed(status, message) {
      streamStatus(`disconnected (${message}); retrying`, 'failed');
      // 401: the fake wants a control token.
      if (status === 401) byId('token-form').hidden = false;
    },
  });
}

async function listNamespaces(): Promise<void> {
  const select = byId('namespace') as HTMLSelectElement;
  let names = ['default'];
  try {
    names = await namespaces();
  } catch (error) {
    if (error instanceof ControlRequestError && error.status === 401)
      byId('token-form').hidden = false;
  }
  if (!names.includes(namespace)) names.push(namespace);
  select.replaceChildren(
    ...names.map((name) => {
      const option = document.createElement('option');
      option.value = name;
      option.textContent = name;
      option.selected = name === namespace;
      return option;
    }),
  );
}

takeTokenFromFragment();
wireControls(() => namespace);
byId('namespace').addEventListener('change', (event) => {
  namespace = (event.target as HTMLSelectElement).value;
  const url = new URL(location.href);
  url.searchParams.set('namespace', namespace);
  history.replaceState(null, '', url.pathname + url.search);
  follow();
});
byId('namespace').addEventListener('focus', () => void listNamespaces());
byId('token-form').addEventListener('submit', (event) => {
  event.preventDefault();
  setControlToken((byId('token-input') as HTMLInputElement).value.trim());
  void listNamespaces();
  follow();
});
void listNamespaces();
follow();
