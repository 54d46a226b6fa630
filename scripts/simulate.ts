/**
 * Traffic simulator for demos: drives the public intake and CTI APIs like a web backend, an app backend and a
 * telephony platform would.
 *
 *   npm run simulate -- --url http://localhost:3000 --key demo-intake-key --rate 5 --seconds 120
 *
 * --rate        new activities per second (a callback request or the start of an inbound call); default 2
 * --seconds     stop after this long (default: run until Ctrl+C)
 * --operators   who receives the calls: "operatore1,operatore2" or a range "operatore1-44" (default 1-44)
 * --calls       share of activities that are inbound calls, 0..1 (default 0.5)
 *
 * Callback requests mix Call Me Now and Call Me Back (slots inside the service calendar), web and app, real
 * catalogue products (GET /api/v1/products), and phone numbers of which part follow the demo seed's pattern and so
 * belong to demo customers. Some requests are sent twice with the same Idempotency-Key, as a retrying backend
 * would. Inbound calls go offered → answered → ended (some are abandoned) on both numbers, 800100100 (sales) and
 * 800200200 (assistance). A line per second shows the counts; 429 answers are honoured (Retry-After).
 */
import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import { isWithinServiceCalendar } from '@valore/shared/time/service-calendar';

const { values: args } = parseArgs({
  options: {
    url: { type: 'string', default: 'http://localhost:3000' },
    key: { type: 'string', default: 'demo-intake-key' },
    rate: { type: 'string', default: '2' },
    seconds: { type: 'string' },
    operators: { type: 'string', default: 'operatore1-44' },
    calls: { type: 'string', default: '0.5' },
  },
  strict: true,
});

function fail(message: string): never {
  console.error(`simulate: ${message}`);
  process.exit(1);
}

const baseUrl = (args.url ?? '').replace(/\/$/, '');
const rate = Number(args.rate);
const seconds = args.seconds === undefined ? null : Number(args.seconds);
const callShare = Number(args.calls);
if (!Number.isFinite(rate) || rate <= 0 || rate > 500)
  fail('--rate is the number of new activities per second (0 < rate ≤ 500)');
if (seconds !== null && (!Number.isFinite(seconds) || seconds <= 0)) fail('--seconds must be a positive number');
if (!Number.isFinite(callShare) || callShare < 0 || callShare > 1) fail('--calls is a share between 0 and 1');

function operatorList(spec: string): string[] {
  const range = /^([a-z]+)(\d+)-(\d+)$/i.exec(spec.trim());
  if (range) {
    const [, prefix = '', from = '1', to = '1'] = range;
    return Array.from({ length: Math.max(0, Number(to) - Number(from) + 1) }, (_, i) => `${prefix}${Number(from) + i}`);
  }
  return spec
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}
const operators = operatorList(args.operators ?? '');
if (operators.length === 0) fail('--operators names no operator');

// ---- randomness that looks like real traffic ----

const pick = <T>(items: readonly T[]): T => items[Math.floor(Math.random() * items.length)] as T;
const chance = (p: number) => Math.random() < p;
const int = (min: number, max: number) => min + Math.floor(Math.random() * (max - min + 1));

/** The demo seed gives customer i the number +39 3xx then the last seven digits of 1,000,000 + 17·i. */
const DEMO_PREFIXES = ['20', '28', '33', '35', '38', '40', '45', '47', '49', '66', '71', '89'];
const DEMO_CUSTOMERS = 50_000;

function phoneNumber(): string {
  const digits = chance(0.8)
    ? `3${pick(DEMO_PREFIXES)}${String(1_000_000 + int(0, DEMO_CUSTOMERS - 1) * 17).slice(-7)}`
    : `3${pick(['20', '27', '29', '31', '34', '39', '42', '48', '51', '77', '92'])}${String(int(0, 9_999_999)).padStart(7, '0')}`;
  // people and backends write numbers in many ways
  return pick([
    `+39${digits}`,
    `+39 ${digits.slice(0, 3)} ${digits.slice(3, 6)} ${digits.slice(6)}`,
    digits,
    `0039${digits}`,
    `${digits.slice(0, 3)}-${digits.slice(3)}`,
  ]);
}

