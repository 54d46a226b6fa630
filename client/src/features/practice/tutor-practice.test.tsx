import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';
import type { PersonaSummary, PracticeContactSummary, PracticeProgressOutput } from '@valore/shared/schemas/practice';
import { AppProviders } from '../../app/providers';
import { server, users } from '../../test/msw';
import { TutorPractice } from './tutor-practice';

type Procedure = (input: unknown) => unknown;

/** A procedure's refusal, as the server's errorFormatter shapes it. */
class Refusal {
  constructor(readonly data: Record<string, unknown>) {}
}

/** The API as the panel sees it: answers every procedure of a (batched) tRPC request from `procedures`. */
function api(procedures: Record<string, Procedure>, calls: Record<string, unknown[]>) {
  return http.all('*/trpc/:paths', async ({ request, params }) => {
    const names = String(params.paths).split(',');
    const raw =
      request.method === 'GET'
        ? (new URL(request.url).searchParams.get('input') ?? '{}')
        : JSON.stringify(await request.json());
    const inputs = JSON.parse(raw) as Record<string, unknown>;
    const entries = names.map((name, i) => {
      const input = inputs[String(i)];
      (calls[name] ??= []).push(input);
      const answer = procedures[name]?.(input) ?? new Refusal({ code: 'NOT_FOUND', httpStatus: 404, path: name });
      if (answer instanceof Refusal) return { error: { message: 'refused', code: -32600, data: answer.data } };
      return { result: { data: answer } };
    });
    const status = entries.every((e) => 'result' in e) ? 200 : names.length === 1 ? 400 : 207;
    return HttpResponse.json(entries, { status });
  });
}

const persona = (id: PersonaSummary['id'], it: string, en: string): PersonaSummary => ({
  id,
  name: { it, en },
  description: { it: `Descrizione di ${it}`, en: `About ${en}` },
  age: [30, 40],
  products: [],
  holds: [],
});
const PERSONAS = [
  persona('price_sensitive_pensioner', 'Pensionata attenta al prezzo', 'Price-sensitive pensioner'),
  persona('young_digital', 'Giovane digitale', 'Young digital'),
];
const LEARNERS = [
  { userId: 11, name: 'Anna Bianchi', siteId: 1 },
  { userId: 12, name: 'Marco Rossi', siteId: 1 },
];

const renderPanel = () => {
  const user = userEvent.setup();
  return { user, ...render(<TutorPractice />, { wrapper: AppProviders }) };
};

