import { keepPreviousData, useInfiniteQuery } from '@tanstack/react-query';
import { HISTORY_TERMS, termOf } from '@valore/shared/reference/history-terms';
import type { HistoryEntry } from '@valore/shared/schemas/customers';
import { useEffect, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Alert } from '../../../components/ui/alert';
import { Badge } from '../../../components/ui/badge';
import { Button } from '../../../components/ui/button';
import { Skeleton } from '../../../components/ui/spinner';
import { errorMessageKey } from '../../../lib/errors';
import { useTRPC } from '../../../lib/trpc';
import { useFormat } from '../format';
import './customer-history.css';

/** Entries fetched per page ("Mostra altri" fetches the next). */
export const HISTORY_PAGE = 10;
/** The server's bound on a search (customers.history q). */
const QUERY_MAX = 100;

const TONES = {
  contact: 'info',
  note: 'neutral',
  lead: 'warning',
  appointment: 'success',
  consent: 'neutral',
} as const satisfies Record<HistoryEntry['kind'], string>;

/**
 * The customer's history on the card: contacts, notes, leads, appointments and consent changes, newest first, a page
 * at a time, with a search the server runs (customers.history q: the words shown here, in either language, the
 * product, the operator, the post office, a revealed note). Notes come masked; "Mostra note" asks for them in clear
 * (the server records who saw them, like any reveal).
 */
export function CustomerHistory({
  customerId,
  productName,
}: {
  customerId: number;
  productName: (code: string) => string;
}) {
  const { t } = useTranslation('console');
  const trpc = useTRPC();
  const ids = useId();
  const [term, setTerm] = useState('');
  const [q, setQ] = useState('');
  const [revealNotes, setRevealNotes] = useState(false);
  useEffect(() => {
    const timer = window.setTimeout(() => setQ(term.trim()), 300);
    return () => window.clearTimeout(timer);
  }, [term]);
  const history = useInfiniteQuery({
    ...trpc.customers.history.infiniteQueryOptions(
      { customerId, limit: HISTORY_PAGE, revealNotes, ...(q ? { q } : {}) },
      { initialCursor: undefined, getNextPageParam: (page) => page.nextCursor ?? undefined },
    ),
    placeholderData: keepPreviousData,
  });
  const items = history.data?.pages.flatMap((p) => p.items) ?? [];
  const hasNotes = history.data?.pages[0]?.hasNotes ?? false;
  // the answer to the search typed (not the previous one still shown while it loads)
  const searched = q !== '' && history.isSuccess && !history.isPlaceholderData;

  return (
    <section className="card__section history" aria-labelledby={`${ids}-title`}>
      <h3 className="card__heading" id={`${ids}-title`}>
        {t('history.title')}
      </h3>
      <div className="history__tools">
        <form
          role="search"
          className="history__search"
          aria-label={t('history.title')}
          onSubmit={(e) => {
            e.preventDefault();
            setQ(term.trim());
          }}
        >
          <label className="ui-field__label" htmlFor={`${ids}-q`}>
            {t('history.search')}
          </label>
          <input
            id={`${ids}-q`}
            type="search"
            className="ui-input"
            autoComplete="off"
            maxLength={QUERY_MAX}
            placeholder={t('history.placeholder')}
            value={term}
            onChange={(e) => setTerm(e.target.value)}
          />
        </form>
        {(hasNotes || revealNotes) && (
          <Button
            size="sm"
            variant="ghost"
            aria-pressed={revealNotes}
            aria-label={revealNotes ? t('history.hideNotes') : t('history.revealNotesLogged')}
            onClick={() => setRevealNotes((shown) => !shown)}
          >
            {revealNotes ? t('history.hideNotes') : t('history.revealNotes')}
          </Button>
        )}
      </div>
      {/* A search's answer is said in one sentence (a live region that stays with the card): how many entries match,
          or that none does. The entries are not read out as they load (the card opens as a contact starts, while the
          operator listens to the script's line). */}
      <p role="status" className={searched && items.length === 0 ? 'card__meta' : 'visually-hidden'}>
        {!searched
          ? ''
          : items.length > 0
            ? t('history.matches', { count: items.length, q })
            : `${t('history.noMatch', { q })}${hasNotes && !revealNotes ? ` ${t('history.hiddenNotesNotSearched')}` : ''}`}
      </p>
      <div aria-busy={history.isFetching}>
        {history.isPending ? (
          <Skeleton lines={3} />
        ) : history.isError ? (
          <Alert tone="error">{t(errorMessageKey(history.error), { ns: 'translation' })}</Alert>
        ) : items.length === 0 ? (
          !q && <p className="card__meta">{t('history.empty')}</p>
        ) : (
          <ol className="history__list" aria-label={t('history.entries', { count: items.length })}>
            {items.map((entry) => (
              <HistoryItem key={entry.key} entry={entry} productName={productName} />
            ))}
          </ol>
        )}
      </div>
      {history.hasNextPage && (
        <Button
          size="sm"
          variant="secondary"
          className="history__more"
          busy={history.isFetchingNextPage}
          onClick={() => void history.fetchNextPage()}
        >
          {t('history.more')}
        </Button>
      )}
    </section>
  );
}