/** A slot in the next three days, on a quarter hour, inside the service calendar. */
function callbackSlot(now: Date): string {
  for (let i = 0; i < 50; i++) {
    const t = new Date(now.getTime() + int(30, 3 * 24 * 60) * 60_000);
    t.setUTCMinutes(Math.floor(t.getUTCMinutes() / 15) * 15, 0, 0);
    if (isWithinServiceCalendar(t)) return t.toISOString();
  }
  return new Date(now.getTime() + 24 * 3_600_000).toISOString();
}

const NOTES = [
  'Preferisce essere chiamato in mattinata',
  'Vuole informazioni sui costi',
  'Ha già un conto, chiede della carta',
  'Richiesta dalla pagina offerte',
  'Cliente interessato alla promozione',
];

// ---- HTTP ----

interface Stats {
  callbacks: number;
  now: number;
  scheduled: number;
  retries: number;
  sameIdOnRetry: number;
  callsStarted: number;
  callsEnded: number;
  ctiEvents: number;
  limited: number;
  rejected: number;
  errors: number;
}
const total: Stats = {
  callbacks: 0,
  now: 0,
  scheduled: 0,
  retries: 0,
  sameIdOnRetry: 0,
  callsStarted: 0,
  callsEnded: 0,
  ctiEvents: 0,
  limited: 0,
  rejected: 0,
  errors: 0,
};
let lastErrors: string[] = [];

/** When a bucket answered 429, no request of that kind before this time. */
const pausedUntil = { intake: 0, cti: 0 };

async function send(kind: 'intake' | 'cti', path: string, body: unknown, headers: Record<string, string> = {}) {
  try {
    const response = await fetch(`${baseUrl}${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${args.key}`, 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(10_000),
    });
    const text = await response.text();
    if (response.status === 429) {
      total.limited++;
      pausedUntil[kind] = Date.now() + Number(response.headers.get('retry-after') ?? '1') * 1000;
      return null;
    }
    if (response.status === 401)
      fail(`the server refused the key "${args.key}" (401). Pass --key with a key from VALORE_INTAKE_KEYS.`);
    if (response.status >= 400) {
      total.rejected++;
      lastErrors = [...lastErrors, `${response.status} ${path}: ${text.slice(0, 200)}`].slice(-3);
      return null;
    }
    return JSON.parse(text) as Record<string, unknown>;
  } catch (error) {
    total.errors++;
    lastErrors = [...lastErrors, `${path}: ${error instanceof Error ? error.message : String(error)}`].slice(-3);
    return null;
  }
}

// ---- activities ----

const recent: { key: string; body: Record<string, unknown>; id: string }[] = [];

async function callbackRequest(products: string[]) {
  if (Date.now() < pausedUntil.intake) return;
  // a backend that timed out and tries again: same key, same body, and it must get the same id back
  if (recent.length > 0 && chance(0.08)) {
    const previous = pick(recent);
    const answer = await send('intake', '/api/v1/callback-requests', previous.body, {
      'idempotency-key': previous.key,
    });
    if (answer) {
      total.retries++;
      if (answer.id === previous.id) total.sameIdOnRetry++;
    }
    return;
  }
  const now = new Date();
  const scheduled = chance(0.4);
  const body: Record<string, unknown> = {
    phone: phoneNumber(),
    product: pick(products),
    mode: scheduled ? 'scheduled' : 'now',
    channel: chance(0.6) ? 'web' : 'app',
  };
  if (scheduled) body.preferredAt = callbackSlot(now);
  if (chance(0.3)) body.note = pick(NOTES);
  const key = randomUUID();
  const answer = await send('intake', '/api/v1/callback-requests', body, { 'idempotency-key': key });
  if (answer && typeof answer.id === 'string') {
    total.callbacks++;
    if (scheduled) total.scheduled++;
    else total.now++;
    recent.push({ key, body, id: answer.id });
    if (recent.length > 50) recent.shift();
  }
}

const activeCalls = new Map<string, { ani: string; dnis: string; operator: string; timer: NodeJS.Timeout | null }>();

async function ctiEvent(type: 'offered' | 'answered' | 'ended', callId: string) {
  const call = activeCalls.get(callId);
  if (!call) return;
  const answer = await send('cti', '/api/v1/cti/events', {
    type,
    callId,
    ani: call.ani,
    dnis: call.dnis,
    operator: call.operator,
  });
  if (answer) total.ctiEvents++;
}