describe('the tutor’s "Assegna esercitazioni"', () => {
  it('names what is missing, then sends the choices once and refreshes the progress', async () => {
    const calls: Record<string, unknown[]> = {};
    const sets: PracticeProgressOutput['sets'] = [];
    server.use(
      api(
        {
          'auth.me': () => users.tutor,
          'practice.learners': () => LEARNERS,
          'practice.personas': () => PERSONAS,
          'practice.progress': () => ({ sets }),
          'practice.assign': () => ({
            setId: 5,
            assignments: LEARNERS.map((l, i) => ({ assignmentId: 50 + i, userId: l.userId })),
          }),
        },
        calls,
      ),
    );
    const { user } = renderPanel();
    const form = await screen.findByRole('form', { name: 'Assegna esercitazioni' });
    await screen.findByText('Nessuna esercitazione assegnata finora.');
    await within(form).findByRole('checkbox', { name: 'Anna Bianchi' });
    await user.clear(within(form).getByRole('spinbutton', { name: 'Esercitazioni per operatore' }));
    await user.click(within(form).getByRole('button', { name: 'Assegna' }));

    expect((await within(form).findByRole('alert')).textContent).toBe('Correggi i campi segnalati.');
    const nameField = within(form).getByRole('textbox', { name: "Nome dell'esercitazione" });
    expect(nameField.getAttribute('aria-invalid')).toBe('true');
    await screen.findByText("Dai un nome all'esercitazione (al massimo 120 caratteri).");
    for (const message of [
      'Scegli almeno un operatore attivo.',
      'Scegli almeno uno script pubblicato.',
      'Scegli almeno un cliente simulato.',
      'Indica un numero intero da 1 a 100.',
    ])
      within(form).getByText(message);
    expect(document.activeElement).toBe(nameField);
    expect(calls['practice.assign']).toBeUndefined();

    // by keyboard: the name, "select all", a script and a persona with Space, the count
    await user.keyboard('Consenso e obiezioni');
    const all = within(form).getByRole('checkbox', { name: 'Seleziona tutti gli operatori' });
    all.focus();
    await user.keyboard(' ');
    expect(within(form).getByRole<HTMLInputElement>('checkbox', { name: 'Marco Rossi' }).checked).toBe(true);
    within(form).getByRole('checkbox', { name: 'Inbound commerciale' }).focus();
    await user.keyboard(' ');
    const young = within(form).getByRole('checkbox', { name: 'Giovane digitale' });
    expect(young.getAttribute('aria-describedby')).toBeTruthy();
    young.focus();
    await user.keyboard(' ');
    within(form).getByRole('spinbutton', { name: 'Esercitazioni per operatore' }).focus();
    await user.keyboard('3');
    await user.click(within(form).getByRole('button', { name: 'Assegna' }));

    expect((await within(form).findByRole('status')).textContent).toBe(
      'Esercitazione «Consenso e obiezioni» assegnata a 2 operatori.',
    );
    expect(calls['practice.assign']).toHaveLength(1);
    const sent = calls['practice.assign']?.[0] as { requestId: string };
    expect(sent).toEqual({
      requestId: sent.requestId,
      name: 'Consenso e obiezioni',
      userIds: [11, 12],
      scripts: [{ flow: 'inbound_sales' }],
      personaIds: ['young_digital'],
      count: 3,
      dueDate: null,
    });
    expect(sent.requestId).toMatch(/^[0-9a-f-]{36}$/);
    // the form starts again empty and the progress is read again
    expect(within(form).getByRole<HTMLInputElement>('textbox', { name: "Nome dell'esercitazione" }).value).toBe('');
    await expect.poll(() => calls['practice.progress']?.length).toBe(2);
  });

  it('shows the server’s field refusal next to the field and retries with the same request id', async () => {
    const calls: Record<string, unknown[]> = {};
    server.use(
      api(
        {
          'auth.me': () => users.tutor,
          'practice.learners': () => LEARNERS,
          'practice.personas': () => PERSONAS,
          'practice.progress': () => ({ sets: [] }),
          'practice.assign': () =>
            new Refusal({
              code: 'BAD_REQUEST',
              httpStatus: 400,
              path: 'practice.assign',
              domainCode: 'VALIDATION',
              zodError: { formErrors: [], fieldErrors: { 'scripts.0.version': ['Not published'] } },
            }),
        },
        calls,
      ),
    );
    const { user } = renderPanel();
    const form = await screen.findByRole('form', { name: 'Assegna esercitazioni' });
    await user.type(within(form).getByRole('textbox', { name: "Nome dell'esercitazione" }), 'Richiamate');
    await user.click(await within(form).findByRole('checkbox', { name: 'Anna Bianchi' }));
    await user.click(within(form).getByRole('checkbox', { name: 'Call Me Back / Now' }));
    await user.click(within(form).getByRole('checkbox', { name: 'Pensionata attenta al prezzo' }));
    await user.click(within(form).getByRole('button', { name: 'Assegna' }));

    const scripts = within(form).getByRole('group', { name: 'Script' });
    await within(scripts).findByText('Scegli almeno uno script pubblicato.');
    await expect
      .poll(() => document.activeElement)
      .toBe(within(scripts).getByRole('checkbox', { name: 'Campagna outbound' }));
    await user.click(within(form).getByRole('button', { name: 'Assegna' }));
    await expect.poll(() => calls['practice.assign']?.length).toBe(2);
    const [first, again] = (calls['practice.assign'] ?? []) as { requestId: string }[];
    expect(again?.requestId).toBe(first?.requestId);
  });
});

