/**
 * The page's controls, each one control request: advance the clock (or
 * run until idle), reset, script an outcome, fire a trigger. Their answer
 * or error shows in the action line; the stream then brings the new state.
 */

import { control } from './api.ts';
import { byId, fill } from './dom.ts';

/** What a trigger means in each dialect: the request it sends for a target. */
const TRIGGERS: Readonly<
  Record<
    string,
    {
      readonly label: string;
      readonly placeholder: string;
      request(target: string, kind: string): readonly [string, unknown];
    }
  >
> = {
  cts: {
    label: 'register a Consul service (tasks watching it run)',
    placeholder: 'service name',
    request: (target) => ['/cts/services', { name: target }],
  },
  ona: {
    label: "fire an environment's trigger",
    placeholder: 'environment id',
    request: (target, kind) => [
      `/ona/environments/${encodeURIComponent(target)}/triggers`,
      { trigger: kind },
    ],
  },
  tfc: {
    label: 'start a run of a workspace',
    placeholder: 'workspace id',
    request: (target) => ['/tfc/runs', { workspaceId: target }],
  },
};

/** An outcome to start from, per dialect that scripts them. */
const OUTCOME_TEMPLATES: Readonly<Record<string, string>> = {
  cts: '{ "success": false, "error": "terraform apply failed" }',
  ona: '{ "kind": "fail", "message": "exit status 1" }',
};

/** Shows what the last action did. */
function report(text: string, failed: boolean): void {
  const line = byId('action-status');
  line.className = failed ? 'failed' : 'done';
  fill(line, text);
}

async function act(label: string, run: () => Promise<unknown>): Promise<void> {
  try {
    await run();
    report(label, false);
  } catch (error) {
    report(error instanceof Error ? error.message : String(error), true);
  }
}

function value(id: string): string {
  return (byId(id) as HTMLInputElement).value.trim();
}

function option(value: string, label: string): HTMLOptionElement {
  const element = document.createElement('option');
  element.value = value;
  element.textContent = label;
  return element;
}

/** Offers the served dialects in the script and trigger forms (once, from the first snapshot). */
export function offerDialects(names: readonly string[]): void {
  const script = byId('script-dialect') as HTMLSelectElement;
  const trigger = byId('trigger-dialect') as HTMLSelectElement;
  if (script.options.length > 0 || trigger.options.length > 0) return;
  for (const name of names) {
    if (OUTCOME_TEMPLATES[name] !== undefined) script.append(option(name, name));
    const meaning = TRIGGERS[name];
    if (meaning !== undefined) trigger.append(option(name, `${name}: ${meaning.label}`));
  }
  script.dispatchEvent(new Event('change'));
  trigger.dispatchEvent(new Event('change'));
}

/** Offers the tasks' names in the script form. */
export function offerTaskNames(names: readonly string[]): void {
  const list = byId('task-names');
  list.replaceChildren(...[...new Set(names)].map((name) => option(name, name)));
}

/** Wires every control to `namespace()`, the namespace the page looks at. */
export function wireControls(namespace: () => string): void {
  byId('advance-form').addEventListener('submit', (event) => {
    event.preventDefault();
    const ms = Number(value('advance-ms'));
    void act(`advanced the clock ${ms} ms`, () =>
      control(namespace(), 'POST', '/clock/advance', { ms }),
    );
  });
  byId('idle-button').addEventListener('click', () => {
    void act('ran until idle', () => control(namespace(), 'POST', '/when-idle', {}));
  });
  byId('reset-button').addEventListener('click', () => {
    void act('reset the fake', () => control(namespace(), 'POST', '/reset', {}));
  });

  const scriptDialect = byId('script-dialect') as HTMLSelectElement;
  scriptDialect.addEventListener('change', () => {
    (byId('script-outcome') as HTMLTextAreaElement).value =
      OUTCOME_TEMPLATES[scriptDialect.value] ?? '';
  });
  byId('script-form').addEventListener('submit', (event) => {
    event.preventDefault();
    const task = value('script-task');
    void act(`scripted the next run of ${task}`, async () => {
      let outcome: unknown;
      try {
        outcome = JSON.parse(value('script-outcome'));
      } catch {
        throw new Error('The outcome is not JSON.');
      }
      await control(namespace(), 'POST', `/${scriptDialect.value}/outcomes`, {
        task,
        outcomes: Array.isArray(outcome) ? outcome : [outcome],
      });
    });
  });

  const triggerDialect = byId('trigger-dialect') as HTMLSelectElement;
  triggerDialect.addEventListener('change', () => {
    const meaning = TRIGGERS[triggerDialect.value];
    (byId('trigger-target') as HTMLInputElement).placeholder = meaning?.placeholder ?? '';
    byId('trigger-kind').hidden = triggerDialect.value !== 'ona';
  });
  byId('trigger-form').addEventListener('submit', (event) => {
    event.preventDefault();
    const meaning = TRIGGERS[triggerDialect.value];
    if (meaning === undefined) return;
    const [path, body] = meaning.request(value('trigger-target'), value('trigger-kind'));
    void act(`fired: ${meaning.label}`, () => control(namespace(), 'POST', path, body));
  });
}
