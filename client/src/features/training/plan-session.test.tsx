import { screen, waitFor, within } from '@testing-library/react';
import { http, HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';
import type { SessionCandidate, SessionDetail, TrainingCourse, TrainingSession } from '@valore/shared/schemas/training';
import { server, users } from '../../test/msw';
import { renderApp } from '../../test/render-app';

/** A procedure's refusal, answered as the server's errorFormatter shapes it. */
class Refusal {
  constructor(
    readonly code: 'BAD_REQUEST' | 'CONFLICT',
    readonly fieldErrors: Record<string, string[]>,
  ) {}
}
type Procedure = (input: unknown) => unknown;

/** The API as the page sees it: answers every procedure of a (batched) tRPC request from `procedures`. */
function api(procedures: Record<string, Procedure>) {
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
        const answer = procedure ? procedure(inputs[String(i)]) : new Refusal('BAD_REQUEST', {});
        if (!(answer instanceof Refusal)) return { result: { data: answer } };
        const conflict = answer.code === 'CONFLICT';
        return {
          error: {
            message: procedure ? 'Refused' : `no mock for ${name}`,
            code: conflict ? -32009 : -32600,
            data: {
              code: answer.code,
              httpStatus: conflict ? 409 : 400,
              path: name,
              domainCode: 'VALIDATION',
              zodError: { formErrors: [], fieldErrors: answer.fieldErrors },
            },
          },
        };
      }),
    );
  });
}

const course: TrainingCourse = {
  id: 1,
  title: 'Assistenza al valore',
  hours: 6,
  modules: ['Ascolto'],
  targetRoles: ['operator', 'tutor'],
  sessions: 1,
  createdAt: '2026-01-01T00:00:00.000Z',
};
const session: TrainingSession = {
  id: 12,
  courseId: 1,
  courseTitle: course.title,
  siteId: 1,
  siteName: 'Torino',
  date: '2026-12-05',
  starts: '09:00',
  hours: 2,
  room: 'Aula 2',
  remote: false,
  trainer: 'Anna Neri',
  capacity: 3,
  enrolled: 1,
  recorded: 0,
};
const learner = (userId: number, name: string): SessionDetail['learners'][number] => ({
  userId,
  name,
  role: 'operator',
  siteId: 1,
  attendance: null,
  hours: null,
  courseHours: 0,
  completed: false,
  feedbackGiven: false,
});
const candidate = (userId: number, name: string, role: SessionCandidate['role'] = 'operator'): SessionCandidate => ({
  userId,
  name,
  role,
  siteId: 1,
  enrolled: false,
});

/** The team lead's training page, with whatever else it reads answered empty. */
const page = (more: Record<string, Procedure>) =>
  api({
    'auth.me': () => users.teamLead,
    'training.courses': () => [course],
    'training.report': () => [],
    'training.mySessions': () => ({ sessions: [] }),
    ...more,
  });

