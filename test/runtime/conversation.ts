/**
 * The core cases as a scripted conversation. CTS: create a task, list, read,
 * inspect, status, a catalog change, `/_taskport/clock/advance` past the
 * buffer period, the run's event, delete. Then a few calls to each other
 * dialect's mount (tfc's JSON:API with a token, ona's Connect JSON). Played
 * against any `fetch`-like subject, it gives a transcript that compares byte
 * for byte once the random ids and the virtual clock's wall-clock start are
 * normalised.
 */

/** Sends one request to the subject (a base URL's `fetch`, or `app.request`). */
export type Send = (path: string, init: RequestInit) => Promise<Response>;

/** One exchange of the conversation. */
export interface Exchange {
  readonly request: string;
  readonly status: number;
  readonly contentType: string | null;
  /** The body with ids and times replaced by placeholders. */
  readonly body: string;
}

interface Step {
  readonly method: string;
  readonly path: string;
  /** A JSON value, or a raw string sent as JSON. */
  readonly body?: unknown;
  readonly headers?: Readonly<Record<string, string>>;
}

const ENVIRONMENT = '0d5e8f7a-0000-4000-8000-000000000001';
const TFC_TOKEN = { authorization: 'Bearer runtime-token' };
const ONA = '/api/gitpod.v1.EnvironmentAutomationService';
const ONA_TOKEN = { authorization: 'Bearer runtime' };

const TASK = {
  task: {
    name: 'web',
    module: './modules/web',
    description: 'the web tier',
    condition: { services: { names: ['api'] } },
  },
};

/** The conversation, in order. */
export const CORE_STEPS: readonly Step[] = [
  { method: 'GET', path: '/v1/health' },
  { method: 'GET', path: '/_taskport/clock' },
  { method: 'POST', path: '/v1/tasks', body: TASK },
  { method: 'POST', path: '/v1/tasks', body: TASK },
  { method: 'POST', path: '/v1/tasks', body: '{"task": ' },
  { method: 'GET', path: '/v1/tasks' },
  { method: 'GET', path: '/v1/tasks/web' },
  { method: 'GET', path: '/v1/tasks/nope' },
  { method: 'PATCH', path: '/v1/tasks/web?run=inspect', body: { enabled: true } },
  { method: 'GET', path: '/v1/status' },
  { method: 'GET', path: '/v1/status/tasks/web?include=events' },
  {
    method: 'POST',
    path: '/_taskport/cts/services',
    body: { name: 'api', id: 'api-1', address: '10.0.0.7', port: 8080 },
  },
  // Half of CTS's default 5 s buffer period: nothing runs yet.
  { method: 'POST', path: '/_taskport/clock/advance', body: { ms: 2_500 } },
  { method: 'GET', path: '/v1/status/tasks/web?include=events' },
  { method: 'POST', path: '/_taskport/clock/advance', body: { ms: 2_500 } },
  { method: 'POST', path: '/_taskport/wait-for-idle' },
  { method: 'GET', path: '/v1/status/tasks/web?include=events' },
  { method: 'GET', path: '/v1/status' },
  { method: 'GET', path: '/_taskport/clock' },
  { method: 'PATCH', path: '/v1/tasks/web', body: { enabled: false } },
  { method: 'GET', path: '/v1/status/tasks?status=unknown' },
  { method: 'DELETE', path: '/v1/tasks/web' },
  { method: 'POST', path: '/_taskport/wait-for-idle' },
  { method: 'GET', path: '/v1/tasks/web' },
  { method: 'GET', path: '/v1/nowhere' },
  { method: 'GET', path: '/_taskport/journal?method=POST&path=/v1/tasks' },

  // tfc: service discovery, a token and an organization made through the control API.
  { method: 'GET', path: '/.well-known/terraform.json' },
  { method: 'GET', path: '/api/v2/organizations/acme/tasks' },
  { method: 'POST', path: '/_taskport/tfc/organizations', body: { name: 'acme' } },
  { method: 'POST', path: '/_taskport/tfc/tokens', body: { token: 'runtime-token' } },
  { method: 'GET', path: '/api/v2/organizations/acme/tasks', headers: TFC_TOKEN },
  { method: 'GET', path: '/api/v2/organizations/nope/tasks', headers: TFC_TOKEN },

  // ona: Connect JSON over POST, with an environment made through the control API.
  { method: 'POST', path: `${ONA}/ListTasks`, body: {} },
  { method: 'POST', path: '/_taskport/ona/environments', body: { id: ENVIRONMENT, name: 'dev' } },
  {
    method: 'POST',
    path: `${ONA}/CreateTask`,
    body: { environmentId: ENVIRONMENT, metadata: { reference: 'build', name: 'Build' } },
    headers: ONA_TOKEN,
  },
  {
    method: 'POST',
    path: `${ONA}/ListTasks`,
    body: { filter: { environmentIds: [ENVIRONMENT] } },
    headers: ONA_TOKEN,
  },
  { method: 'POST', path: `${ONA}/NoSuchMethod`, body: {}, headers: ONA_TOKEN },
];

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g;
const ISO_TIME = /\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,9})?(Z|[+-]\d\d:\d\d)/g;
/** Epoch milliseconds (`nowMs`, `createdAtMs`…): 12 digits and more. */
const EPOCH_MS = /"(\w+)":\d{12,}/g;

/** Replaces what differs between two runs of the same conversation. */
export function normalise(body: string, origin: string): string {
  return body
    .replaceAll(origin, '<origin>')
    .replace(UUID, '<uuid>')
    .replace(ISO_TIME, '<time>')
    .replace(EPOCH_MS, '"$1":<ms>');
}

/**
 * Plays the conversation against `send`, whose URLs start with `origin`;
 * the transcript, and the raw bodies by step.
 */
export async function playCore(
  send: Send,
  origin: string,
): Promise<{ transcript: Exchange[]; raw: string[] }> {
  const transcript: Exchange[] = [];
  const raw: string[] = [];
  for (const step of CORE_STEPS) {
    const headers: Record<string, string> = { ...step.headers };
    const init: RequestInit = { method: step.method, headers };
    if (step.body !== undefined) {
      init.body = typeof step.body === 'string' ? step.body : JSON.stringify(step.body);
      headers['content-type'] = 'application/json';
    }
    const response = await send(step.path, init);
    const text = await response.text();
    raw.push(text);
    transcript.push({
      request: `${step.method} ${step.path}`,
      status: response.status,
      contentType: response.headers.get('content-type'),
      body: normalise(text, origin),
    });
  }
  return { transcript, raw };
}

/** A send over HTTP to a listening server. */
export function httpSend(baseUrl: string): Send {
  return (path, init) =>
    fetch(`${baseUrl}${path}`, { ...init, signal: AbortSignal.timeout(10_000) });
}
