import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { STEP_IDS, type StepId } from '@valore/shared/flows/types';
import { Button } from '../../../components/ui/button';
import { useTRPC } from '../../../lib/trpc';
import { useLiveStream } from '../../../lib/use-live-stream';
import './coaching.css';

const isStep = (s: string | null): s is StepId => s !== null && (STEP_IDS as readonly string[]).includes(s);

/**
 * The tutor's coaching messages for the contact in progress, shown beside the script and pinned to the step they
 * were sent at; the operator confirms each with "Ho letto". New messages arrive live (SSE).
 * Mount it next to the current step: `<CoachingBanner interactionClientId={clientId} step={currentStep} />`.
 */
export function CoachingBanner({
  interactionClientId,
  step,
  onAcknowledged,
}: {
  interactionClientId: string | null;
  step: string | null;
  /** Where focus goes once a message is read and the banner shrinks (e.g. back to the step prompt). */
  onAcknowledged?: () => void;
}) {
  const { t, i18n } = useTranslation('coaching');
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const input = interactionClientId ? { interactionClientId } : {};
  const messages = useQuery(trpc.monitor.myMessages.queryOptions(input));
  // every live event (the first snapshot, each new message, what a reconnect brings) refreshes the list
  useLiveStream('coaching', () => void queryClient.invalidateQueries(trpc.monitor.myMessages.pathFilter()));
  const ack = useMutation(
    trpc.monitor.ackMessage.mutationOptions({
      onSuccess: async () => {
        await queryClient.invalidateQueries(trpc.monitor.myMessages.pathFilter());
        onAcknowledged?.();
      },
    }),
  );
  const unread = (messages.data ?? []).filter(
    (m) => m.acknowledgedAt === null && (interactionClientId === null || m.interactionClientId === interactionClientId),
  );
  if (unread.length === 0) return null;
  const locale = i18n.language.startsWith('en') ? 'en-GB' : 'it-IT';
  const time = (iso: string) =>
    new Intl.DateTimeFormat(locale, { hour: '2-digit', minute: '2-digit', timeZone: 'Europe/Rome' }).format(
      new Date(iso),
    );

  return (
    <section className="coaching-banner" aria-label={t('banner.label')} data-testid="coaching-banner">
      <ul className="coaching-banner__list">
        {unread.map((m) => (
          <li key={m.id} className="coaching-banner__item">
            {/* the message is the news; its button stays out of the live region (a list item cannot be one) */}
            <div className="coaching-banner__message" role="status">
              <p className="coaching-banner__meta">
                {t('banner.from', { name: m.fromName, time: time(m.sentAt) })}
                {isStep(m.step) && (
                  <>
                    {' · '}
                    {t('banner.atStep', { step: t(`steps.${m.step}`) })}
                    {m.step === step && <span className="coaching-banner__current"> ({t('banner.currentStep')})</span>}
                  </>
                )}
              </p>
              <p className="coaching-banner__body">{m.body}</p>
            </div>
            <Button
              size="sm"
              variant="primary"
              busy={ack.isPending && ack.variables.messageId === m.id}
              aria-label={t('banner.ackLabel', { name: m.fromName })}
              onClick={() => ack.mutate({ requestId: crypto.randomUUID(), messageId: m.id })}
            >
              {t('banner.ack')}
            </Button>
          </li>
        ))}
      </ul>
    </section>
  );
}