function later(callId: string, ms: number, step: () => Promise<void>) {
  const call = activeCalls.get(callId);
  if (!call) return;
  call.timer = setTimeout(() => {
    call.timer = null;
    void step();
  }, ms);
}

async function inboundCall() {
  if (Date.now() < pausedUntil.cti) return;
  const callId = `sim-${randomUUID()}`;
  const call = {
    ani: chance(0.05) ? 'anonymous' : phoneNumber(),
    dnis: chance(0.55) ? '800100100' : '800200200',
    operator: pick(operators),
    timer: null,
  };
  activeCalls.set(callId, call);
  total.callsStarted++;
  await ctiEvent('offered', callId);
  const end = async () => {
    await ctiEvent('ended', callId);
    activeCalls.delete(callId);
    total.callsEnded++;
  };
  if (chance(0.12)) {
    later(callId, int(3, 8) * 1000, end); // the caller hung up while it rang
    return;
  }
  later(callId, int(1, 4) * 1000, async () => {
    await ctiEvent('answered', callId);
    later(callId, int(8, 40) * 1000, end);
  });
}

// ---- main loop ----

async function main() {
  let products: string[];
  try {
    const response = await fetch(`${baseUrl}/api/v1/products`, {
      headers: { authorization: `Bearer ${args.key}` },
      signal: AbortSignal.timeout(5_000),
    });
    if (response.status === 401)
      fail(`the server refused the key "${args.key}" (401). Pass --key with a key from VALORE_INTAKE_KEYS.`);
    if (!response.ok) fail(`GET /api/v1/products answered ${response.status}`);
    products = ((await response.json()) as { code: string }[]).map((p) => p.code);
  } catch (error) {
    fail(
      `cannot reach ${baseUrl} (${error instanceof Error ? error.message : String(error)}). Is the server running (npm start)?`,
    );
  }
  if (products.length === 0) fail('the catalogue is empty');

  console.log(
    `Simulating ${rate}/s against ${baseUrl} (${products.length} products, ${operators.length} operators, ` +
      `${Math.round(callShare * 100)}% calls)${seconds === null ? '; Ctrl+C stops' : ` for ${seconds} s`}.`,
  );

  const started = Date.now();
  let previous: Stats = { ...total };
  let stopping = false;
  const spread = setInterval(
    () => {
      if (stopping) return;
      void (chance(callShare) ? inboundCall() : callbackRequest(products));
    },
    Math.max(2, Math.round(1000 / rate)),
  );
  const report = setInterval(() => {
    const t = Math.round((Date.now() - started) / 1000);
    const d = (k: keyof Stats) => total[k] - previous[k];
    console.log(
      `[${String(t).padStart(4)}s] callbacks +${d('callbacks')} (total ${total.callbacks}: now ${total.now}, scheduled ${total.scheduled}; ` +
        `retries ${total.retries}, same id ${total.sameIdOnRetry})  cti +${d('ctiEvents')} events (calls ${total.callsStarted} started, ` +
        `${activeCalls.size} live)  429 ${total.limited}  rejected ${total.rejected}  errors ${total.errors}`,
    );
    if (d('rejected') + d('errors') > 0) for (const line of lastErrors) console.log(`        ${line}`);
    previous = { ...total };
    if (seconds !== null && t >= seconds) void stop();
  }, 1000);

  async function stop() {
    if (stopping) return;
    stopping = true;
    clearInterval(spread);
    clearInterval(report);
    // hang up the calls still going, so no console keeps a phantom call
    const hangUps = [...activeCalls.entries()].map(async ([callId, call]) => {
      if (call.timer) clearTimeout(call.timer);
      await ctiEvent('ended', callId);
      activeCalls.delete(callId);
    });
    await Promise.race([Promise.all(hangUps), new Promise((resolve) => setTimeout(resolve, 3_000))]);
    console.log(
      `Done: ${total.callbacks} callback requests (${total.now} now, ${total.scheduled} scheduled), ${total.retries} retries ` +
        `(${total.sameIdOnRetry} got the same id), ${total.callsStarted} calls, ${total.ctiEvents} CTI events, ` +
        `${total.limited} rate-limited, ${total.rejected} rejected, ${total.errors} errors.`,
    );
    process.exit(total.errors > 0 && total.callbacks + total.ctiEvents === 0 ? 1 : 0);
  }
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());
}

void main();
