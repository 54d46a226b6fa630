import { HISTORY_TERMS, type HistoryAppointmentStatus } from '@valore/shared/reference/history-terms';
import type { SessionUser } from '@valore/shared/schemas/auth';
import type { CustomerHistory, CustomerHistoryInput, HistoryEntry } from '@valore/shared/schemas/customers';
import type { AppDeps } from '../../deps';
import { DomainError } from '../../errors';
import { insertAudit } from '../audit/audit.repository';
import { requireCustomerAccess } from './access-policy';
import { findCustomer } from './customers.repository';
import {
  historyAppointments,
  historyConsents,
  historyContacts,
  historyLeads,
  productNames,
} from './history.repository';

/**
 * A customer's history for the card: contacts, notes, leads (opened, then won or lost), appointments and consent
 * changes, merged newest first and paged by a cursor (the time and key of the last entry shown).
 *
 * - Who: the card's access policy, asked first (requireCustomerAccess): whoever may not open the card learns nothing.
 * - Notes are free text an operator typed about the customer: personal data, so they come masked (text null) like the
 *   card's phone or tax code, and in clear only on `revealNotes` — for the roles that may reveal (operators, admins),
 *   with an audit row `customer.reveal` { field: 'notes' } for each page that carries note text. A masked note's words
 *   are not searched (a match would tell what it says).
 * - Search: every word of `q` must be found, without regard to case or accents, in the entry's words in Italian or
 *   English (its kind, outcome, flow, status, purpose, channel: HISTORY_TERMS, the console's own names), its product
 *   (code and names), the operator, the post office, or the note's text once revealed.
 * - Each source contributes its newest HISTORY_SOURCE_CAP rows: years of contacts for any real customer.
 */
export const HISTORY_SOURCE_CAP = 500;

type Names = Map<string, { it: string; en: string }>;
type Term = { it: string; en: string };
interface Built {
  entry: HistoryEntry;
  /** what the search reads, already folded (lower case, no accents) */
  words: string;
}

const fold = (s: string) => s.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
const iso = (at: string) => new Date(at).toISOString();
const both = (term: Term | undefined) => (term ? `${term.it} ${term.en}` : '');
const productWords = (names: Names, code: string | null) => {
  if (!code) return '';
  const name = names.get(code);
  return `${code} ${name ? `${name.it} ${name.en}` : ''}`;
};
const built = (entry: HistoryEntry, ...words: (string | null | undefined)[]): Built => ({
  entry,
  words: fold([both(HISTORY_TERMS.kinds[entry.kind]), ...words].filter(Boolean).join(' ')),
});

async function contactEntries(deps: AppDeps, customerId: number, names: Names, reveal: boolean): Promise<Built[]> {
  const rows = await historyContacts(deps.db, customerId, HISTORY_SOURCE_CAP);
  return rows.flatMap((r) => {
    const contact = built(
      {
        kind: 'contact',
        key: `contact:${r.id}`,
        at: iso(r.started_at),
        flow: r.flow,
        outcome: r.outcome,
        productCode: r.product_code,
        operatorName: r.operator_name,
      },
      both(HISTORY_TERMS.outcomes[r.outcome]),
      both(HISTORY_TERMS.flows[r.flow]),
      productWords(names, r.product_code),
      r.operator_name,
    );
    if (!r.notes) return [contact];
    const note = built(
      {
        kind: 'note',
        key: `note:contact:${r.id}`,
        at: iso(r.ended_at),
        source: 'contact',
        authorName: r.operator_name,
        text: reveal ? r.notes : null,
      },
      both(HISTORY_TERMS.noteSources.contact),
      r.operator_name,
      reveal ? r.notes : null,
    );
    return [contact, note];
  });
}

async function leadEntries(deps: AppDeps, customerId: number, names: Names, reveal: boolean): Promise<Built[]> {
  const rows = await historyLeads(deps.db, customerId, HISTORY_SOURCE_CAP);
  return rows.flatMap((r) => {
    const product = productWords(names, r.product_code);
    const opened = built(
      {
        kind: 'lead',
        key: `lead:${r.id}:opened`,
        at: iso(r.created_at),
        change: 'opened',
        productCode: r.product_code,
        followUpAt: r.follow_up_at ? iso(r.follow_up_at) : null,
        byName: r.created_by_name,
      },
      both(HISTORY_TERMS.leadChanges.opened),
      product,
      r.created_by_name,
    );
    const out = [opened];
    if (r.status !== 'open' && r.closed_at) {
      out.push(
        built(
          {
            kind: 'lead',
            key: `lead:${r.id}:${r.status}`,
            at: iso(r.closed_at),
            change: r.status,
            productCode: r.product_code,
            followUpAt: null,
            byName: r.closed_by_name,
          },
          both(HISTORY_TERMS.leadChanges[r.status]),
          product,
          r.closed_by_name,
        ),
      );
    }
    if (r.notes) {
      out.push(
        built(
          {
            kind: 'note',
            key: `note:lead:${r.id}`,
            at: iso(r.created_at),
            source: 'lead',
            authorName: r.created_by_name,
            text: reveal ? r.notes : null,
          },
          both(HISTORY_TERMS.noteSources.lead),
          product,
          r.created_by_name,
          reveal ? r.notes : null,
        ),
      );
    }
    return out;
  });
}