function HistoryItem({ entry, productName }: { entry: HistoryEntry; productName: (code: string) => string }) {
  const { t } = useTranslation('console');
  const fmt = useFormat();
  const term = (table: Readonly<Record<string, { it: string; en: string }>>, code: string) =>
    termOf(table, code, fmt.lang);
  // a history spans years: the date with its year, then the time
  const when = <time dateTime={entry.at}>{`${fmt.date(entry.at)}, ${fmt.time(entry.at)}`}</time>;
  let title: string;
  let detail: string | null = null;
  let meta: (string | null)[] = [];
  switch (entry.kind) {
    case 'contact':
      title = [term(HISTORY_TERMS.outcomes, entry.outcome), entry.productCode && productName(entry.productCode)]
        .filter(Boolean)
        .join(' · ');
      meta = [term(HISTORY_TERMS.flows, entry.flow), entry.operatorName];
      break;
    case 'note':
      title = term(HISTORY_TERMS.noteSources, entry.source);
      detail = entry.text;
      meta = [entry.authorName];
      break;
    case 'lead':
      title = `${term(HISTORY_TERMS.leadChanges, entry.change)} · ${productName(entry.productCode)}`;
      meta = [entry.followUpAt ? t('history.followUp', { date: fmt.dateTime(entry.followUpAt) }) : null, entry.byName];
      break;
    case 'appointment':
      title = `${productName(entry.productCode)} · ${term(HISTORY_TERMS.appointmentStatuses, entry.status)}`;
      detail = t('history.slot', {
        office: entry.postOfficeName,
        city: entry.postOfficeCity,
        date: fmt.dateTime(entry.slotStartsAt),
      });
      break;
    case 'consent':
      title = `${term(HISTORY_TERMS.purposes, entry.purpose)} (${term(HISTORY_TERMS.channels, entry.channel)}): ${term(
        HISTORY_TERMS.consent,
        entry.granted ? 'granted' : 'withdrawn',
      )}`;
      meta = [term(HISTORY_TERMS.consentSources, entry.source)];
      break;
  }
  return (
    <li className={`history__item history__item--${entry.kind}`}>
      <span className="history__head">
        <Badge tone={entry.kind === 'consent' && !entry.granted ? 'danger' : TONES[entry.kind]}>
          {term(HISTORY_TERMS.kinds, entry.kind)}
        </Badge>
        <span className="history__title">{title}</span>
      </span>
      {entry.kind === 'note' && detail === null ? (
        <span className="history__detail masked__value">{t('history.maskedNote')}</span>
      ) : (
        detail && <span className="history__detail">{detail}</span>
      )}
      <span className="card__meta">
        {when}
        {meta.filter(Boolean).map((m) => ` · ${m}`)}
      </span>
    </li>
  );
}
