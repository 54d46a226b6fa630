import { HISTORY_TERMS } from '@valore/shared/reference/history-terms';
import { PRODUCT_CATALOGUE } from '@valore/shared/reference/products';
import {
  customerHistoryInput,
  type CustomerCard,
  type CustomerHistoryInput,
  type HistoryEntry,
} from '@valore/shared/schemas/customers';
import { screen, waitFor, within } from '@testing-library/react';
import { http, HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';
import { i18n } from '../../../app/i18n';
import { server, users } from '../../../test/msw';
import { renderApp } from '../../../test/render-app';
import { birthDateText, maskedBirthDate } from '../birth-date';
import en from '../locales/en.json';
import it_ from '../locales/it.json';

/**
 * The customer card in the console: the date of birth masked until revealed (customers.reveal 'birthDate'), the
 * history with its search and notes revealed on request (customers.history), the search results' look-alike details,
 * and a product the customer holds shown disabled where the script asks for the need.
 */

const catalogue = PRODUCT_CATALOGUE.map((p) => ({
  code: p.code,
  family: p.family,
  businessUnit: p.businessUnit,
  name: p.name,
  outcomes: [...p.outcomes],
}));

const card: CustomerCard = {
  id: 42,
  firstName: 'Maria',
  lastName: 'Bianchi',
  city: 'Torino',
  provinceCode: 'TO',
  provinceName: 'Torino',
  birthYear: 1958,
  phoneMasked: '+39 ••• ••• •567',
  emailMasked: 'm•••@example.it',
  taxCodeMasked: 'BNC•••••••••••7K',
  holdings: [{ productCode: 'CONTO', since: '2015-03-01' }],
  consents: [],
  marketingConsent: true,
  onOptOutRegistry: false,
  recentInteractions: [],
};

/** Four entries of a history; the mock server pages them by two and filters them by `q` over the words it is given. */
const HISTORY: { entry: HistoryEntry; words: string; note?: string }[] = [
  {
    entry: {
      kind: 'note',
      key: 'note:contact:9',
      at: '2026-12-01T10:05:00.000Z',
      source: 'contact',
      authorName: 'Alessandro Villa',
      text: null,
    },
    words: 'nota',
    note: 'Preferisce essere chiamata di sera',
  },
  {
    entry: {
      kind: 'contact',
      key: 'contact:9',
      at: '2026-12-01T10:00:00.000Z',
      flow: 'inbound_sales',
      outcome: 'lead',
      productCode: 'FIBRA',
      operatorName: 'Alessandro Villa',
    },
    words: 'contatto lead fibra per la casa',
  },
  {
    entry: {
      kind: 'appointment',
      key: 'appointment:3',
      at: '2026-11-20T09:00:00.000Z',
      productCode: 'LIBRETTO',
      postOfficeName: 'Torino Centro',
      postOfficeCity: 'Torino',
      slotStartsAt: '2026-11-25T09:30:00.000Z',
      status: 'attended',
    },
    words: 'appuntamento libretto torino centro presentato',
  },
  {
    entry: {
      kind: 'consent',
      key: 'consent:5',
      at: '2026-10-01T08:00:00.000Z',
      purpose: 'marketing',
      channel: 'any',
      granted: false,
      source: 'web',
    },
    words: 'consenso marketing revocato',
  },
];

type Procedure = (input: unknown) => unknown;

/** The API at the network boundary: every procedure of a (batched) tRPC request answered from `procedures`. */
function api(procedures: Record<string, Procedure>) {
  return http.all('*/trpc/:paths', async ({ request, params }) => {
    const names = String(params.paths).split(',');
    const raw =
      request.method === 'GET' ? new URL(request.url).searchParams.get('input') : JSON.stringify(await request.json());
    const inputs = (raw ? JSON.parse(raw) : {}) as Record<string, unknown>;
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
        return { result: { data: procedure(inputs[String(i)]) } };
      }),
    );
  });
}

