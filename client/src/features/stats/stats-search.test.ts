import { describe, expect, it } from 'vitest';
import { statsFilters, type StatsOptions } from '@valore/shared/schemas/stats';
import {
  DEFAULT_VIEW,
  filtersOf,
  fitToOptions,
  parseStatsView,
  statsViewToParams,
  territoryOf,
  territoryParamOf,
} from './stats-search';

const OPTIONS: StatsOptions = {
  lockedSiteId: null,
  sites: [
    { id: 1, code: 'TO1', name: 'Torino' },
    { id: 2, code: 'NA1', name: 'Napoli' },
  ],
  teams: [
    { id: 10, siteId: 1, name: 'Team Mole' },
    { id: 20, siteId: 2, name: 'Team Vesuvio' },
  ],
  operators: [
    { id: 100, siteId: 1, teamId: 10, name: 'Anna' },
    { id: 200, siteId: 2, teamId: 20, name: 'Bruno' },
  ],
  campaigns: [{ id: 5, name: 'Autunno', productCode: 'FIBRA' }],
  products: [{ code: 'FIBRA', nameIt: 'Fibra', nameEn: 'Fibre' }],
  macroAreas: [{ code: 'NORDOVEST', name: 'Nord Ovest' }],
  districts: [{ code: 'LOC', name: 'Lombardia Centro', macroArea: 'NORDOVEST' }],
  provinces: [{ code: 'MI', name: 'Milano' }],
};

describe('the stats view in the address bar', () => {
  it('reads a plain /stats as the default view and writes it back plain', () => {
    expect(parseStatsView({})).toEqual(DEFAULT_VIEW);
    expect(statsViewToParams(DEFAULT_VIEW)).toEqual({});
  });

  it('round-trips every filter, the breakdown, the grain and the drill-down', () => {
    const params = {
      period: 'custom',
      from: '2026-11-01',
      to: '2026-11-30',
      flow: 'inbound_sales',
      campaign: '5',
      product: 'FIBRA',
      site: '1',
      team: '10',
      operator: '100',
      territory: 'province:MI',
      grain: 'week',
      by: 'product',
      drill: 'value',
      row: 'FIBRA',
    };
    const view = parseStatsView(params);
    expect(view).toMatchObject({
      period: 'custom',
      from: '2026-11-01',
      campaignId: '5',
      territory: 'province:MI',
      breakdown: 'product',
      drill: 'value',
      row: 'FIBRA',
    });
    expect(statsViewToParams(view)).toEqual(params);
    // and what it asks the server passes the server's own schema
    expect(statsFilters.parse(filtersOf(view))).toEqual({
      flow: 'inbound_sales',
      campaignId: 5,
      productCode: 'FIBRA',
      siteId: 1,
      teamId: 10,
      operatorId: 100,
      territory: { level: 'province', code: 'MI' },
    });
  });

  it('drops every value it cannot read, and never throws', () => {
    const view = parseStatsView({
      period: 'forever',
      from: '2026-02-30',
      to: 'ieri',
      flow: 'hacking',
      campaign: 'abc',
      product: '<script>',
      site: '-1',
      team: '0',
      operator: '1e3',
      territory: 'country:IT',
      grain: 'month',
      by: 'weather',
      drill: 'everything',
      row: 'x',
    });
    expect(view).toEqual(DEFAULT_VIEW);
    expect(parseStatsView({ territory: 'province:mi' }).territory).toBe('');
    expect(parseStatsView({ territory: 'province:MI:RM' }).territory).toBe('');
    expect(parseStatsView({ territory: 'district:' }).territory).toBe('');
  });

  it('keeps custom days only for a custom period, and only days that exist in the statistics calendar', () => {
    expect(parseStatsView({ period: '90d', from: '2026-11-01', to: '2026-11-30' })).toMatchObject({
      period: '90d',
      from: '',
      to: '',
    });
    expect(parseStatsView({ period: 'custom', from: '1999-12-31', to: '2026-11-31' })).toMatchObject({
      period: 'custom',
      from: '',
      to: '',
    });
  });

  it('keeps a drill-down row only when a drill-down is open and the row fits the breakdown', () => {
    expect(parseStatsView({ row: 'FIBRA', by: 'product' }).row).toBe('');
    expect(parseStatsView({ drill: 'value', by: 'campaign', row: 'FIBRA' })).toMatchObject({ drill: 'value', row: '' });
    expect(parseStatsView({ drill: 'value', by: 'campaign', row: '5' })).toMatchObject({ drill: 'value', row: '5' });
    expect(parseStatsView({ drill: 'value', by: 'day', row: '2026-11-03' }).row).toBe('2026-11-03');
    expect(parseStatsView({ drill: 'handled', by: 'product', row: '~' }).row).toBe('~');
  });

  it('drops what the options do not know: another site’s team or operator, an unknown campaign or territory', () => {
    const view = parseStatsView({
      site: '1',
      team: '20',
      operator: '200',
      campaign: '6',
      product: 'MUTUO',
      territory: 'district:VE1',
    });
    expect(fitToOptions(view, OPTIONS)).toEqual(DEFAULT_VIEW_WITH({ siteId: '1' }));
    const known = parseStatsView({ site: '1', team: '10', operator: '100', territory: 'macroArea:NORDOVEST' });
    expect(fitToOptions(known, OPTIONS)).toBe(known);
  });

  it('drops the site filter and site breakdown for a team lead, who sees their own site only', () => {
    const view = parseStatsView({ site: '2', by: 'site', drill: 'value', row: '2', team: '10' });
    expect(fitToOptions(view, { ...OPTIONS, lockedSiteId: 1 })).toEqual(DEFAULT_VIEW_WITH({ teamId: '10' }));
  });

  it('reads and writes a territory as level:code', () => {
    expect(territoryOf('district:LOC')).toEqual({ level: 'district', code: 'LOC' });
    expect(territoryOf('')).toBeNull();
    expect(territoryOf('planet:EARTH')).toBeNull();
    expect(territoryParamOf({ level: 'macroArea', code: 'SUD' })).toBe('macroArea:SUD');
    expect(territoryParamOf(null)).toBe('');
  });
});

function DEFAULT_VIEW_WITH(patch: Partial<typeof DEFAULT_VIEW>) {
  return { ...DEFAULT_VIEW, ...patch };
}
