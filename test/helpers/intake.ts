import { TEST_INTAKE_KEY } from './server';

/**
 * `POST /api/v1/callback-requests` with the test intake key, as the web and app backends send a Call Me Back / Call Me
 * Now: the one place tests build that request (the answer is returned as is, for the test to check).
 */
export function postCallbackRequest(
  server: { url: string },
  body: Record<string, unknown>,
  headers: Record<string, string> = {},
): Promise<Response> {
  return fetch(`${server.url}/api/v1/callback-requests`, {
    method: 'POST',
    headers: { authorization: `Bearer ${TEST_INTAKE_KEY}`, 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
}

/** A Call Me Now for a known customer from the web (or as `extra` says), the request most queue tests start from. */
export function postCallMeNow(
  server: { url: string },
  customer: { id: number; phone: string },
  extra: Record<string, unknown> = {},
): Promise<Response> {
  return postCallbackRequest(server, {
    phone: customer.phone,
    customerId: String(customer.id),
    product: 'CONTO',
    mode: 'now',
    channel: 'web',
    ...extra,
  });
}
