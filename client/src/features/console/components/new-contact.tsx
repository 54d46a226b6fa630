import { useMutation, useQuery } from '@tanstack/react-query';
import type { FlowId } from '@valore/shared/reference/outcomes';
import type { CustomerSearchResult } from '@valore/shared/schemas/customers';
import { checkText, TEXT_RULES } from '@valore/shared/validation/text-rules';
import {
  useEffect,
  useEffectEvent,
  useRef,
  useState,
  type KeyboardEvent as ReactKeyboardEvent,
  type RefObject,
} from 'react';
import { useTranslation } from 'react-i18next';
import { Alert } from '../../../components/ui/alert';
import { Kbd } from '../../../components/ui/kbd';
import { RadioGroup } from '../../../components/ui/radio-group';
import { Select } from '../../../components/ui/select';
import { Spinner } from '../../../components/ui/spinner';
import { errorMessageKey } from '../../../lib/errors';
import { useTRPC } from '../../../lib/trpc';
import { maskedBirthDate } from '../birth-date';
import { isTypingTarget, useFormat } from '../format';
import { useConsole } from '../hooks/console-store';

/** Flows an operator starts by hand; campaign and callback contacts come from the queue. */
export const MANUAL_FLOWS = ['inbound_sales', 'ocs_cross_sell'] as const satisfies readonly FlowId[];

/** Why the operator contacts a customer found by search (the server records it before the card opens). */
const SEARCH_REASONS = ['inbound_call', 'customer_request'] as const;
type SearchReason = (typeof SEARCH_REASONS)[number];

/** Start a contact: pick the flow, find the customer by phone, tax code or name. `/` jumps to the search. */
export function NewContact() {
  const { t } = useTranslation('console');
  const trpc = useTRPC();
  const { draft, startContact, setCustomer } = useConsole();
  const [flow, setFlow] = useState<FlowId>('inbound_sales');
  const [reason, setReason] = useState<SearchReason>('inbound_call');
  // a card opens only to the operator handling the customer: starting from search records why (customers.startContact)
  const grant = useMutation(trpc.customers.startContact.mutationOptions());
  const [term, setTerm] = useState('');
  const [query, setQuery] = useState('');
  const inputRef = useRef<HTMLInputElement>(null);
  const listRef = useRef<HTMLUListElement>(null);
  const valid = checkText(TEXT_RULES.customerQuery, query) === null;
  const results = useQuery({ ...trpc.customers.search.queryOptions({ query }), enabled: valid });
  const found = results.isSuccess ? results.data.length : null;
  // A contact already open without a customer (a request with only a phone number): the search identifies them.
  const assigning = draft !== null && draft.customerId === null && draft.events.length === 0;
  const busy = draft !== null && !assigning;

  useEffect(() => {
    const timer = window.setTimeout(() => setQuery(term.trim()), 350);
    return () => window.clearTimeout(timer);
  }, [term]);

  useSlashToSearch(inputRef);

  function resultButtons(): HTMLButtonElement[] {
    return Array.from(listRef.current?.querySelectorAll<HTMLButtonElement>('button:not(:disabled)') ?? []);
  }

  function onListKey(event: ReactKeyboardEvent) {
    const buttons = resultButtons();
    const index = buttons.findIndex((b) => b === document.activeElement);
    if (event.key === 'ArrowDown') {
      event.preventDefault();
      buttons[Math.min(buttons.length - 1, index + 1)]?.focus();
    } else if (event.key === 'ArrowUp') {
      event.preventDefault();
      if (index <= 0) inputRef.current?.focus();
      else buttons[index - 1]?.focus();
    } else if (event.key === 'Escape') {
      inputRef.current?.focus();
    }
  }

  async function pick(customerId: number, name: string) {
    if (grant.isPending) return;
    try {
      await grant.mutateAsync({
        customerId,
        reason: assigning ? 'caller_identified' : reason,
        clientId: crypto.randomUUID(),
      });
    } catch {
      return; // shown under the results
    }
    if (assigning) setCustomer(customerId, name);
    else if (!startContact({ flow, customerId, work: null, customerName: name })) return;
    setTerm('');
    setQuery('');
  }

  return (
    <section className="new-contact" aria-labelledby="new-contact-title">
      <h3 id="new-contact-title" className="side__heading">
        {assigning ? t('newContact.assignTitle') : t('newContact.title')}
      </h3>
      {busy && <p className="side__hint">{t('newContact.busy')}</p>}
      {/* before the flows: Shift+Tab from the search still lands on the flow radios */}
      {!assigning && (
        <StartChoices
          reason={reason}
          onReason={setReason}
          // during a contact the radios show its flow (a screen pop's cross-sell, not the last manual choice)
          flow={draft ? (MANUAL_FLOWS.find((f) => f === draft.flow) ?? null) : flow}
          onFlow={setFlow}
          busy={busy}
        />
      )}
      <form
        role="search"
        className="new-contact__search"
        onSubmit={(e) => {
          e.preventDefault();
          setQuery(term.trim());
        }}
      >
        <label className="ui-field__label" htmlFor="customer-search">
          {t('newContact.search')} <Kbd>/</Kbd>
        </label>
        <input
          id="customer-search"
          ref={inputRef}
          type="search"
          className="ui-input"
          autoComplete="off"
          placeholder={t('newContact.placeholder')}
          aria-describedby="customer-search-hint"
          aria-keyshortcuts="/"
          maxLength={64}
          disabled={busy}
          value={term}
          onChange={(e) => setTerm(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'ArrowDown') {
              e.preventDefault();
              resultButtons()[0]?.focus();
            }
          }}
        />
        <p id="customer-search-hint" className="ui-field__hint">
          {t('newContact.hint')}
        </p>
      </form>
      {valid && !busy && (
        <div>
          {/* what the search found is said in one sentence (a live region that stays while the search does); the
              results are there to be read, not read out, one after the other */}
          <p role="status" className={found === 0 ? 'side__hint' : 'visually-hidden'}>
            {found === null
              ? ''
              : found === 0
                ? t('newContact.noResults')
                : t('newContact.resultsCount', { count: found })}
          </p>
          {results.isPending ? (
            <Spinner size="sm" label={t('newContact.searching')} />
          ) : results.isError ? (
            <Alert tone="error">{t(errorMessageKey(results.error), { ns: 'translation' })}</Alert>
          ) : results.data.length > 0 ? (
            <>
              <CustomerResults
                customers={results.data}
                listRef={listRef}
                onKeyDown={onListKey}
                picking={grant.isPending}
                action={
                  assigning ? t('newContact.assignAction') : t('newContact.startAction', { flow: t(`flows.${flow}`) })
                }
                onPick={(c) => void pick(c.id, c.name)}
              />
              {grant.isError && <Alert tone="error">{t(errorMessageKey(grant.error), { ns: 'translation' })}</Alert>}
            </>
          ) : null}
        </div>
      )}
    </section>
  );
}