describe('the practice progress', () => {
  it('shows each set’s operators with done of required and their state in words; a team lead cannot assign', async () => {
    const calls: Record<string, unknown[]> = {};
    const sets: PracticeProgressOutput['sets'] = [
      {
        setId: 3,
        name: 'Obiezioni sul prezzo',
        scripts: [{ flow: 'campaign' }, { flow: 'inbound_sales', version: '1.0.0' }],
        personaIds: ['price_sensitive_pensioner'],
        count: 4,
        dueDate: '2001-03-31',
        createdAt: '2001-03-01T09:00:00.000Z',
        createdBy: 'Laura Conti',
        operators: [
          {
            name: 'Anna Bianchi',
            siteId: 1,
            assignmentId: 30,
            userId: 11,
            done: 1,
            required: 4,
            averageScore: 72.5,
            lastAt: '2001-03-02T10:00:00.000Z',
          },
          {
            name: 'Marco Rossi',
            siteId: 1,
            assignmentId: 31,
            userId: 12,
            done: 4,
            required: 4,
            averageScore: 90,
            lastAt: '2001-03-03T10:00:00.000Z',
          },
        ],
      },
    ];
    server.use(
      api(
        {
          'auth.me': () => users.teamLead,
          'practice.personas': () => PERSONAS,
          'practice.progress': () => ({ sets }),
        },
        calls,
      ),
    );
    renderPanel();
    const table = await screen.findByRole('table', { name: 'Avanzamento degli operatori: Obiezioni sul prezzo' });
    const rows = within(table).getAllByRole('row').slice(1);
    const cells = (row: HTMLElement | undefined) =>
      within(row as HTMLElement)
        .getAllByRole('cell')
        .map((c) => c.textContent);
    within(rows[0] as HTMLElement).getByRole('rowheader', { name: 'Anna Bianchi' });
    expect(cells(rows[0]).slice(0, 3)).toEqual(['1 di 4', 'In ritardo (25%)', '72,5']);
    expect(cells(rows[1]).slice(0, 3)).toEqual(['4 di 4', 'Completata', '90,0']);
    const set = screen.getByRole('region', { name: 'Obiezioni sul prezzo' });
    within(set).getByText('Campagna outbound, Inbound commerciale 1.0.0');
    within(set).getByText('Pensionata attenta al prezzo');
    within(set).getByText('scaduta');
    within(set).getByText('4 esercitazioni');
    expect(screen.queryByRole('form')).toBeNull();
    screen.getByText('Le esercitazioni sono assegnate dai tutor della sede.');
    expect(calls['practice.learners']).toBeUndefined();
  });
});

