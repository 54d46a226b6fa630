import { useInfiniteQuery } from '@tanstack/react-query';
import { CONTACT_STATUSES } from '@valore/shared/schemas/campaigns';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Alert } from '../../../components/ui/alert';
import { Button } from '../../../components/ui/button';
import { Select } from '../../../components/ui/select';
import { Skeleton } from '../../../components/ui/spinner';
import { useTRPC } from '../../../lib/trpc';
import { formatDateTime, useErrorText, useLang } from '../format';

type ContactStatus = (typeof CONTACT_STATUSES)[number];

async function copy(text: string): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    return false;
  }
}

/**
 * The list's contacts, 100 at a time: the customer ids a team lead copies (one, or all those shown, one per line, as
 * the id column of the next list's CSV), the number masked, state, attempts, when due and the last outcome.
 */
export function CampaignContacts({ id }: { id: number }) {
  const trpc = useTRPC();
  const { t } = useTranslation('campaigns');
  const { locale } = useLang();
  const errorText = useErrorText();
  const [status, setStatus] = useState<ContactStatus | ''>('');
  const [notice, setNotice] = useState('');
  const contacts = useInfiniteQuery(
    trpc.campaigns.contacts.infiniteQueryOptions(
      { id, limit: 100, ...(status ? { status } : {}) },
      { getNextPageParam: (page) => page.next ?? undefined },
    ),
  );
  const rows = contacts.data?.pages.flatMap((p) => p.contacts) ?? [];
  const say = async (text: string, done: string) => setNotice((await copy(text)) ? done : t('listContacts.copyFailed'));

  return (
    <div className="campaign-contacts">
      <div className="campaign-contacts__tools">
        <Select
          label={t('listContacts.status')}
          value={status}
          options={[
            { value: '', label: t('listContacts.allStatuses') },
            ...CONTACT_STATUSES.map((s) => ({ value: s, label: t(`contacts.${s}`) })),
          ]}
          onChange={(e) => setStatus(e.target.value as ContactStatus | '')}
        />
        <Button
          size="sm"
          disabled={rows.length === 0}
          onClick={() =>
            void say(rows.map((r) => r.customerId).join('\n'), t('listContacts.copiedAll', { count: rows.length }))
          }
        >
          {t('listContacts.copyAll', { count: rows.length })}
        </Button>
        <span role="status" className="campaign-contacts__notice">
          {notice}
        </span>
      </div>
      {contacts.isPending ? (
        <Skeleton lines={3} />
      ) : contacts.isError ? (
        <Alert tone="error">{errorText(contacts.error)}</Alert>
      ) : rows.length === 0 ? (
        <p className="ui-empty">{t('listContacts.empty')}</p>
      ) : (
        <div className="campaign-table__scroll">
          <table className="campaign-table" data-testid="campaign-contacts">
            <caption className="visually-hidden">{t('listContacts.title')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('listContacts.customerId')}</th>
                <th scope="col">{t('listContacts.phone')}</th>
                <th scope="col">{t('fields.status')}</th>
                <th scope="col" className="campaign-table__num">
                  {t('listContacts.attempts')}
                </th>
                <th scope="col">{t('listContacts.dueAt')}</th>
                <th scope="col">{t('listContacts.lastOutcome')}</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => (
                <tr key={r.contactId}>
                  <td>
                    <code className="campaign-contacts__id">{r.customerId}</code>{' '}
                    <Button
                      size="sm"
                      variant="ghost"
                      aria-label={t('listContacts.copyOneLabel', { id: r.customerId })}
                      onClick={() => void say(String(r.customerId), t('listContacts.copiedOne', { id: r.customerId }))}
                    >
                      {t('listContacts.copyOne')}
                    </Button>
                  </td>
                  <td className="campaign-contacts__phone">{r.phone}</td>
                  <td>{t(`contacts.${r.status}`)}</td>
                  <td className="campaign-table__num">{r.attempts}</td>
                  <td>
                    <time dateTime={r.dueAt}>{formatDateTime(locale, r.dueAt)}</time>
                  </td>
                  <td>
                    {r.lastOutcome ? t(`listContacts.outcomes.${r.lastOutcome}`, { defaultValue: r.lastOutcome }) : '—'}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {contacts.hasNextPage && (
        <Button size="sm" busy={contacts.isFetchingNextPage} onClick={() => void contacts.fetchNextPage()}>
          {t('listContacts.more')}
        </Button>
      )}
    </div>
  );
}
