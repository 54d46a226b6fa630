import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { COACHING_MAX, type BoardOperator } from '@valore/shared/schemas/monitor';
import { Alert } from '../../../components/ui/alert';
import { Button } from '../../../components/ui/button';
import { errorMessageKey } from '../../../lib/errors';
import { useTRPC } from '../../../lib/trpc';
import { formatTime } from '../format';
import { useLabels } from '../labels';
import { StateBadge } from './state-badge';

/**
 * One operator's details: state, a coaching message whenever they are signed in (on a contact it shows at once, pinned
 * to the step; otherwise it is queued and shows with their next contact), today's messages with delivery and read.
 */
export function OperatorDrawer({ operator, onClose }: { operator: BoardOperator; onClose: () => void }) {
  const { t } = useTranslation('monitor');
  const { t: tRoot } = useTranslation();
  const labels = useLabels();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [body, setBody] = useState('');
  const [requestId, setRequestId] = useState(() => crypto.randomUUID());
  const messages = useQuery(
    trpc.monitor.operatorMessages.queryOptions({ operatorId: operator.userId }, { refetchInterval: 5_000 }),
  );
  const send = useMutation(
    trpc.monitor.sendCoaching.mutationOptions({
      onSuccess: async () => {
        setBody('');
        setRequestId(crypto.randomUUID());
        await queryClient.invalidateQueries(trpc.monitor.operatorMessages.pathFilter());
      },
    }),
  );
  const onContact = operator.state === 'on_contact';
  const signedIn = operator.state !== 'signed_out';

  function submit(event: FormEvent) {
    event.preventDefault();
    if (!body.trim()) return;
    // the same request id on a retry: the server sends it once
    send.mutate({ requestId, operatorId: operator.userId, body: body.trim() });
  }

  return (
    <div className="drawer" data-testid="operator-drawer">
      <div className="drawer__head">
        <p>
          {t('drawer.state')}: <StateBadge operator={operator} />{' '}
          {onContact && (
            <span>
              {labels.flow(operator.flow)} · {labels.step(operator.step)}
            </span>
          )}
        </p>
        <Button size="sm" variant="ghost" onClick={onClose}>
          {t('drawer.close')}
        </Button>
      </div>
      {signedIn ? (
        <form className="drawer__form" onSubmit={submit}>
          <label className="ui-field__label" htmlFor="coaching-body">
            {t('drawer.message')}
          </label>
          <p className="ui-field__hint" id="coaching-hint">
            {onContact
              ? t('drawer.messageHint', { step: labels.step(operator.step), max: COACHING_MAX })
              : t('drawer.queuedHint', { max: COACHING_MAX })}
          </p>
          <textarea
            id="coaching-body"
            className="ui-input drawer__textarea"
            aria-describedby="coaching-hint"
            maxLength={COACHING_MAX}
            rows={3}
            value={body}
            onChange={(e) => {
              setBody(e.target.value);
              setRequestId(crypto.randomUUID());
            }}
          />
          <Button type="submit" variant="primary" busy={send.isPending} disabled={!body.trim()}>
            {t('drawer.send')}
          </Button>
          {send.isSuccess && !body && (
            <Alert tone="success">{send.data.deliveredAt ? t('drawer.sent') : t('drawer.sentQueued')}</Alert>
          )}
          {send.error && <Alert tone="error">{tRoot(errorMessageKey(send.error))}</Alert>}
        </form>
      ) : (
        <p className="drawer__note">{t('drawer.notOnContact')}</p>
      )}
      <h3 className="drawer__subtitle">{t('drawer.history')}</h3>
      {messages.data && messages.data.length > 0 ? (
        <ul className="drawer__messages">
          {[...messages.data].reverse().map((m) => (
            <li key={m.id}>
              <span className="drawer__meta">
                {formatTime(m.sentAt, labels.language)}{' '}
                {m.step ? t('drawer.atStep', { step: labels.step(m.step) }) : ''} —{' '}
                {m.deliveredAt === null
                  ? t('drawer.queued')
                  : m.acknowledgedAt
                    ? t('drawer.read', { time: formatTime(m.acknowledgedAt, labels.language) })
                    : `${t('drawer.delivered', { time: formatTime(m.deliveredAt, labels.language) })} · ${t('drawer.unread')}`}
              </span>
              <span>{m.body}</span>
            </li>
          ))}
        </ul>
      ) : (
        <p className="drawer__note">{t('drawer.noHistory')}</p>
      )}
    </div>
  );
}