function consoleApi(calls: { history: CustomerHistoryInput[]; reveals: unknown[] }) {
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
        phoneMasked: card.phoneMasked,
        taxCodeMasked: card.taxCodeMasked,
        birthYear: 1958,
        lastContactAt: '2026-12-01T10:00:00.000Z',
      },
      {
        id: 43,
        name: 'Maria Bianchi',
        provinceCode: 'TO',
        city: 'Torino',
        phoneMasked: '+39 ••• ••• •890',
        taxCodeMasked: 'BNC•••••••••••2Q',
        birthYear: 1991,
        lastContactAt: null,
      },
    ],
    'customers.card': () => card,
    'customers.startContact': (input: unknown) => ({
      customerId: (input as { customerId: number }).customerId,
      reason: 'inbound_call',
      grantedAt: new Date().toISOString(),
      expiresAt: new Date(Date.now() + 30 * 60_000).toISOString(),
    }),
    'customers.reveal': (input: unknown) => {
      calls.reveals.push(input);
      return { field: 'birthDate', value: '1958-03-07' };
    },
    'customers.history': (input: unknown) => {
      // what the console sends must be what the server takes
      const asked = customerHistoryInput.parse(input);
      calls.history.push(asked);
      const words = (asked.q ?? '').toLowerCase().split(/\s+/).filter(Boolean);
      const matching = HISTORY.filter((h) =>
        words.every((w) => `${h.words} ${asked.revealNotes ? (h.note ?? '') : ''}`.includes(w)),
      );
      // the cursor is the last entry's time and key, as the server makes it
      const start = asked.cursor ? matching.findIndex((h) => `${h.entry.at}~${h.entry.key}` === asked.cursor) + 1 : 0;
      const page = matching.slice(start, start + 2);
      const items = page.map((h) =>
        h.entry.kind === 'note' && asked.revealNotes ? { ...h.entry, text: h.note ?? null } : h.entry,
      );
      const more = matching.length > start + 2;
      const last = page.at(-1)?.entry;
      return {
        items,
        nextCursor: more && last ? `${last.at}~${last.key}` : null,
        notesRevealed: asked.revealNotes,
        hasNotes: true,
      };
    },
  } satisfies Record<string, Procedure>;
}

/** Signs in as an operator, finds "Bianchi", opens the first look-alike: the card opens with its history. */
async function openCard() {
  const calls = { history: [] as CustomerHistoryInput[], reveals: [] as unknown[] };
  server.use(api(consoleApi(calls)));
  const { user } = renderApp('/console');
  await screen.findByTestId('home-operator');
  await user.type(screen.getByRole('searchbox', { name: /Cerca cliente/ }), 'Bianchi');
  const results = await screen.findByRole('list', { name: 'Clienti trovati' });
  return { user, calls, results };
}

describe('the customer search tells look-alikes apart', () => {
  it('shows each one’s birth year with day and month masked, the masked tax code and the last contact', async () => {
    const { results } = await openCard();
    const [first, second] = within(results).getAllByRole('button');
    expect(first?.textContent).toContain('BNC•••••••••••7K');
    expect(first?.textContent).toContain('nascita ••/••/1958');
    expect(first?.textContent).toMatch(/ultimo contatto 1 dic 2026/);
    expect(second?.textContent).toContain('nascita ••/••/1991');
    expect(second?.textContent).toContain('mai contattato');
  });
});

