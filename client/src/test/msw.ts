import type { DomainErrorCode } from '@valore/shared/errors';
import type { LoginInput, SessionUser } from '@valore/shared/schemas/auth';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';

type BatchEntry =
  { result: { data: unknown } } | { error: { message: string; code: number; data: Record<string, unknown> } };

/**
 * Answers for batched GETs (`/trpc/auth.me,monitor.myStatus?batch=1`), which single-path handlers don't match.
 * Helpers such as `meSignedInAs` register here too; a procedure nobody registered answers NOT_FOUND, so a
 * feature under test degrades instead of hanging. Cleared after each test.
 */
const batchAnswers = new Map<string, () => BatchEntry>();
export function resetBatchAnswers() {
  batchAnswers.clear();
}
const notFound = (path: string): BatchEntry => ({
  error: {
    message: 'Not mocked',
    code: -32004,
    data: { code: 'NOT_FOUND', httpStatus: 404, path, domainCode: 'NOT_FOUND', zodError: null },
  },
});
const batchHandler = http.get('*/trpc/:paths', ({ params }) => {
  const paths = String(params.paths).split(',');
  const entries = paths.map((path) => batchAnswers.get(path)?.() ?? notFound(path));
  const statuses = entries.map((e) => ('error' in e ? Number(e.error.data.httpStatus) : 200));
  const status = statuses.every((s) => s === statuses[0]) ? (statuses[0] ?? 200) : 207;
  return HttpResponse.json(entries, { status });
});

/** The page itself answers a HEAD (the console asks it before loading the script chunk: script-slot.tsx). */
const pageHandler = http.head('*/', () => new HttpResponse(null, { status: 200 }));

/** The API as the client sees it, mocked at the network boundary. */
export const server = setupServer(batchHandler, pageHandler);

type TrpcErrorCode = 'UNAUTHORIZED' | 'FORBIDDEN' | 'BAD_REQUEST' | 'TOO_MANY_REQUESTS' | 'INTERNAL_SERVER_ERROR';

const JSON_RPC_CODES: Record<TrpcErrorCode, number> = {
  BAD_REQUEST: -32600,
  UNAUTHORIZED: -32001,
  FORBIDDEN: -32003,
  TOO_MANY_REQUESTS: -32029,
  INTERNAL_SERVER_ERROR: -32603,
};
const HTTP_STATUS: Record<TrpcErrorCode, number> = {
  BAD_REQUEST: 400,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  TOO_MANY_REQUESTS: 429,
  INTERNAL_SERVER_ERROR: 500,
};

/** A batched tRPC error answer, shaped like the server's errorFormatter output. */
export function trpcError(path: string, code: TrpcErrorCode, domainCode: DomainErrorCode | null, message = 'Error') {
  const httpStatus = HTTP_STATUS[code];
  return HttpResponse.json(
    [{ error: { message, code: JSON_RPC_CODES[code], data: { code, httpStatus, path, domainCode, zodError: null } } }],
    { status: httpStatus },
  );
}

/** A mocked procedure: its input gives the answer, or a `Refusal` for the server's error. */
export type MockProcedure = (input: unknown) => unknown;

/** What a mocked procedure returns to answer with a server error (NOT_FOUND, with this domain code) instead of data. */
export class Refusal {
  constructor(readonly domainCode: string) {}
}

const notMocked = (path: string, domainCode = 'NOT_FOUND') => ({
  error: {
    message: domainCode === 'NOT_FOUND' ? `no mock for ${path}` : 'refused',
    code: -32004,
    data: { code: 'NOT_FOUND', httpStatus: 404, path, domainCode },
  },
});

/**
 * The API as a page sees it, at the network boundary: every procedure of a (batched) tRPC request, query or mutation,
 * answered from `procedures` with its own input. One nobody mocked answers NOT_FOUND, so the parts of a page not under
 * test show their own error and the part under test goes on.
 */
