import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useMutation } from '@tanstack/react-query';
import type { BoardOperator, LateCallback } from '@valore/shared/schemas/monitor';
import { Alert } from '../../../components/ui/alert';
import { Button } from '../../../components/ui/button';
import { EmptyState } from '../../../components/ui/panel';
import { Select } from '../../../components/ui/select';
import { useTRPC } from '../../../lib/trpc';
import { formatDuration } from '../format';

/** What the last reassignment did, kept as a message key so it follows a change of language. */
type Notice =
  | { tone: 'success'; key: 'late.released' | 'late.reassigned'; name: string }
  | { tone: 'error'; key: 'late.failed'; name: string }
  | null;

/**
 * The site's callbacks past their due-by, most late first: the tutor offers one to a Ready operator (it rings on their
 * console; they accept it with one key) or puts it back in the shared queue. The server decides whether it still may
 * (late, open, nobody on it, the operator still Ready); the list follows the board's live figures.
 */
export function LateCallbacks({
  items,
  operators,
  now,
}: {
  items: readonly LateCallback[];
  operators: readonly BoardOperator[];
  now: number;
}) {
  const { t } = useTranslation('monitor');
  const [notice, setNotice] = useState<Notice>(null);
  const ready = operators.filter((o) => o.state === 'ready');
  return (
    <div className="late" data-testid="late-callbacks">
      {notice && (
        <Alert tone={notice.tone}>
          <span role="status">{t(notice.key, { name: notice.name })}</span>
        </Alert>
      )}
      {items.length === 0 ? (
        <EmptyState>{t('late.empty')}</EmptyState>
      ) : (
        <ul className="late__list">
          {items.map((item) => (
            <LateItem key={item.id} item={item} ready={ready} now={now} onDone={setNotice} />
          ))}
        </ul>
      )}
    </div>
  );
}

function LateItem({
  item,
  ready,
  now,
  onDone,
}: {
  item: LateCallback;
  ready: readonly BoardOperator[];
  now: number;
  onDone: (notice: Notice) => void;
}) {
  const { t, i18n } = useTranslation('monitor');
  const trpc = useTRPC();
  const [to, setTo] = useState('');
  // one request id per intent: a retry of the same click is the same reassignment
  const [requestId, setRequestId] = useState(() => crypto.randomUUID());
  const lang = i18n.language.startsWith('en') ? 'en' : 'it';
  const product = item.productName?.[lang] ?? item.productCode ?? t('late.noProduct');
  const headingId = `late-${item.id}`;
  const reassign = useMutation(
    trpc.monitor.reassignCallback.mutationOptions({
      onSuccess: (result) => {
        setRequestId(crypto.randomUUID());
        const name = ready.find((o) => o.userId === result.toOperatorId)?.displayName ?? '';
        onDone({ tone: 'success', key: result.toOperatorId === null ? 'late.released' : 'late.reassigned', name });
      },
      onError: () => {
        setRequestId(crypto.randomUUID());
        onDone({ tone: 'error', key: 'late.failed', name: '' });
      },
    }),
  );
  const send = (toOperatorId: number | null) => reassign.mutate({ requestId, callbackId: item.id, toOperatorId });
  return (
    <li className="late__item" data-testid="late-callback">
      <p className="late__title" id={headingId}>
        <strong>{t(`late.modes.${item.mode}`)}</strong> · {product} · {item.customerName ?? t('late.noCustomer')}
        {' — '}
        <span className="late__late">
          {t('late.lateBy', { duration: formatDuration(now - Date.parse(item.dueBy)) })}
        </span>
      </p>
      <p className="late__meta">
        {item.heldBy
          ? t('late.heldBy', { name: item.heldBy.displayName })
          : item.owner
            ? t('late.owner', { name: item.owner.displayName })
            : t('late.pool')}
      </p>
      {!item.heldBy && (
        <div className="late__actions">
          <Select
            inline
            label={t('late.to')}
            value={to}
            onChange={(e) => setTo(e.target.value)}
            aria-describedby={headingId}
            options={[
              { value: '', label: ready.length === 0 ? t('late.noneReady') : t('late.choose') },
              ...ready.map((o) => ({ value: String(o.userId), label: o.displayName })),
            ]}
          />
          <Button
            size="sm"
            variant="primary"
            disabled={to === ''}
            busy={reassign.isPending && reassign.variables.toOperatorId !== null}
            aria-describedby={headingId}
            onClick={() => send(Number(to))}
          >
            {t('late.reassign')}
          </Button>
          {item.owner && (
            <Button
              size="sm"
              variant="secondary"
              busy={reassign.isPending && reassign.variables.toOperatorId === null}
              aria-describedby={headingId}
              onClick={() => send(null)}
            >
              {t('late.release')}
            </Button>
          )}
        </div>
      )}
    </li>
  );
}
