import { PRODUCT_CATALOGUE } from '@valore/shared/reference/products';
import type { CompleteInteractionInput } from '@valore/shared/schemas/interactions';
import type { CustomerCard } from '@valore/shared/schemas/customers';
import { screen, waitFor, within } from '@testing-library/react';
import { http, HttpResponse } from 'msw';
import { beforeAll, describe, expect, it } from 'vitest';
import { server, users } from '../../test/msw';
import { renderApp } from '../../test/render-app';
import type { CatalogueProduct } from '@valore/shared/schemas/catalogue';
import { serviceHalfHours } from '@valore/shared/time/service-calendar';
import { PENDING_STORAGE_KEY } from './hooks/pending-queue';

const catalogue: CatalogueProduct[] = PRODUCT_CATALOGUE.map((p) => ({
  code: p.code,
  family: p.family,
  businessUnit: p.businessUnit,
  name: p.name,
  grammar: { ...p.grammar, article: p.grammar.article ?? null },
  outcomes: [...p.outcomes],
}));

function card(marketingConsent: boolean): CustomerCard {
  return {
    id: 42,
    firstName: 'Maria',
    lastName: 'Bianchi',
    city: 'Torino',
    provinceCode: 'TO',
    provinceName: 'Torino',
    birthYear: 1970,
    phoneMasked: '+39 *** *** 4567',
    emailMasked: 'm***@example.it',
    taxCodeMasked: 'BNCMRA***',
    holdings: [{ productCode: 'LIBRETTO', since: '2015-03-01' }],
    consents: [],
    marketingConsent,
    onOptOutRegistry: false,
    recentInteractions: [],
  };
}

type Procedure = (input: unknown) => unknown;

/** Thrown by a mocked procedure: the server's refusal, shaped as its errorFormatter sends it. */
class Refusal extends Error {
  constructor(readonly error: { message: string; code: number; data: Record<string, unknown> }) {
    super(error.message);
  }
}

/**
 * The API as the console sees it: answers every procedure of a (batched) tRPC request from `procedures`.
 * `offline` makes the whole server unreachable for calls to the listed procedures.
 */
function api(procedures: Record<string, Procedure>, offline: { paths: Set<string> } = { paths: new Set() }) {
  return http.all('*/trpc/:paths', async ({ request, params }) => {
    const names = String(params.paths).split(',');
    if (names.some((n) => offline.paths.has(n))) return HttpResponse.error();
    let inputs: Record<string, unknown> = {};
    if (request.method === 'GET') {
      const raw = new URL(request.url).searchParams.get('input');
      inputs = raw ? (JSON.parse(raw) as Record<string, unknown>) : {};
    } else {
      inputs = (await request.json()) as Record<string, unknown>;
    }
    return HttpResponse.json(
      names.map((name, i) => {
        const procedure = procedures[name];
        if (!procedure) {
          return {
            error: {
              message: `no mock for ${name}`,
              code: -32004,
              data: { code: 'NOT_FOUND', httpStatus: 404, path: name, domainCode: 'NOT_FOUND' },
            },
          };
        }
        try {
          return { result: { data: procedure(inputs[String(i)]) } };
        } catch (refusal) {
          if (refusal instanceof Refusal) return { error: refusal.error };
          throw refusal;
        }
      }),
    );
  });
}

function operatorApi(opts: { consent: boolean; completed?: CompleteInteractionInput[] }) {
  const status = {
    userId: 1,
    state: 'ready',
    reason: null,
    since: new Date().toISOString(),
    flow: null,
    step: null,
    stepSince: null,
    interactionClientId: null,
    customerId: null,
  };
  return {
    'auth.me': () => users.operator,
    'monitor.myStatus': () => status,
    'monitor.setStatus': () => status,
    'scripts.catalogue': () => catalogue,
    'interactions.mine': () => [],
    'customers.search': () => [
      {
        id: 42,
        name: 'Maria Bianchi',
        provinceCode: 'TO',
        city: 'Torino',
        phoneMasked: '+39 *** *** 4567',
        taxCodeMasked: 'BNCMRA***',
        birthYear: 1970,
        lastContactAt: null,
      },
    ],
    'customers.card': () => card(opts.consent),
    // picking a customer from the search starts the contact on the server first (customers/access-policy.ts)
    'customers.startContact': (input: unknown) => ({
      customerId: (input as { customerId: number }).customerId,
      reason: 'inbound_call',
      grantedAt: new Date().toISOString(),
      expiresAt: new Date(Date.now() + 30 * 60_000).toISOString(),
    }),
    'interactions.complete': (input: unknown) => {
      const body = input as CompleteInteractionInput;
      opts.completed?.push(body);
      return {
        interactionId: 7,
        clientId: body.clientId,
        outcome: body.outcome,
        effects: {
          appointment: null,
          funnelLink: null,
          lead: { id: 3, followUpAt: '2030-01-01T09:00:00.000Z' },
          consentRecorded: false,
          optedOut: false,
          callbackAt: null,
        },
      };
    },
  } satisfies Record<string, Procedure>;
}