/** `/` anywhere but in a text field jumps to the customer search. */
function useSlashToSearch(inputRef: RefObject<HTMLInputElement | null>) {
  const onKey = useEffectEvent((event: KeyboardEvent) => {
    if (event.key !== '/' || event.ctrlKey || event.metaKey || event.altKey || isTypingTarget(event.target)) return;
    event.preventDefault();
    inputRef.current?.focus();
    inputRef.current?.select();
  });
  useEffect(() => {
    const listener = (event: KeyboardEvent) => onKey(event);
    document.addEventListener('keydown', listener);
    return () => document.removeEventListener('keydown', listener);
  }, []);
}

function CustomerResults({
  customers,
  listRef,
  onKeyDown,
  picking,
  action,
  onPick,
}: {
  customers: CustomerSearchResult[];
  listRef: RefObject<HTMLUListElement | null>;
  onKeyDown: (event: ReactKeyboardEvent) => void;
  picking: boolean;
  /** What choosing a customer does, for screen readers. */
  action: string;
  onPick: (customer: CustomerSearchResult) => void;
}) {
  const { t } = useTranslation('console');
  const fmt = useFormat();
  return (
    <ul className="search-results" ref={listRef} onKeyDown={onKeyDown} aria-label={t('newContact.results')}>
      {customers.map((c) => (
        <li key={c.id}>
          <button
            type="button"
            className="search-results__item"
            aria-busy={picking || undefined}
            onClick={() => onPick(c)}
          >
            <span className="search-results__name">{c.name}</span>
            <span className="search-results__meta">
              {c.city} ({c.provinceCode}) · {c.phoneMasked} · {c.taxCodeMasked}
            </span>
            {/* what tells look-alikes apart: the birth year (day and month masked, as on the card), the last contact */}
            <span className="search-results__meta">
              {t('newContact.born', { date: maskedBirthDate(c.birthYear, fmt.lang) })} ·{' '}
              {c.lastContactAt
                ? t('newContact.lastContact', { date: fmt.date(c.lastContactAt) })
                : t('newContact.neverContacted', { context: c.gender === 'f' ? 'female' : undefined })}
            </span>
            <span className="visually-hidden">{action}</span>
          </button>
        </li>
      ))}
    </ul>
  );
}

/** Why the operator searches (recorded with the contact) and which script the contact starts. */
function StartChoices({
  reason,
  onReason,
  flow,
  onFlow,
  busy,
}: {
  reason: SearchReason;
  onReason: (reason: SearchReason) => void;
  flow: FlowId | null;
  onFlow: (flow: FlowId) => void;
  busy: boolean;
}) {
  const { t } = useTranslation('console');
  return (
    <>
      <Select
        label={t('newContact.reason')}
        options={SEARCH_REASONS.map((r) => ({ value: r, label: t(`newContact.reasons.${r}`) }))}
        value={reason}
        disabled={busy}
        onChange={(e) => onReason(e.target.value === 'customer_request' ? 'customer_request' : 'inbound_call')}
      />
      <RadioGroup
        legend={t('newContact.flow')}
        options={MANUAL_FLOWS.map((f) => ({
          value: f,
          label: t(`flows.${f}`),
          description: t(`flowHints.${f}`),
          disabled: busy,
        }))}
        value={flow}
        onChange={(v) => onFlow(v === 'ocs_cross_sell' ? 'ocs_cross_sell' : 'inbound_sales')}
      />
    </>
  );
}