async function appointmentEntries(deps: AppDeps, customerId: number, names: Names): Promise<Built[]> {
  const rows = await historyAppointments(deps.db, customerId, HISTORY_SOURCE_CAP);
  return rows.map((r) =>
    built(
      {
        kind: 'appointment',
        key: `appointment:${r.id}`,
        at: iso(r.created_at),
        productCode: r.product_code,
        postOfficeName: r.name,
        postOfficeCity: r.city,
        slotStartsAt: iso(r.starts_at),
        status: r.status satisfies HistoryAppointmentStatus,
      },
      both(HISTORY_TERMS.appointmentStatuses[r.status]),
      productWords(names, r.product_code),
      r.name,
      r.city,
    ),
  );
}

async function consentEntries(deps: AppDeps, customerId: number): Promise<Built[]> {
  const rows = await historyConsents(deps.db, customerId, HISTORY_SOURCE_CAP);
  return rows.map((r) =>
    built(
      {
        kind: 'consent',
        key: `consent:${r.id}`,
        at: iso(r.recorded_at),
        purpose: r.purpose,
        channel: r.channel,
        granted: r.granted === 1,
        source: r.source,
      },
      both(HISTORY_TERMS.purposes[r.purpose]),
      both(HISTORY_TERMS.channels[r.channel]),
      both(r.granted === 1 ? HISTORY_TERMS.consent.granted : HISTORY_TERMS.consent.withdrawn),
      both(HISTORY_TERMS.consentSources[r.source]),
    ),
  );
}

/** Newest first; on the same instant, by key (descending), so a page boundary is always well defined. */
const newestFirst = (a: HistoryEntry, b: HistoryEntry) =>
  a.at === b.at ? (a.key < b.key ? 1 : a.key > b.key ? -1 : 0) : a.at < b.at ? 1 : -1;

function afterCursor(cursor: string | undefined): (e: HistoryEntry) => boolean {
  if (cursor === undefined) return () => true;
  const split = cursor.indexOf('~');
  const at = cursor.slice(0, split);
  const key = cursor.slice(split + 1);
  return (e) => e.at < at || (e.at === at && e.key < key);
}

export async function customerHistory(
  deps: AppDeps,
  user: SessionUser,
  input: CustomerHistoryInput,
  ip: string | null,
): Promise<CustomerHistory> {
  const now = deps.clock.now();
  await requireCustomerAccess(deps.db, user, input.customerId, now);
  // revealing is the reveal's rule (customers.reveal): operators and admins, not supervisors reading a card
  if (input.revealNotes && user.role !== 'operator' && user.role !== 'admin') {
    throw new DomainError('FORBIDDEN', 'FORBIDDEN_ROLE', 'Only operators and admins reveal personal data.');
  }
  const customer = await findCustomer(deps.db, input.customerId);
  if (!customer) throw new DomainError('NOT_FOUND', 'NOT_FOUND', `Customer ${input.customerId} does not exist.`);
  const reveal = input.revealNotes;
  const names = await productNames(deps.db);
  const all = (
    await Promise.all([
      contactEntries(deps, customer.id, names, reveal),
      leadEntries(deps, customer.id, names, reveal),
      appointmentEntries(deps, customer.id, names),
      consentEntries(deps, customer.id),
    ])
  ).flat();
  const words = fold(input.q ?? '')
    .split(/\s+/)
    .filter(Boolean);
  const after = afterCursor(input.cursor);
  const matching = all
    .filter((b) => words.every((w) => b.words.includes(w)))
    .map((b) => b.entry)
    .filter(after)
    .sort(newestFirst);
  const items = matching.slice(0, input.limit);
  const last = items.at(-1);
  const revealedNotes = items.filter((e) => e.kind === 'note' && e.text !== null).length;
  if (revealedNotes > 0) {
    await insertAudit(deps.db, {
      at: now.toISOString(),
      actorId: user.id,
      action: 'customer.reveal',
      entityType: 'customer',
      entityId: customer.id,
      details: { field: 'notes', notes: revealedNotes },
      ip,
    });
  }
  return {
    items,
    nextCursor: matching.length > input.limit && last ? `${last.at}~${last.key}` : null,
    notesRevealed: reveal,
    hasNotes: all.some((b) => b.entry.kind === 'note'),
  };
}