describe('planning a session on /training', { timeout: 60_000 }, () => {
  it('names what is missing next to each field, shows the server’s refusal by its field, then plans it', async () => {
    const sent: Record<string, unknown>[] = [];
    server.use(
      page({
        'training.sessions': () => [],
        'training.createSession': (input) => {
          const body = input as Record<string, unknown>;
          sent.push(body);
          if (body.date === '2100-12-05')
            return new Refusal('BAD_REQUEST', { date: ['Choose a date between 2000 and 2099'] });
          return { ...session, id: 40, enrolled: 0 };
        },
        'training.session': () => ({ ...session, id: 40, enrolled: 0, learners: [] }),
        'training.candidates': () => [candidate(1, 'Alessandro Villa')],
      }),
    );
    const { user } = renderApp('/training');
    await user.click(await screen.findByRole('button', { name: 'Nuova sessione' }));
    const form = await screen.findByRole('form', { name: 'Nuova sessione del corso Assistenza al valore' });
    const date = await within(form).findByRole('group', { name: 'Data' });

    // sending it empty: each field says what it needs, the focus goes to the first (the date's day)
    await user.click(within(form).getByRole('button', { name: 'Pianifica la sessione' }));
    await waitFor(() => expect(date.contains(document.activeElement)).toBe(true));
    for (const message of [
      'Indica il giorno della sessione (tra il 2000 e il 2099).',
      "Indica l'ora di fine.",
      "Indica l'aula, oppure scegli «A distanza».",
      'Indica il docente.',
      'Indica i posti: un numero intero da 1 a 500.',
    ])
      expect(within(form).getByText(message)).toBeTruthy();
    expect(sent).toEqual([]);

    // the end time becomes the hours: after the start, in quarters of an hour
    await user.click(within(date).getAllByRole('spinbutton')[0]!);
    await user.keyboard('05122100');
    const ends = within(form).getByRole('group', { name: 'Fine' });
    await user.click(within(ends).getAllByRole('spinbutton')[0]!);
    await user.keyboard('0810');
    await user.type(within(form).getByLabelText('Aula'), 'Aula 2');
    await user.type(within(form).getByLabelText('Docente'), 'Anna Neri');
    await user.type(within(form).getByLabelText('Posti'), 'tre');
    await user.click(within(form).getByRole('button', { name: 'Pianifica la sessione' }));
    expect(within(form).getByText("La fine deve venire dopo l'inizio.")).toBeTruthy();
    expect(within(form).getByText('Indica i posti: un numero intero da 1 a 500.')).toBeTruthy();
    await user.click(within(ends).getAllByRole('spinbutton')[0]!);
    await user.keyboard('1110');
    await user.click(within(form).getByRole('button', { name: 'Pianifica la sessione' }));
    expect(within(form).getByText("La durata va a quarti d'ora (per esempio dalle 9:00 alle 10:30).")).toBeTruthy();
    await user.click(within(ends).getAllByRole('spinbutton')[1]!);
    await user.keyboard('00');
    await user.clear(within(form).getByLabelText('Posti'));
    await user.type(within(form).getByLabelText('Posti'), '3');
    expect(sent).toEqual([]);

    // the server refuses the year: its message shows by the date, which takes the focus
    await user.click(within(form).getByRole('button', { name: 'Pianifica la sessione' }));
    await within(form).findByText('Indica il giorno della sessione (tra il 2000 e il 2099).');
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({
      courseId: 1,
      date: '2100-12-05',
      starts: '09:00',
      hours: 2,
      room: 'Aula 2',
      remote: false,
      trainer: 'Anna Neri',
      capacity: 3,
    });
    expect(sent[0]).not.toHaveProperty('siteId');
    await waitFor(() => expect(date.contains(document.activeElement)).toBe(true));

    // corrected, it is planned: announced, and the new session's enrolment opens with the focus on its heading
    await user.click(within(date).getAllByRole('spinbutton')[2]!);
    await user.keyboard('2026');
    await user.click(within(form).getByRole('button', { name: 'Pianifica la sessione' }));
    const planned = await screen.findByText(
      'Sessione del sab 05/12/2026 alle 09:00 a Torino pianificata. Ora puoi iscrivere le persone.',
    );
    expect(planned.closest('[role="status"]')).toBeTruthy();
    const heading = await screen.findByRole('heading', { name: 'Iscrizioni: sab 05/12/2026 · Torino' });
    await waitFor(() => expect(document.activeElement).toBe(heading));
    expect(sent).toHaveLength(2);
    expect(sent[1]).toMatchObject({ date: '2026-12-05' });
    // a changed attempt is a new request; each attempt keeps its own id
    expect(sent[1]?.requestId).not.toBe(sent[0]?.requestId);
    expect(screen.queryByRole('form', { name: /Nuova sessione/ })).toBeNull();
  });
});

