import { screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { MySessionsOutput } from '@valore/shared/schemas/training';
import { mockProcedures, server, users } from '../../test/msw';
import { renderApp } from '../../test/render-app';

const session: MySessionsOutput['sessions'][number] = {
  sessionId: 12,
  courseId: 1,
  courseTitle: 'Assistenza al valore',
  siteName: 'Torino',
  date: '2022-12-05',
  starts: '09:00',
  hours: 6,
  room: 'Aula formazione',
  remote: false,
  trainer: 'Laura Conti',
  attendance: 'present',
  attendedHours: 6,
  feedbackGiven: false,
  canGiveFeedback: true,
};

describe('the feedback survey under "I miei corsi"', () => {
  it('is filled by keyboard (arrows choose the scores), asks for the missing ones, sends once and thanks', async () => {
    const sent: unknown[] = [];
    let given = false;
    server.use(
      mockProcedures({
        'auth.me': () => users.operator,
        'training.mySessions': () => ({
          sessions: [{ ...session, feedbackGiven: given, canGiveFeedback: !given }],
        }),
        'training.submitFeedback': (input) => {
          sent.push(input);
          given = true;
          return { feedbackId: 77, sessionId: 12 };
        },
      }),
    );
    const { user } = renderApp('/training');
    await screen.findByRole('heading', { level: 1, name: 'I miei corsi' });
    const open = await screen.findByRole('button', {
      name: 'Compila il questionario del corso Assistenza al valore del lun 05/12/2022',
    });
    open.focus();
    await user.keyboard('{Enter}');

    const form = await screen.findByRole('form', { name: 'Questionario di gradimento: Assistenza al valore' });
    expect(document.activeElement).toBe(within(form).getByRole('heading', { name: /Questionario di gradimento/ }));

    // sending with no scores names what is missing
    await user.click(within(form).getByRole('button', { name: 'Invia il questionario' }));
    expect((await within(form).findByRole('alert')).textContent).toBe(
      'Mancano i voti di 6 aspetti: Utilità professionale, Logistica, Metodologia didattica, Tutoraggio, Docenza, Pianificazione e organizzazione.',
    );
    expect(sent).toEqual([]);

    // each group: Tab into it, then the arrows choose the score (ArrowRight n times from 1 gives 1 + n)
    const wanted = [5, 4, 4, 5, 5, 3];
    const groups = [
      'Utilità professionale',
      'Logistica',
      'Metodologia didattica',
      'Tutoraggio',
      'Docenza',
      'Pianificazione e organizzazione',
    ];
    for (const [i, name] of groups.entries()) {
      const first = within(within(form).getByRole('group', { name })).getByRole('radio', { name: '1' });
      first.focus();
      await user.keyboard('{ArrowRight}'.repeat((wanted[i] ?? 1) - 1));
    }
    for (const [i, name] of groups.entries()) {
      const group = within(form).getByRole('group', { name });
      expect(within(group).getByRole<HTMLInputElement>('radio', { name: String(wanted[i]) }).checked).toBe(true);
    }
    await user.tab();
    await user.keyboard('Docente molto chiara.');
    await user.tab();
    expect(document.activeElement).toBe(within(form).getByRole('button', { name: 'Invia il questionario' }));
    await user.keyboard('{Enter}');

    expect((await screen.findByRole('status')).textContent).toBe(
      'Grazie! Il tuo questionario sul corso Assistenza al valore è stato inviato.',
    );
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({
      sessionId: 12,
      scores: { usefulness: 5, logistics: 4, method: 4, tutoring: 5, teaching: 5, planning: 3 },
      comment: 'Docente molto chiara.',
    });
    expect((sent[0] as { requestId: string }).requestId).toMatch(/^[0-9a-f-]{36}$/);
    await screen.findByText('Compilato, grazie');
    expect(screen.queryByRole('form')).toBeNull();
  });
});