async function startContact(
  user: ReturnType<typeof renderApp>['user'],
  flow: 'Inbound commerciale' | 'Cross-sell dopo OCS',
) {
  await screen.findByTestId('home-operator');
  await user.click(screen.getByRole('radio', { name: new RegExp(flow) }));
  await user.keyboard('{Escape}');
  // "/" jumps to the customer search from anywhere outside a field.
  (document.activeElement as HTMLElement | null)?.blur();
  await user.keyboard('/');
  expect(document.activeElement).toBe(screen.getByRole('searchbox', { name: /Cerca cliente/ }));
  await user.keyboard('3331234567{Enter}');
  const result = await screen.findByRole('button', { name: /Maria Bianchi/ });
  await user.keyboard('{ArrowDown}');
  expect(document.activeElement).toBe(result);
  await user.keyboard('{Enter}');
  await screen.findByRole('heading', { level: 3, name: 'Identificazione' });
}

const choiceNames = () =>
  within(screen.getByRole('group', { name: 'Scelte possibili' }))
    .getAllByRole('button')
    .map((b) => b.textContent?.replace(/^\d/, '').trim());

describe('the operator console', () => {
  // the guided script is its own chunk (script-slot.tsx): transform it once here, not inside the first test's time
  beforeAll(async () => {
    await import('./components/script-panel');
  }, 30_000);

  it('offers only the choices the OCS script allows: no proposal before the problem is solved and the customer listens', async () => {
    server.use(api(operatorApi({ consent: false })));
    const { user } = renderApp('/console');
    await startContact(user, 'Cross-sell dopo OCS');

    expect(choiceNames()).toEqual(['Cliente identificato', 'Non idoneo', 'Opposizione (opt-out)']);
    await user.keyboard('1');
    await screen.findByRole('heading', { level: 3, name: 'Problema' });
    expect(choiceNames()).toEqual(['Problema risolto', 'Problema non risolto', 'Opposizione (opt-out)']);
    expect(choiceNames()).not.toContain('Bisogno individuato');

    await user.keyboard('1');
    await screen.findByRole('heading', { level: 3, name: 'Propensione' });
    expect(choiceNames()).toEqual(['Disponibile ad ascoltare', 'Non disponibile', 'Opposizione (opt-out)']);

    await user.keyboard('1');
    // No marketing consent on file: the script asks for it before any proposal.
    await screen.findByRole('heading', { level: 3, name: 'Consenso' });
    expect(choiceNames()).toEqual(['Consenso dato', 'Consenso negato', 'Opposizione (opt-out)']);
  });

  it('picks a choice with its number key and moves focus to the next step', async () => {
    server.use(api(operatorApi({ consent: true })));
    const { user } = renderApp('/console');
    await startContact(user, 'Inbound commerciale');
    expect(screen.getByRole('button', { name: /Cliente identificato/ }).getAttribute('aria-keyshortcuts')).toBe('1');
    await user.keyboard('1');
    const heading = await screen.findByRole('heading', { level: 3, name: 'Bisogno' });
    expect(document.activeElement).toBe(heading);
    expect(
      screen.getByRole('list', { name: 'Avanzamento dello script' }).querySelector('[aria-current="step"]')
        ?.textContent,
    ).toContain('Bisogno');
  });

  it('keeps an interaction completed while the server is unreachable and delivers it later with the same clientId', async () => {
    const completed: CompleteInteractionInput[] = [];
    const offline = { paths: new Set(['interactions.complete']) };
    server.use(api(operatorApi({ consent: true, completed }), offline));
    const { user } = renderApp('/console');
    await startContact(user, 'Inbound commerciale');

    await user.keyboard('1'); // customer identified
    await screen.findByRole('heading', { level: 3, name: 'Bisogno' });
    await user.keyboard('1'); // need identified: choose the product
    await user.selectOptions(screen.getByRole('combobox', { name: /Prodotto/ }), 'FIBRA');
    await user.click(screen.getByRole('button', { name: 'Conferma' }));
    await screen.findByRole('heading', { level: 3, name: 'Proposta' });
    await user.keyboard('1'); // accepted
    await screen.findByRole('heading', { level: 3, name: 'Chiusura' });
    await user.click(screen.getByRole('button', { name: /Crea lead/ }));
    await user.click(screen.getByRole('button', { name: 'Crea il lead' }));

    await screen.findByRole('heading', { name: 'Riepilogo del contatto' });
    await user.keyboard('{Control>}{Enter}{/Control}');

    await screen.findByRole('heading', { name: 'Esito salvato sul dispositivo' });
    const pending = await screen.findByTestId('pending-interactions');
    expect(within(pending).getByText('Maria Bianchi')).toBeTruthy();
    const stored = JSON.parse(window.localStorage.getItem(PENDING_STORAGE_KEY) ?? '[]') as {
      input: CompleteInteractionInput;
    }[];
    expect(stored).toHaveLength(1);
    expect(completed).toHaveLength(0);

    // The server answers again.
    offline.paths.clear();
    window.dispatchEvent(new Event('online'));
    await waitFor(() => expect(screen.queryByTestId('pending-interactions')).toBeNull());
    expect(completed).toHaveLength(1);
    expect(completed[0]?.clientId).toBe(stored[0]?.input.clientId);
    expect(completed[0]?.outcome).toBe('lead');
    expect(window.localStorage.getItem(PENDING_STORAGE_KEY)).toBeNull();
  });
  it('offers the free half-hours when the agreed callback time is full, and proposes the first one', async () => {
    const completed: CompleteInteractionInput[] = [];
    // three half-hours the picker offers, a few days on
    const free = serviceHalfHours(new Date(Date.now() + 3 * 86_400_000), 5)
      .slice(1, 4)
      .map((d) => d.toISOString());
    const base = operatorApi({ consent: true, completed });
    let refused = false;
    server.use(
      api({
        ...base,
        'interactions.complete': (input: unknown) => {
          if (!refused) {
            refused = true;
            throw new Refusal({
              message: 'The half-hour is full',
              code: -32009,
              data: {
                code: 'CONFLICT',
                httpStatus: 409,
                path: 'interactions.complete',
                domainCode: 'SLOT_FULL',
                zodError: null,
                retryAfterSeconds: null,
                alternatives: free,
              },
            });
          }
          return base['interactions.complete'](input);
        },
      }),
    );
    const { user } = renderApp('/console');
    await startContact(user, 'Inbound commerciale');
    await user.keyboard('1'); // customer identified
    await screen.findByRole('heading', { level: 3, name: 'Bisogno' });

    const agreeCallback = async () => {
      await user.click(screen.getByRole('button', { name: /Richiamare più tardi/ }));
      const time = await screen.findByRole('combobox', { name: /Ora/ });
      const chosen = (time as HTMLSelectElement).value;
      await user.click(screen.getByRole('button', { name: 'Conferma' }));
      await screen.findByRole('heading', { name: 'Riepilogo del contatto' });
      await user.keyboard('{Control>}{Enter}{/Control}');
      return chosen;
    };
    const first = await agreeCallback();
    expect(first).not.toBe('');
    // refused as full: back at the step, told why and which half-hours are still free
    const alert = await screen.findByText(/La fascia oraria scelta è piena/);
    const times = within(alert).getByTestId('free-times').textContent ?? '';
    expect(times).toMatch(/^Mezz'ore ancora libere: .+\. La prima è già proposta qui sotto\.$/);
    expect(times.split('; ')).toHaveLength(3);
    await screen.findByRole('heading', { level: 3, name: 'Bisogno' });

    // the form proposes the first free one; agreed, it goes out
    expect(await agreeCallback()).toBe(free[0]);
    await screen.findByRole('heading', { name: 'Esito registrato' });
    expect(completed).toHaveLength(1);
    expect(completed[0]?.events.at(-1)).toMatchObject({ type: 'callback.requested', callbackAt: free[0] });
  });
});
