import { render, screen, within } from '@testing-library/react';
import type { QueueTile } from '@valore/shared/schemas/monitor';
import { describe, expect, it } from 'vitest';
import { i18n } from '../../../app/i18n';
import { QueueTiles } from './queue-tiles';

/**
 * The monitor's queue tiles: each queue a figure named by its caption, each number a term and its definition, so a
 * screen reader reads "In attesa: 3"; waits and due-bys counted from the server's time; Italian and English.
 */

const NOW = Date.parse('2026-12-09T10:00:00.000Z');
const minutes = (m: number) => new Date(NOW + m * 60_000).toISOString();

const TILES: QueueTile[] = [
  {
    key: 'call_me_now',
    kind: 'call_me_now',
    campaignId: null,
    campaignName: null,
    waiting: 3,
    held: 1,
    late: 2,
    oldestWaitingSince: minutes(-9),
    nearestDueBy: minutes(-4),
    slTotal: 8,
    slWithin: 6,
  },
  {
    key: 'lead_followups',
    kind: 'lead_followups',
    campaignId: null,
    campaignName: null,
    waiting: 0,
    held: 0,
    late: 0,
    oldestWaitingSince: null,
    nearestDueBy: minutes(90),
    slTotal: null,
    slWithin: null,
  },
  {
    key: 'campaign:7',
    kind: 'campaign',
    campaignId: 7,
    campaignName: 'Fibra inverno',
    waiting: 120,
    held: 4,
    late: null,
    oldestWaitingSince: minutes(-65),
    nearestDueBy: null,
    slTotal: null,
    slWithin: null,
  },
];

/** The figure's numbers as "term: definition" lines. */
function figures(name: RegExp): string[] {
  const figure = screen.getByRole('figure', { name });
  const terms = within(figure).getAllByRole('term');
  const definitions = within(figure).getAllByRole('definition');
  return terms.map((term, i) => `${term.textContent}: ${definitions[i]?.textContent}`);
}

describe('queue tiles', () => {
  it('names each queue and reads its figures as terms and definitions', () => {
    render(<QueueTiles queues={TILES} now={NOW} />);
    expect(screen.getAllByRole('figure')).toHaveLength(3);
    expect(figures(/^Call Me Now/)).toEqual([
      'In attesa: 3',
      'In ritardo: 2',
      'In lavorazione: 1',
      'Attesa più lunga: 9:00',
      'Prossima scadenza: superata da 4:00',
      'Livello di servizio oggi: 75%6 su 8 entro la scadenza',
    ]);
    expect(figures(/^Ricontatti dei lead/)).toEqual([
      'In attesa: 0',
      'In ritardo: 0',
      'In lavorazione: 0',
      'Attesa più lunga: nessuna',
      'Prossima scadenza: tra 1:30:00',
      'Livello di servizio oggi: non previsto',
    ]);
    // a campaign has no due-by: no late count, no next due-by, no service level
    expect(figures(/^Campagna Fibra inverno/)).toEqual([
      'In attesa: 120',
      'In ritardo: non previsto',
      'In lavorazione: 4',
      'Attesa più lunga: 1:05:00',
      'Livello di servizio oggi: non previsto',
    ]);
  });

  it('reads in English', async () => {
    await i18n.changeLanguage('en');
    render(<QueueTiles queues={TILES} now={NOW} />);
    expect(figures(/^Call Me Now/)).toEqual([
      'Waiting: 3',
      'Late: 2',
      'Being handled: 1',
      'Longest wait: 9:00',
      'Next due-by: passed 4:00 ago',
      'Service level today: 75%6 of 8 by their due-by',
    ]);
    screen.getByRole('figure', { name: /^Campaign Fibra inverno/ });
  });
});