export function mockProcedures(procedures: Record<string, MockProcedure>) {
  return http.all('*/trpc/:paths', async ({ request, params }) => {
    const names = String(params.paths).split(',');
    const raw =
      request.method === 'GET'
        ? (new URL(request.url).searchParams.get('input') ?? '{}')
        : JSON.stringify(await request.json());
    const inputs = JSON.parse(raw) as Record<string, unknown>;
    return HttpResponse.json(
      names.map((name, i) => {
        const procedure = procedures[name];
        if (!procedure) return notMocked(name);
        const answer = procedure(inputs[String(i)]);
        return answer instanceof Refusal ? notMocked(name, answer.domainCode) : { result: { data: answer } };
      }),
    );
  });
}

export function trpcResult(data: unknown) {
  return HttpResponse.json([{ result: { data } }]);
}

export const users = {
  operator: { id: 1, username: 'operatore1', displayName: 'Alessandro Villa', role: 'operator', siteId: 1 },
  tutor: { id: 50, username: 'tutor1', displayName: 'Giulia Ferri', role: 'tutor', siteId: 1 },
  teamLead: { id: 60, username: 'teamlead1', displayName: 'Marco Rinaldi', role: 'team_lead', siteId: 1 },
  admin: { id: 99, username: 'admin', displayName: 'Amministratore', role: 'admin', siteId: null },
} satisfies Record<string, SessionUser>;

export const meSignedOut = () => {
  batchAnswers.set('auth.me', () => ({
    error: {
      message: 'You are not signed in.',
      code: JSON_RPC_CODES.UNAUTHORIZED,
      data: { code: 'UNAUTHORIZED', httpStatus: 401, path: 'auth.me', domainCode: 'SESSION_EXPIRED', zodError: null },
    },
  }));
  return http.get('*/trpc/auth.me', () =>
    trpcError('auth.me', 'UNAUTHORIZED', 'SESSION_EXPIRED', 'You are not signed in.'),
  );
};

export const meSignedInAs = (user: SessionUser) => {
  batchAnswers.set('auth.me', () => ({ result: { data: user } }));
  return http.get('*/trpc/auth.me', () => trpcResult(user));
};

/** Reads the first call of a batched tRPC POST body: `{"0": input}`. */
async function batchedInput(request: Request): Promise<unknown> {
  const body: unknown = await request.json();
  return typeof body === 'object' && body !== null && '0' in body ? body[0] : undefined;
}

/** Login that accepts only `password` for the given users; records what it received. */
export function loginAccepting(accounts: SessionUser[], password = 'demo') {
  const received: { input: unknown; contentType: string | null }[] = [];
  const handler = http.post('*/trpc/auth.login', async ({ request }) => {
    const input = await batchedInput(request);
    received.push({ input, contentType: request.headers.get('content-type') });
    const { username, password: given } = (input ?? {}) as Partial<LoginInput>;
    const user = accounts.find((account) => account.username === username);
    if (!user || given !== password) {
      return trpcError('auth.login', 'UNAUTHORIZED', 'INVALID_CREDENTIALS', 'Wrong username or password.');
    }
    return trpcResult({ user });
  });
  return { handler, received };
}

/** A throttled sign-in; with `retryAfterSeconds`, the wait the server asks for (as the real server sends it). */
export const loginRateLimited = (retryAfterSeconds: number | null = null) =>
  http.post('*/trpc/auth.login', () =>
    HttpResponse.json(
      [
        {
          error: {
            message: 'Too many attempts.',
            code: JSON_RPC_CODES.TOO_MANY_REQUESTS,
            data: {
              code: 'TOO_MANY_REQUESTS',
              httpStatus: 429,
              path: 'auth.login',
              domainCode: 'RATE_LIMITED',
              zodError: null,
              retryAfterSeconds,
            },
          },
        },
      ],
      { status: 429 },
    ),
  );

export const logoutOk = () => http.post('*/trpc/auth.logout', () => trpcResult({ ok: true }));