describe('enrolling people in a session', { timeout: 30_000 }, () => {
  it('shows the seats left, refuses a choice that does not fit, explains a race lost, then enrols', async () => {
    let enrolled = [learner(5, 'Bruno Esposito')];
    const calls: { userIds: number[]; requestId: string }[] = [];
    server.use(
      page({
        'training.sessions': () => [{ ...session, enrolled: enrolled.length }],
        'training.session': () => ({ ...session, enrolled: enrolled.length, learners: enrolled }),
        'training.candidates': () => [
          candidate(1, 'Alessandro Villa'),
          { ...candidate(5, 'Bruno Esposito'), enrolled: true },
          candidate(2, 'Chiara Galli'),
          candidate(3, 'Dario Fontana'),
          candidate(50, 'Giulia Ferri', 'tutor'),
        ],
        'training.enrol': (input) => {
          const body = input as { userIds: number[]; requestId: string };
          calls.push(body);
          if (calls.length === 1) return new Refusal('CONFLICT', { userIds: ['Only 1 seats left'] });
          enrolled = [...enrolled, ...body.userIds.map((id) => learner(id, `#${id}`))];
          return { sessionId: 12, enrolled: body.userIds, already: [], capacity: 3, taken: enrolled.length };
        },
      }),
    );
    const { user } = renderApp('/training');
    const open = await screen.findByRole('button', { name: 'Iscrizioni alla sessione del sab 05/12/2026 a Torino' });
    open.focus();
    await user.keyboard('{Enter}');
    const section = await screen.findByTestId('training-enrolment');
    await waitFor(() =>
      expect(document.activeElement).toBe(
        within(section).getByRole('heading', { name: /Iscrizioni: sab 05\/12\/2026/ }),
      ),
    );
    expect(within(section).getByText('2 posti liberi su 3')).toBeTruthy();
    expect(within(section).getByRole('button', { name: 'Togli Bruno Esposito dalla sessione' })).toBeTruthy();

    // "select all" of the operators: the three not yet enrolled, not the tutor
    const operators = within(section).getByRole('group', { name: 'Operatori da iscrivere (3)' });
    await user.click(within(operators).getByLabelText('Seleziona tutti gli operatori (3)'));
    for (const name of ['Alessandro Villa', 'Chiara Galli', 'Dario Fontana'])
      expect(within(operators).getByLabelText<HTMLInputElement>(name).checked).toBe(true);
    expect(within(section).getByLabelText<HTMLInputElement>('Giulia Ferri').checked).toBe(false);
    await user.click(within(section).getByRole('button', { name: 'Iscrivi 3 persone' }));
    expect((await within(section).findByRole('alert')).textContent).toBe(
      "Hai scelto 3 persone, ma restano solo 2 posti liberi su 3: togline qualcuna, oppure pianifica un'altra sessione per le altre.",
    );
    expect(calls).toEqual([]);

    // two fit; someone else took a seat meanwhile (409): said in words, nobody enrolled
    await user.click(within(operators).getByLabelText('Dario Fontana'));
    expect(within(operators).getByLabelText<HTMLInputElement>('Seleziona tutti gli operatori (3)').indeterminate).toBe(
      true,
    );
    await user.click(within(section).getByRole('button', { name: 'Iscrivi 2 persone' }));
    await within(section).findByText(/Nessuno è stato iscritto: nel frattempo altri hanno occupato dei posti/);
    expect(calls).toHaveLength(1);

    // sent again (the same request: the same id), it goes through
    await user.click(within(section).getByRole('button', { name: 'Iscrivi 2 persone' }));
    expect((await within(section).findByRole('status')).textContent).toBe('2 persone iscritte. 0 posti liberi su 3.');
    expect(calls[1]).toEqual({ sessionId: 12, userIds: [1, 2], requestId: calls[0]?.requestId });
    await within(section).findByText('0 posti liberi su 3');
  });
});