describe('the customer card', () => {
  async function openMaria() {
    const opened = await openCard();
    await opened.user.click(within(opened.results).getAllByRole('button')[0] as HTMLElement);
    const region = await screen.findByRole('region', { name: 'Scheda cliente' });
    await within(region).findByText('Maria Bianchi');
    return { ...opened, region };
  }

  it('shows the date of birth masked, and in full once revealed (the reveal names the field)', async () => {
    const { user, calls, region } = await openMaria();
    expect(within(region).getByText('••/••/1958')).toBeTruthy();
    expect(within(region).queryByText('07/03/1958')).toBeNull();
    await user.click(within(region).getByRole('button', { name: /Mostra Data di nascita/ }));
    await within(region).findByText('07/03/1958');
    expect(calls.reveals).toEqual([{ customerId: 42, field: 'birthDate' }]);
    await user.click(within(region).getByRole('button', { name: /Nascondi Data di nascita/ }));
    expect(within(region).getByText('••/••/1958')).toBeTruthy();
  });

  it('lists the history newest first, searches it on the server, reveals notes on request and shows more', async () => {
    const { user, calls, region } = await openMaria();
    const history = () => within(region).getByRole('list', { name: /voc/ });
    await within(region).findByRole('list', { name: '2 voci' });
    expect(calls.history[0]).toMatchObject({ customerId: 42, revealNotes: false });
    expect(calls.history[0]?.q).toBeUndefined();
    // the note is masked, the contact reads its outcome, product, flow and operator
    const [note, contact] = within(history()).getAllByRole('listitem');
    expect(note?.textContent).toContain('Testo nascosto');
    expect(contact?.textContent).toContain('Lead · Fibra per la casa');
    expect(contact?.textContent).toContain('Inbound commerciale · Alessandro Villa');

    // "Mostra altri" fetches the next page after the last entry shown
    await user.click(within(region).getByRole('button', { name: 'Mostra altri' }));
    await within(region).findByRole('list', { name: '4 voci' });
    expect(calls.history.at(-1)?.cursor).toBe('2026-12-01T10:00:00.000Z~contact:9');
    expect(within(history()).getAllByRole('listitem')[3]?.textContent).toContain(
      'Marketing (Tutti i canali): Revocato',
    );
    expect(within(region).queryByRole('button', { name: 'Mostra altri' })).toBeNull();

    // the search goes to the server and the list shows what it answered
    await user.type(within(region).getByRole('searchbox', { name: 'Cerca nello storico' }), 'torino');
    await waitFor(() => expect(calls.history.at(-1)).toMatchObject({ q: 'torino', revealNotes: false }));
    await within(region).findByRole('list', { name: '1 voce' });
    expect(within(history()).getByRole('listitem').textContent).toContain('Torino Centro, Torino');
    expect(within(history()).getByRole('listitem').textContent).toContain('Presentato');

    // a masked note's words are not searched; revealed, they are
    await user.clear(within(region).getByRole('searchbox', { name: 'Cerca nello storico' }));
    await user.type(within(region).getByRole('searchbox', { name: 'Cerca nello storico' }), 'sera');
    await waitFor(() => expect(calls.history.at(-1)).toMatchObject({ q: 'sera', revealNotes: false }));
    await within(region).findByText(/Nessuna voce corrisponde a «sera». Le note nascoste non sono cercate/);
    // the notes can be asked for right there, and the same search then finds the note
    await user.click(within(region).getByRole('button', { name: /Mostra note \(testo in chiaro/ }));
    await waitFor(() => expect(calls.history.at(-1)).toMatchObject({ q: 'sera', revealNotes: true }));
    await within(region).findByRole('list', { name: '1 voce' });
    expect(within(history()).getByRole('listitem').textContent).toContain('Preferisce essere chiamata di sera');
    // back to the whole history, notes in clear
    await user.clear(within(region).getByRole('searchbox', { name: 'Cerca nello storico' }));
    await waitFor(() => expect(calls.history.at(-1)?.q).toBeUndefined());
    expect(calls.history.at(-1)).toMatchObject({ revealNotes: true });
    await within(region).findByText('Preferisce essere chiamata di sera');
    expect(within(region).queryByText('Testo nascosto')).toBeNull();
  });

  it('shows a product the customer holds disabled, "già posseduto", where the script asks for the need', async () => {
    const { user } = await openMaria();
    await screen.findByRole('heading', { level: 3, name: 'Identificazione' });
    await user.keyboard('1');
    await screen.findByRole('heading', { level: 3, name: 'Bisogno' });
    await user.keyboard('1');
    const product = await screen.findByRole('combobox', { name: /Prodotto/ });
    const options = within(product).getAllByRole<HTMLOptionElement>('option');
    const conto = options.find((o) => o.value === 'CONTO');
    expect(conto?.disabled).toBe(true);
    expect(conto?.textContent).toBe('Conto corrente — già posseduto');
    expect(options.find((o) => o.value === 'FIBRA')?.disabled).toBe(false);
  });
});

describe('dates of birth and the history’s words', () => {
  it('masks day and month in the layout of the operator’s language, and shows the full date in it', () => {
    expect(maskedBirthDate(1958, 'it')).toBe('••/••/1958');
    expect(birthDateText('1958-03-07', 'it')).toBe('07/03/1958');
    expect(maskedBirthDate(1958, 'en')).toBe('••/••/1958');
    expect(birthDateText('1958-12-31', 'en')).toBe('31/12/1958');
  });

  it('names outcomes and flows as the console does, so the server’s search matches the words shown', () => {
    for (const [lang, texts] of [
      ['it', it_],
      ['en', en],
    ] as const) {
      for (const [code, term] of Object.entries(HISTORY_TERMS.outcomes)) {
        expect(term[lang], `${lang} outcomes.${code}`).toBe(texts.outcomes[code as keyof typeof texts.outcomes]);
      }
      for (const [code, term] of Object.entries(HISTORY_TERMS.flows)) {
        expect(term[lang], `${lang} flows.${code}`).toBe(texts.flows[code as keyof typeof texts.flows]);
      }
    }
    expect(i18n.language).toBe('it');
  });
});
