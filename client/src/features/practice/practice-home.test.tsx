import { screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { PracticeMineOutput } from '@valore/shared/schemas/practice';
import { PERSONAS } from '@valore/shared/training/personas';
import { mockProcedures, Refusal, server, users } from '../../test/msw';
import { renderApp } from '../../test/render-app';

const personas = PERSONAS.map((p) => ({
  id: p.id,
  name: p.name,
  description: p.description,
  age: [p.age[0], p.age[1]],
  products: [...p.products],
  holds: [...p.holds],
}));

const mine: PracticeMineOutput = {
  assignments: [
    {
      assignmentId: 7,
      setId: 3,
      name: 'Consenso e obiezioni',
      scripts: [{ flow: 'campaign' }, { flow: 'inbound_sales', version: '1.0.0' }],
      personaIds: ['price_sensitive_pensioner', 'young_digital'],
      count: 2,
      dueDate: '2099-03-31',
      assignedAt: '2026-12-01T09:00:00.000Z',
      done: 1,
      averageScore: 72.5,
    },
  ],
  contacts: [
    {
      practiceId: 41,
      userId: 1,
      flow: 'campaign',
      version: '1.0.0',
      personaId: 'price_sensitive_pensioner',
      seed: 42,
      assignmentId: 7,
      startedAt: '2026-12-02T10:00:00.000Z',
      endedAt: '2026-12-02T10:04:00.000Z',
      outcome: 'callback_scheduled',
      totalScore: 72,
      score: {
        total: 72,
        criteria: [
          { criterion: 'steps', points: 17, max: 25, reason: 'steps_rushed', steps: ['consent', 'proposal'] },
          { criterion: 'consent', points: 20, max: 20, reason: 'consent_asked' },
          { criterion: 'objections', points: 15, max: 20, reason: 'objections_partly_handled' },
          { criterion: 'value', points: 10, max: 25, reason: 'callback_agreed' },
          { criterion: 'time', points: 10, max: 10, reason: 'within_target' },
        ],
      },
      scorecard: {
        scorecardId: 5,
        practiceId: 41,
        tutorId: 50,
        tutorName: 'Giulia Ferri',
        scores: { consent: 5, objections: 3 },
        overall: 4,
        comments: 'Bene il consenso, lavora sulle obiezioni.',
        savedAt: '2026-12-02T11:00:00.000Z',
      },
    },
  ],
};

describe('the practice page of an operator', () => {
  it('lists my practice sets with the next contact, and my past contacts with their score, why, and the scorecard', async () => {
    server.use(
      mockProcedures({
        'auth.me': () => users.operator,
        'practice.mine': () => mine,
        'practice.personas': () => personas,
      }),
    );
    renderApp('/practice');
    await screen.findByRole('heading', { level: 1, name: 'Esercitazioni' });

    const sets = await screen.findByRole('table', { name: 'Esercitazioni assegnate a me' });
    const row = within(sets).getByRole('row', { name: /Consenso e obiezioni/ });
    expect(row.textContent).toContain('1 di 2');
    expect(row.textContent).toContain('31/03/2099');
    expect(row.textContent).toContain('72,5');
    // one done: the set's second script with its second persona comes next
    within(row).getByRole('button', {
      name: 'Inizia «Consenso e obiezioni»: Inbound commerciale con Giovane digitale',
    });

    // the new-practice form offers every flow and every persona, with its description
    const form = screen.getByRole('form', { name: 'Nuova esercitazione' });
    expect(
      within(form)
        .getAllByRole('option')
        .map((o) => o.textContent),
    ).toEqual(['Campagna outbound', 'Inbound commerciale', 'Cross-sell dopo OCS', 'Call Me Back / Now']);
    expect(within(form).getAllByRole('radio')).toHaveLength(PERSONAS.length);

    const history = screen.getByRole('table', { name: 'Le mie esercitazioni svolte, dalla più recente' });
    const contact = within(history).getAllByRole('row')[1];
    if (!contact) throw new Error('one contact listed');
    expect(contact.textContent).toContain('Campagna outbound 1.0.0');
    expect(contact.textContent).toContain('Pensionata attenta al prezzo');
    expect(contact.textContent).toContain('Richiamata fissata');
    expect(contact.textContent).toContain('Complessivo 4/5 — Giulia Ferri');
    expect(contact.textContent).toContain('Consenso 5/5 · Obiezioni 3/5');
    expect(contact.textContent).toContain('Bene il consenso, lavora sulle obiezioni.');
    const criteria = within(contact).getByRole('list', { name: 'Criteri del punteggio' });
    expect(
      within(criteria)
        .getAllByRole('listitem')
        .map((li) => li.textContent),
    ).toEqual([
      'Passi dello script17/25Passi saltati o troppo rapidi (meno di 3 secondi): Consenso, Proposta.',
      'Consenso20/20Hai chiesto il consenso marketing prima della proposta.',
      'Obiezioni15/20Hai superato le obiezioni solo in parte.',
      'Valore10/25Hai concordato una richiamata.',
      'Tempo10/10Entro il tempo obiettivo dello script.',
    ]);
    expect(within(contact).getByText('72/100')).toBeTruthy();
  });

  it('starts a new practice with a customer number, and says why the server refused it', async () => {
    const started: unknown[] = [];
    server.use(
      mockProcedures({
        'auth.me': () => users.operator,
        'practice.mine': () => ({ assignments: [], contacts: [] }),
        'practice.personas': () => personas,
        'practice.start': (input) => {
          started.push(input);
          return new Refusal('NOT_FOUND');
        },
      }),
    );
    const { user } = renderApp('/practice');
    const form = await screen.findByRole('form', { name: 'Nuova esercitazione' });
    await within(form).findAllByRole('radio');
    // (jsdom's select does not move on arrows: the e2e test chooses the script by keyboard)
    await user.selectOptions(within(form).getByRole('combobox', { name: 'Script' }), 'campaign');
    await user.tab(); // into the personas
    await user.keyboard(' {ArrowDown}'); // the second one
    expect(within(form).getByRole<HTMLInputElement>('radio', { name: /Professionista di corsa/ }).checked).toBe(true);
    await user.click(within(form).getByText('Opzioni avanzate'));
    const seed = within(form).getByRole('textbox', { name: 'Numero del cliente (facoltativo)' });
    await user.type(seed, '12a');
    await user.keyboard('{Enter}');
    expect(seed.getAttribute('aria-invalid')).toBe('true');
    expect(started).toEqual([]);
    await user.clear(seed);
    await user.type(seed, '42{Enter}');
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toBe("Esercitazione non iniziataL'elemento richiesto non esiste o è stato rimosso.");
    expect(started).toHaveLength(1);
    expect(started[0]).toMatchObject({ flow: 'campaign', personaId: 'busy_professional', seed: 42 });
    expect((started[0] as { requestId: string }).requestId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('shows a team lead no practice of their own (they do not practise)', async () => {
    server.use(
      mockProcedures({
        'auth.me': () => users.teamLead,
        'practice.mine': () => mine,
        'practice.personas': () => personas,
        'practice.progress': () => ({ sets: [] }),
      }),
    );
    renderApp('/practice');
    await screen.findByRole('heading', { level: 1, name: 'Esercitazioni' });
    expect(screen.queryByRole('form', { name: 'Nuova esercitazione' })).toBeNull();
    expect(screen.queryByRole('table', { name: 'Esercitazioni assegnate a me' })).toBeNull();
  });
});
