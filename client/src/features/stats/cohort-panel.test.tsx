import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { CohortInput, CohortOutput, CohortSubjectsOutput } from '@valore/shared/schemas/training';
import type { CohortEffect } from '@valore/shared/training/cohort';
import { mockProcedures, server, users } from '../../test/msw';
import { renderApp } from '../../test/render-app';

const subjects: CohortSubjectsOutput = [
  { kind: 'practice_set', id: 4, name: 'Obiezioni sul prezzo', createdAt: '2026-10-01T08:00:00.000Z' },
  { kind: 'course', id: 1, name: 'Assistenza al valore', createdAt: '2022-11-07T09:00:00.000Z' },
];

const effect = (
  before: [number, number],
  after: [number, number],
  difference: CohortEffect['difference'],
  operators = 12,
): CohortEffect => ({
  operators,
  before: { value: before[0], handled: before[1], rate: before[0] / before[1], low: 0, high: 0.2 },
  after: { value: after[0], handled: after[1], rate: after[0] / after[1], low: 0.1, high: 0.4 },
  difference,
});

function cohort(input: CohortInput, total: CohortEffect, pending = 0): CohortOutput {
  const set = input.practiceSetId !== undefined;
  return {
    courseId: set ? null : (input.courseId ?? null),
    subject: set
      ? { kind: 'practice_set', id: input.practiceSetId ?? 0, name: 'Obiezioni sul prezzo' }
      : { kind: 'course', id: input.courseId ?? 0, name: 'Assistenza al valore' },
    trainerIs: set ? 'set_author' : 'session_trainer',
    days: input.days,
    total,
    bySite: [{ siteId: 1, siteName: 'Roma Eur', ...total }],
    byTrainer: [{ trainer: 'Giulia Ferri', ...total }],
    pending,
  };
}

const better = effect([7, 70], [29, 90], { estimate: 0.2222, low: 0.1001, high: 0.34, significant: true });
/** an interval that crosses 0 — with a `significant` flag that (wrongly) says otherwise: the panel trusts the interval */
const crossing = effect([20, 100], [26, 100], { estimate: 0.06, low: -0.055, high: 0.171, significant: true });
const worse = effect([30, 100], [12, 100], { estimate: -0.18, low: -0.285, high: -0.07, significant: true });

async function openPanel() {
  const view = renderApp('/stats');
  const panel = await screen.findByRole('region', { name: 'La formazione rende?' });
  await within(panel).findByTestId('cohort-verdict');
  return { ...view, panel };
}

describe('"La formazione rende?" on the stats page', () => {
  it('reads a significant improvement in words, with Italian numbers, counts and the interval', async () => {
    const asked: CohortInput[] = [];
    server.use(
      mockProcedures({
        'auth.me': () => users.teamLead,
        'training.cohortSubjects': () => subjects,
        'training.cohort': (input) => {
          asked.push(input as CohortInput);
          return cohort(input as CohortInput, better, 3);
        },
      }),
    );
    const { panel } = await openPanel();
    // the newest subject, the 30-day window
    expect(asked[0]).toEqual({ practiceSetId: 4, days: 30 });
    expect(within(panel).getByLabelText('Corso o set di pratica')).toHaveProperty('value', 'practice_set:4');
    expect(within(panel).getByTestId('cohort-verdict').textContent).toBe('Miglioramento significativo');
    expect(within(panel).getByTestId('cohort-sentence').textContent).toBe(
      'La conversione è passata da 10% (7/70) a 32,2% (29/90): +22,2 punti (intervallo al 95% da +10,0 a +34,0). ' +
        "L'intervallo è tutto sopra lo zero: il miglioramento difficilmente è dovuto al caso.",
    );
    expect(within(panel).getByTestId('cohort-difference').textContent).toBe('+22,2 punti IC 95%: da +10,0 a +34,0');
    expect(within(panel).getByTestId('cohort-pending').textContent).toContain('3 operatori hanno completato');
    // the tables: a caption each, the set's author named as such
    const bySite = within(panel).getByRole('table', { name: 'Per sede' });
    expect(within(bySite).getByRole('rowheader', { name: 'Roma Eur' })).toBeTruthy();
    const byAuthor = within(panel).getByRole('table', {
      name: "Per autore del set (il tutor o l'amministratore che lo ha creato)",
    });
    expect(within(byAuthor).getByRole('columnheader', { name: 'Autore del set' })).toBeTruthy();
    expect(within(byAuthor).getByText('Migliora')).toBeTruthy();
  });

  it('never calls a difference whose interval crosses 0 significant; the window changes by keyboard', async () => {
    const asked: CohortInput[] = [];
    server.use(
      mockProcedures({
        'auth.me': () => users.teamLead,
        'training.cohortSubjects': () => subjects,
        'training.cohort': (input) => {
          asked.push(input as CohortInput);
          return cohort(input as CohortInput, crossing);
        },
      }),
    );
    const { panel, user } = await openPanel();
    expect(within(panel).getByTestId('cohort-verdict').textContent).toBe('Nessuna differenza chiara');
    expect(within(panel).getByTestId('cohort-sentence').textContent).toContain(
      "+6,0 punti (intervallo al 95% da -5,5 a +17,1). L'intervallo comprende lo zero",
    );
    expect(panel.textContent).not.toMatch(/significativ|Migliora|Peggiora/);
    expect(within(panel).getAllByText('Non chiaro')).toHaveLength(2);

    // the window: arrows move along the radios (7, 30, 60, 90 days)
    const thirty = within(panel).getByRole('radio', { name: '30 giorni' });
    thirty.focus();
    await user.keyboard('{ArrowRight}');
    expect(within(panel).getByRole('radio', { name: '60 giorni' })).toHaveProperty('checked', true);
    await waitFor(() => expect(asked.at(-1)).toEqual({ practiceSetId: 4, days: 60 }));
    await waitFor(() => expect(within(panel).getByText('Prima (60 giorni)')).toBeTruthy());

    // the course instead of the set
    await user.selectOptions(within(panel).getByLabelText('Corso o set di pratica'), 'course:1');
    await waitFor(() => expect(asked.at(-1)).toEqual({ courseId: 1, days: 60 }));
    await within(panel).findByRole('table', { name: 'Per formatore' });
  });

  it('says worse only when the whole interval is below 0', async () => {
    server.use(
      mockProcedures({
        'auth.me': () => users.admin,
        'training.cohortSubjects': () => subjects,
        'training.cohort': (input) => cohort(input as CohortInput, worse),
      }),
    );
    const { panel } = await openPanel();
    expect(within(panel).getByTestId('cohort-verdict').textContent).toBe('Peggioramento significativo');
    expect(within(panel).getByTestId('cohort-sentence').textContent).toContain('-18,0 punti');
  });
});
