import SQLite from 'better-sqlite3';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { OTHER_OBJECTION } from '@valore/shared/metrics/contribution';
import { objectionCodes } from './stats.facts';

/**
 * The objection codes of a contact are read in JavaScript since they are read on PostgreSQL too (issue 21); before, a
 * SQLite JSON query read them. Over random event lists, the two agree.
 */
const sqlite = new SQLite(':memory:');
const bySql = sqlite.prepare(`
  SELECT CASE WHEN instr(@e, 'proposal.objection') > 0 THEN (
    SELECT json_group_array(COALESCE(json_extract(e.value, '$.code'), '${OTHER_OBJECTION}'))
    FROM json_each(@e) e WHERE json_extract(e.value, '$.type') = 'proposal.objection'
  ) END AS codes`);

function sqliteCodes(events: string): string[] {
  const { codes } = bySql.get({ e: events }) as { codes: string | null };
  const parsed: unknown = codes === null ? [] : JSON.parse(codes);
  return Array.isArray(parsed) ? parsed.filter((c): c is string => typeof c === 'string') : [];
}

describe('the objection codes of a contact', () => {
  it('are those the SQLite JSON query read, over random event lists', () => {
    const event = fc.record(
      {
        type: fc.constantFrom('proposal.objection', 'proposal.accepted', 'needs.identified'),
        code: fc.oneof(fc.constantFrom('price', 'timing', 'already_has'), fc.constant(null), fc.integer()),
      },
      { requiredKeys: ['type'] },
    );
    fc.assert(
      fc.property(fc.array(event, { maxLength: 8 }), (events) => {
        const json = JSON.stringify(events);
        expect(objectionCodes(json)).toEqual(sqliteCodes(json));
      }),
      { numRuns: 1_000 },
    );
  });

  it('are none for text that is not a list of events', () => {
    expect(objectionCodes(null)).toEqual([]);
    expect(objectionCodes('not json')).toEqual([]);
    expect(objectionCodes('{"type":"proposal.objection"}')).toEqual([]);
  });
});
