import { describe, expect, it } from 'vitest';
import { leadPipelineInput } from '@valore/shared/schemas/lead-pipeline';
import { filtersToSearch, NO_FILTERS, parseFilters, toQuery } from './pipeline-filters';

// Tuesday 1 December 2026, 10:30 in Rome (UTC+1)
const NOW = new Date('2026-12-01T09:30:00Z');

describe('the pipeline filters in the address bar', () => {
  it('round-trips every filter and leaves a plain /leads plain', () => {
    expect(filtersToSearch(NO_FILTERS)).toBe('');
    const search =
      '?status=won&product=FIBRA&owner=12&site=3&created=custom&createdFrom=2026-11-01&createdTo=2026-11-30&followUp=next7d&offset=50';
    const parsed = parseFilters(search);
    expect(parsed).toMatchObject({
      status: 'won',
      product: 'FIBRA',
      owner: '12',
      site: '3',
      followUp: 'next7d',
      offset: 50,
    });
    expect(filtersToSearch(parsed)).toBe(search);
  });

  it('falls back to no filter for anything it cannot read', () => {
    expect(
      parseFilters('?status=maybe&product=<script>&owner=-1&created=forever&createdFrom=ieri&offset=7&followUp=%00'),
    ).toEqual(NO_FILTERS);
  });

  it('turns presets into Rome calendar days at the moment of the query', () => {
    expect(toQuery({ ...NO_FILTERS, created: '7d' }, NOW)).toEqual({
      status: 'open',
      createdFrom: '2026-11-24T23:00:00.000Z', // 25 November, 00:00 in Rome
    });
    expect(toQuery({ ...NO_FILTERS, followUp: 'today' }, NOW)).toMatchObject({
      followUpFrom: '2026-11-30T23:00:00.000Z',
      followUpTo: '2026-12-01T23:00:00.000Z',
    });
    expect(toQuery({ ...NO_FILTERS, followUp: 'overdue' }, NOW)).toMatchObject({ followUpTo: NOW.toISOString() });
    expect(toQuery({ ...NO_FILTERS, created: 'older30' }, NOW)).toMatchObject({
      createdTo: '2026-11-01T09:30:00.000Z',
    });
  });

  it('reads a custom period as whole days, both inclusive, across the change to summer time', () => {
    const q = toQuery(
      { ...NO_FILTERS, status: 'all', created: 'custom', createdFrom: '2026-03-28', createdTo: '2026-03-29' },
      NOW,
    );
    expect(q).toMatchObject({ createdFrom: '2026-03-27T23:00:00.000Z', createdTo: '2026-03-29T22:00:00.000Z' });
    // an end before the start is read as the start's day, never as an empty or inverted period
    const inverted = toQuery(
      { ...NO_FILTERS, followUp: 'custom', followUpFrom: '2026-12-10', followUpTo: '2026-12-01' },
      NOW,
    );
    expect(inverted).toMatchObject({
      followUpFrom: '2026-12-09T23:00:00.000Z',
      followUpTo: '2026-12-10T23:00:00.000Z',
    });
  });

  it('always makes a query the server accepts', () => {
    for (const f of [
      NO_FILTERS,
      { ...NO_FILTERS, created: 'custom' as const, createdTo: '2026-01-01' },
      { ...NO_FILTERS, followUp: 'later' as const, created: '90d' as const, product: 'SIM', owner: '4' },
    ]) {
      expect(leadPipelineInput.safeParse(toQuery(f, NOW)).success).toBe(true);
    }
  });
});
