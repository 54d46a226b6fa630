import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { useState, type FormEvent } from 'react';
import { describe, expect, it, vi } from 'vitest';
import { i18n } from '../../app/i18n';
import { DateField, TimeField } from './date-field';
import { TextField } from './text-field';

function segmentsText(group: HTMLElement): string {
  return within(group)
    .getAllByRole('spinbutton')
    .map((s) => s.textContent)
    .join('/');
}

/** A follow-up form as the console has it: a date, a note, a submit button; what the form received on submit. */
function FollowUpForm({
  onSubmit,
  min,
  max,
}: {
  onSubmit: (v: { date: string; note: string }) => void;
  min?: string;
  max?: string;
}) {
  const [date, setDate] = useState('');
  const [note, setNote] = useState('');
  const submit = (e: FormEvent) => {
    e.preventDefault();
    onSubmit({ date, note });
  };
  return (
    <form onSubmit={submit}>
      <TextField label="Nota" value={note} onChange={(e) => setNote(e.target.value)} />
      <DateField label="Ricontatto il" value={date} onChange={setDate} min={min} max={max} />
      <TextField label="Dopo" />
      <button type="submit">Crea lead</button>
      <output data-testid="value">{date}</output>
    </form>
  );
}

describe('DateField', () => {
  it('shows the date day first in Italian, with Italian placeholders', async () => {
    render(<DateField label="Dal" value="2026-03-07" onChange={() => undefined} />);
    const group = await screen.findByRole('group', { name: 'Dal' });
    expect(segmentsText(group)).toBe('07/03/2026');
    expect(within(group).getByRole('spinbutton', { name: /giorno/i })).toBeTruthy();

    render(<DateField label="Al" value="" onChange={() => undefined} />);
    // gg/mm/aaaa: the Italian placeholders tell the order
    expect(segmentsText(await screen.findByRole('group', { name: 'Al' }))).toBe('gg/mm/aaaa');
  });

  it('reads day/month/year in English too, with English placeholders', async () => {
    await i18n.changeLanguage('en');
    render(<DateField label="From" value="" onChange={() => undefined} />);
    expect(segmentsText(await screen.findByRole('group', { name: 'From' }))).toBe('dd/mm/yyyy');
  });

  it('gives the ISO date when a date is typed by keyboard, the digits moving on by themselves', async () => {
    const user = userEvent.setup();
    const onSubmit = vi.fn();
    render(<FollowUpForm onSubmit={onSubmit} />);
    const group = await screen.findByRole('group', { name: 'Ricontatto il' });
    await user.click(within(group).getAllByRole('spinbutton')[0]!);
    await user.keyboard('05122026');
    expect(screen.getByTestId('value').textContent).toBe('2026-12-05');
    expect(segmentsText(group)).toBe('05/12/2026');
  });

  it('moves between segments with the arrows, and Tab leaves the field in one step (both ways)', async () => {
    const user = userEvent.setup();
    render(<FollowUpForm onSubmit={() => undefined} />);
    const group = await screen.findByRole('group', { name: 'Ricontatto il' });
    const [day, month] = within(group).getAllByRole('spinbutton');
    await user.click(screen.getByLabelText('Nota'));
    await user.tab();
    expect(document.activeElement).toBe(day);
    await user.keyboard('{ArrowRight}');
    expect(document.activeElement).toBe(month);
    await user.tab();
    expect(document.activeElement).toBe(screen.getByLabelText('Dopo'));
    await user.tab({ shift: true });
    await user.tab({ shift: true });
    expect(document.activeElement).toBe(screen.getByLabelText('Nota'));
  });

  it('rejects a date outside min/max with a message', async () => {
    const user = userEvent.setup();
    render(<FollowUpForm onSubmit={() => undefined} min="2026-12-01" max="2026-12-31" />);
    const group = await screen.findByRole('group', { name: 'Ricontatto il' });
    await user.click(within(group).getAllByRole('spinbutton')[0]!);
    await user.keyboard('05012027');
    expect(within(group).getAllByRole('spinbutton')[0]!.getAttribute('aria-invalid')).toBe('true');
    expect(screen.getByText(/31\/12\/2026/).textContent).toMatch(/Non oltre il 31\/12\/2026/);

    await user.click(within(group).getAllByRole('spinbutton')[2]!);
    await user.keyboard('2026');
    expect(screen.queryByText(/Non oltre/)).toBeNull();
    expect(screen.getByTestId('value').textContent).toBe('2026-01-05');
    // before min now: the other message
    expect(screen.getByText(/01\/12\/2026/).textContent).toMatch(/Non prima del 01\/12\/2026/);
  });

  it('shows the caller’s error and links it to the field', async () => {
    render(<DateField label="Dal" value="2026-03-07" onChange={() => undefined} error="Dal dopo Al" />);
    const group = await screen.findByRole('group', { name: 'Dal' });
    const described = (group.getAttribute('aria-describedby') ?? '').split(' ');
    const message = screen.getByText('Dal dopo Al');
    expect(described).toContain(message.id);
  });

  it('submits the surrounding form on Enter with the note typed alongside', async () => {
    const user = userEvent.setup();
    const onSubmit = vi.fn();
    render(<FollowUpForm onSubmit={onSubmit} />);
    const group = await screen.findByRole('group', { name: 'Ricontatto il' });
    await user.click(screen.getByLabelText('Nota'));
    await user.keyboard('richiamare dopo le 18');
    await user.tab();
    await user.keyboard('05122026');
    expect(document.activeElement?.getAttribute('role')).toBe('spinbutton');
    expect(group.contains(document.activeElement)).toBe(true);
    await user.keyboard('{Enter}');
    expect(onSubmit).toHaveBeenCalledTimes(1);
    expect(onSubmit).toHaveBeenCalledWith({ date: '2026-12-05', note: 'richiamare dopo le 18' });
  });
});

describe('TimeField', () => {
  it('shows and takes a 24-hour time as HH:MM', async () => {
    const user = userEvent.setup();
    function Host() {
      const [time, setTime] = useState('09:30');
      return (
        <>
          <TimeField label="Dalle" value={time} onChange={setTime} />
          <output data-testid="time">{time}</output>
        </>
      );
    }
    render(<Host />);
    const group = await screen.findByRole('group', { name: 'Dalle' });
    expect(
      within(group)
        .getAllByRole('spinbutton')
        .map((s) => s.textContent),
    ).toEqual(['09', '30']);
    await user.click(within(group).getAllByRole('spinbutton')[0]!);
    await user.keyboard('1845');
    expect(screen.getByTestId('time').textContent).toBe('18:45');
  });
});
