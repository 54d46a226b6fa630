import { useEffect, useEffectEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Alert } from '../../../components/ui/alert';
import { Badge } from '../../../components/ui/badge';
import { Button } from '../../../components/ui/button';
import { Kbd } from '../../../components/ui/kbd';
import { isTypingTarget, useFormat } from '../format';
import { useConsole } from '../hooks/console-store';
import { useWorkQueue } from '../hooks/use-work-queue';
import { OFFER_SOUND_KEY } from '../hooks/use-work-offer';
import { MyPromises } from './my-promises';

/**
 * "Prossimo contatto (N)": the most urgent item of the operator's queue, claimed with one key (`N` anywhere but a
 * text field, or Enter on the button), and the item being worked with its details and a release.
 */
export function WorkQueue() {
  const { t } = useTranslation('console');
  const fmt = useFormat();
  const { draft, status } = useConsole();
  const queue = useWorkQueue();
  const [releasing, setReleasing] = useState(false);
  const [reason, setReason] = useState('');
  const paused = status?.state === 'paused';
  const disabled = draft !== null || paused;

  const onKey = useEffectEvent((event: KeyboardEvent) => {
    if (
      event.key.toLowerCase() !== 'n' ||
      event.ctrlKey ||
      event.metaKey ||
      event.altKey ||
      isTypingTarget(event.target)
    )
      return;
    if (disabled) return;
    event.preventDefault();
    queue.next();
  });
  useEffect(() => {
    const listener = (event: KeyboardEvent) => onKey(event);
    document.addEventListener('keydown', listener);
    return () => document.removeEventListener('keydown', listener);
  }, []);

  const count = queue.size ? (queue.size.capped ? `${queue.size.count}+` : String(queue.size.count)) : '…';
  const item = queue.item;
  const releasable = queue.heldKey !== null && draft !== null && draft.outcome === null;

  return (
    <section className="work-queue" aria-labelledby="work-queue-title" data-testid="work-queue">
      <h3 id="work-queue-title" className="side__heading">
        {t('queue.title')}
      </h3>
      <Button
        variant="primary"
        className="work-queue__next"
        onClick={queue.next}
        busy={queue.nextPending}
        disabled={disabled}
        aria-keyshortcuts="N"
        icon={<Kbd>N</Kbd>}
      >
        {t('queue.next', { size: count })}
      </Button>
      {paused && !draft && <p className="side__hint">{t('queue.paused')}</p>}
      <OfferSoundSwitch />
      {queue.empty && !draft && (
        <p className="side__hint" role="status">
          {t('queue.empty')}
        </p>
      )}
      {queue.error && <Alert tone="error">{t(queue.error, { ns: 'translation' })}</Alert>}

      {queue.heldKey && draft && (
        <div className="work-item" data-testid="work-item">
          <p className="work-item__head">
            <Badge tone={item?.mode === 'now' ? 'warning' : 'info'}>
              {t(`queue.kinds.${queuedKind(queue.heldKey)}`)}
            </Badge>
            {item?.mode && <span>{t(`queue.modes.${item.mode}`)}</span>}
          </p>
          {item && (
            <dl className="details">
              {item.campaignName && (
                <div className="details__row">
                  <dt>{t('queue.campaign')}</dt>
                  <dd>{item.campaignName}</dd>
                </div>
              )}
              <div className="details__row">
                <dt>{t('queue.phone')}</dt>
                <dd>{item.phoneMasked}</dd>
              </div>
              {item.dueBy && (
                <div className="details__row">
                  <dt>{t('queue.dueBy')}</dt>
                  <dd>{fmt.dateTime(item.dueBy)}</dd>
                </div>
              )}
              <div className="details__row">
                <dt>{t('queue.attempts')}</dt>
                <dd>
                  {item.maxAttempts !== null
                    ? t('queue.attemptsOf', { attempts: item.attempts, max: item.maxAttempts })
                    : String(item.attempts)}
                </dd>
              </div>
              {item.note && (
                <div className="details__row">
                  <dt>{t('queue.note')}</dt>
                  <dd>{item.note}</dd>
                </div>
              )}
            </dl>
          )}
          {releasable && !releasing && (
            <Button size="sm" variant="ghost" onClick={() => setReleasing(true)}>
              {t('queue.release')}
            </Button>
          )}
          {releasable && releasing && (
            <form
              className="work-item__release"
              onSubmit={(e) => {
                e.preventDefault();
                if (reason.trim()) queue.release(reason.trim());
              }}
            >
              <label className="ui-field__label" htmlFor="release-reason">
                {t('queue.releaseReason')}
              </label>
              <input
                id="release-reason"
                className="ui-input"
                maxLength={200}
                required
                autoFocus
                value={reason}
                onChange={(e) => setReason(e.target.value)}
                onKeyDown={(e) => {
                  if (e.key === 'Escape') setReleasing(false);
                }}
              />
              <div className="work-item__actions">
                <Button size="sm" type="submit" variant="danger" busy={queue.releasePending} disabled={!reason.trim()}>
                  {t('queue.releaseConfirm')}
                </Button>
                <Button size="sm" variant="ghost" onClick={() => setReleasing(false)}>
                  {t('queue.cancel')}
                </Button>
              </div>
            </form>
          )}
        </div>
      )}
      <MyPromises onTake={queue.take} busy={queue.takePending} canTake={!disabled} />
    </section>
  );
}

function queuedKind(key: string): 'callback' | 'campaign' | 'lead_followup' {
  const kind = key.split(':')[0];
  return kind === 'campaign' || kind === 'lead_followup' ? kind : 'callback';
}

/** Whether an offer of pushed work rings with a sound too (kept in this browser). */
function OfferSoundSwitch() {
  const { t } = useTranslation('console');
  const [on, setOn] = useState(() => {
    try {
      return window.localStorage.getItem(OFFER_SOUND_KEY) === 'on';
    } catch {
      return false;
    }
  });
  return (
    <label className="work-queue__sound">
      <input
        type="checkbox"
        checked={on}
        onChange={(e) => {
          setOn(e.target.checked);
          try {
            window.localStorage.setItem(OFFER_SOUND_KEY, e.target.checked ? 'on' : 'off');
          } catch {
            // without storage the choice lasts for this page only
          }
        }}
      />{' '}
      {t('offer.sound')}
    </label>
  );
}
