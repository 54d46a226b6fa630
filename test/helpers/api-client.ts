import { createTRPCClient, httpLink, TRPCClientError } from '@trpc/client';
import type { AppRouter } from '@valore/server/trpc/root';

/** A tRPC client over real HTTP that keeps its own cookie, like one browser. */
export function createApiClient(baseUrl: string, extraHeaders: Record<string, string> = {}) {
  const jar = new Map<string, string>();
  const cookieHeader = () => [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
  const fetchWithCookies: typeof fetch = async (input, init) => {
    const headers = new Headers(init?.headers);
    if (jar.size) headers.set('cookie', cookieHeader());
    for (const [k, v] of Object.entries(extraHeaders)) headers.set(k, v);
    const response = await fetch(input, { ...init, headers });
    for (const line of response.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const eq = pair?.indexOf('=') ?? -1;
      if (!pair || eq < 0) continue;
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      if (/max-age=0|expires=thu, 01 jan 1970/i.test(line) || value === '') jar.delete(name);
      else jar.set(name, value);
    }
    return response;
  };
  const trpc = createTRPCClient<AppRouter>({
    links: [httpLink({ url: `${baseUrl}/trpc`, fetch: fetchWithCookies })],
  });
  return {
    trpc,
    jar,
    cookieHeader,
    fetch: fetchWithCookies,
    async login(username: string, password = 'demo') {
      return trpc.auth.login.mutate({ username, password });
    },
  };
}

export type ApiClient = ReturnType<typeof createApiClient>;

/** A client signed in as `username` (the demo's password), as most API tests start. */
export async function signedInClient(baseUrl: string, username: string): Promise<ApiClient> {
  const client = createApiClient(baseUrl);
  await client.login(username);
  return client;
}

/** The tRPC error of a failed call, for assertions on code and domain code. */
export async function trpcError(promise: Promise<unknown>): Promise<TRPCClientError<AppRouter>> {
  try {
    await promise;
  } catch (error) {
    return asTrpcError(error);
  }
  throw new Error('expected the call to fail, it succeeded');
}

/** The tRPC error a call already failed with; anything else is rethrown as it is. */
export function asTrpcError(error: unknown): TRPCClientError<AppRouter> {
  if (error instanceof TRPCClientError) return error as TRPCClientError<AppRouter>;
  throw error;
}