describe('the tutor’s scorecard of a practice contact', () => {
  it('opens an operator’s contacts of the set, asks for a rating and saves the scorecard', async () => {
    const calls: Record<string, unknown[]> = {};
    let scorecard: PracticeContactSummary['scorecard'] = null;
    const contact = (): PracticeContactSummary => ({
      practiceId: 70,
      userId: 11,
      flow: 'campaign',
      version: '1.0.0',
      personaId: 'young_digital',
      seed: 21,
      assignmentId: 30,
      startedAt: '2001-03-02T09:55:00.000Z',
      endedAt: '2001-03-02T10:00:00.000Z',
      outcome: 'lead',
      totalScore: 72,
      score: null,
      scorecard,
    });
    server.use(
      api(
        {
          'auth.me': () => users.tutor,
          'practice.learners': () => LEARNERS,
          'practice.personas': () => PERSONAS,
          'practice.progress': () => ({
            sets: [
              {
                setId: 3,
                name: 'Obiezioni sul prezzo',
                scripts: [{ flow: 'campaign' }],
                personaIds: ['young_digital'],
                count: 2,
                dueDate: null,
                createdAt: '2001-03-01T09:00:00.000Z',
                createdBy: 'Giulia Ferri',
                operators: [
                  {
                    name: 'Anna Bianchi',
                    siteId: 1,
                    assignmentId: 30,
                    userId: 11,
                    done: 1,
                    required: 2,
                    averageScore: 72,
                    lastAt: '2001-03-02T10:00:00.000Z',
                  },
                ],
              },
            ],
          }),
          'practice.contacts': () => [contact()],
          'practice.scorecard': (input) => {
            const i = input as { scores: Record<string, number>; overall: number; comments: string | null };
            scorecard = {
              scorecardId: 1,
              practiceId: 70,
              tutorId: 50,
              tutorName: 'Giulia Ferri',
              savedAt: '2001-03-03T10:00:00.000Z',
              ...i,
            };
            return scorecard;
          },
        },
        calls,
      ),
    );
    const { user } = renderPanel();
    const open = await screen.findByRole('button', {
      name: 'Esercitazioni di Anna Bianchi per «Obiezioni sul prezzo»',
    });
    await user.click(open);
    const heading = await screen.findByRole('heading', { name: 'Esercitazioni di Anna Bianchi: Obiezioni sul prezzo' });
    expect(document.activeElement).toBe(heading);
    expect(calls['practice.contacts']?.[0]).toEqual({ userId: 11, setId: 3 });
    const rate = await screen.findByRole('button', { name: /^Valuta l'esercitazione del / });
    expect(within(rate.closest('tr') as HTMLElement).getByText('Da valutare')).toBeTruthy();
    await user.click(rate);
    const form = await screen.findByRole('form', { name: /^Valutazione dell'esercitazione del / });
    await user.click(within(form).getByRole('button', { name: 'Salva la valutazione' }));
    expect((await within(form).findByRole('alert')).textContent).toBe('Valuta almeno un criterio.');

    // by keyboard: arrows choose in each group ("Non valutato" first, then 1–5)
    within(within(form).getByRole('group', { name: 'Passi dello script' }))
      .getByRole('radio', { name: 'Non valutato' })
      .focus();
    await user.keyboard('{ArrowRight}{ArrowRight}{ArrowRight}{ArrowRight}');
    within(within(form).getByRole('group', { name: 'Consenso' }))
      .getByRole('radio', { name: 'Non valutato' })
      .focus();
    await user.keyboard('{ArrowRight}{ArrowRight}{ArrowRight}{ArrowRight}{ArrowRight}');
    await user.click(within(form).getByRole('button', { name: 'Salva la valutazione' }));
    expect((await within(form).findByRole('alert')).textContent).toBe('Scegli il voto complessivo.');
    within(within(form).getByRole('group', { name: 'Voto complessivo' }))
      .getByRole('radio', { name: '1' })
      .focus();
    await user.keyboard('{ArrowRight}{ArrowRight}{ArrowRight}');
    await user.type(
      within(form).getByRole('textbox', { name: "Commento per l'operatore (facoltativo)" }),
      'Bene il consenso.',
    );
    await user.click(within(form).getByRole('button', { name: 'Salva la valutazione' }));

    expect((await screen.findByRole('status')).textContent).toBe('Valutazione salvata.');
    const sent = calls['practice.scorecard']?.[0] as { requestId: string };
    expect(sent).toEqual({
      requestId: sent.requestId,
      practiceId: 70,
      scores: { steps: 4, consent: 5 },
      overall: 4,
      comments: 'Bene il consenso.',
    });
    expect(screen.queryByRole('form', { name: /^Valutazione dell'esercitazione/ })).toBeNull();
    await screen.findByText('Complessivo 4/5');
    expect(document.activeElement?.textContent).toBe('Modifica');
  });
});
