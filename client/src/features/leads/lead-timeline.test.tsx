import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { LeadPipelineOptions, LeadPipelineOutput } from '@valore/shared/schemas/lead-pipeline';
import type { LeadTimeline } from '@valore/shared/schemas/leads';
import { mockProcedures, server, users } from '../../test/msw';
import { renderApp } from '../../test/render-app';

const options: LeadPipelineOptions = {
  lockedSiteId: 1,
  ownOnly: false,
  sites: [{ id: 1, code: 'TO', name: 'Torino' }],
  operators: [{ id: 1, siteId: 1, displayName: 'Alessandro Villa', active: true }],
  products: [{ code: 'FIBRA', nameIt: 'Fibra per la casa', nameEn: 'Home fibre' }],
};

const pipeline: LeadPipelineOutput = {
  rows: [
    {
      id: 7,
      customerId: 42,
      customerName: 'Maria Bianchi',
      siteId: 1,
      productCode: 'FIBRA',
      productName: { it: 'Fibra per la casa', en: 'Home fibre' },
      status: 'won',
      wonBy: 'digital_funnel',
      saleReference: null,
      owner: { userId: 1, displayName: 'Alessandro Villa' },
      followUpAt: '2026-12-02T14:00:00.000Z',
      createdAt: '2026-12-02T09:00:00.000Z',
      closedAt: '2026-12-02T14:02:00.000Z',
      ageDays: 0,
      attempts: 1,
      held: false,
    },
  ],
  totals: { open: 0, won: 1, lost: 0, all: 1 },
  matching: 1,
  offset: 0,
  nextOffset: null,
};

const timeline: LeadTimeline = {
  id: 7,
  status: 'won',
  productCode: 'FIBRA',
  interactionId: 3,
  followUpAt: '2026-12-02T14:00:00.000Z',
  events: [
    { at: '2026-12-02T09:00:00.000Z', event: 'created', by: 'Alessandro Villa', detail: 'inbound_sales' },
    { at: '2026-12-02T09:00:00.000Z', event: 'scheduled', by: 'Alessandro Villa', detail: '2026-12-02T10:00:00.000Z' },
    { at: '2026-12-02T10:01:40.000Z', event: 'contact_ended', by: 'Alessandro Villa', detail: 'not_reached' },
    { at: '2026-12-02T10:32:00.000Z', event: 'breached', by: null, detail: null },
    { at: '2026-12-02T10:41:00.000Z', event: 'released', by: 'Alessandro Villa', detail: null },
    { at: '2026-12-02T10:42:00.000Z', event: 'changed', by: 'Marco Rinaldi', detail: 'lead.reassigned' },
    { at: '2026-12-02T14:02:00.000Z', event: 'won', by: 'Alessandro Villa', detail: 'digital_funnel' },
  ],
};

describe('a lead’s timeline on the pipeline', () => {
  it('opens from the row’s Cronologia button by keyboard, lists the events in words, and closing gives focus back', async () => {
    const asked: unknown[] = [];
    server.use(
      mockProcedures({
        'auth.me': () => users.teamLead,
        'leads.pipelineOptions': () => options,
        'leads.pipeline': () => pipeline,
        'leads.timeline': (input) => {
          asked.push(input);
          return timeline;
        },
      }),
    );
    const { user } = renderApp('/leads');
    const button = await screen.findByRole('button', { name: 'Cronologia del lead di Maria Bianchi' });
    button.focus();
    await user.keyboard('{Enter}');

    const dialog = await screen.findByRole('dialog', { name: 'Cronologia del lead' });
    const list = await within(dialog).findByRole('list', { name: 'Cronologia del lead di Maria Bianchi' });
    expect(asked).toEqual([{ leadId: 7 }]);
    const items = within(list)
      .getAllByRole('listitem')
      .map((li) => li.textContent);
    expect(items).toHaveLength(7);
    expect(items[0]).toMatch(/creato · Alessandro Villa · Inbound commerciale$/);
    expect(items[1]).toMatch(/ricontatto fissato · Alessandro Villa · per mer 02\/12\/2026, 11:00$/);
    expect(items[2]).toMatch(/contatto concluso · Alessandro Villa · Non raggiunto$/);
    expect(items[3]).toMatch(/ricontatto scaduto senza contatto \(SLA superato\)$/);
    expect(items[4]).toMatch(/rilasciato in coda · Alessandro Villa$/);
    expect(items[5]).toMatch(/modificato · Marco Rinaldi · riassegnato dal team leader$/);
    expect(items[6]).toMatch(/vinto · Alessandro Villa · Funnel digitale$/);
    // the breach is said in words and marked
    expect(within(list).getAllByRole('listitem')[3]?.className).toBe('is-late');

    // focus starts on "Chiudi" (jsdom has no modal dialog, so no Escape either: the browser's is e2e's to check)
    expect(document.activeElement).toBe(within(dialog).getByRole('button', { name: 'Chiudi' }));
    await user.keyboard('{Enter}');
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    expect(document.activeElement).toBe(screen.getByRole('button', { name: 'Cronologia del lead di Maria Bianchi' }));
  });

  it('is not offered to an operator, who sees only their own leads', async () => {
    server.use(
      mockProcedures({
        'auth.me': () => users.operator,
        'leads.pipelineOptions': () => ({ ...options, ownOnly: true }),
        'leads.pipeline': () => pipeline,
      }),
    );
    renderApp('/leads');
    await screen.findByText('Maria Bianchi');
    expect(screen.queryByRole('button', { name: /Cronologia/ })).toBeNull();
  });
});
