import { useTranslation } from 'react-i18next';
import type { CampaignStatusValue, CampaignSummary } from '@valore/shared/schemas/campaigns';
import type { CallingWindow, WeekdayKey } from '@valore/shared/time/calling-window';
import { Badge } from '../../../components/ui/badge';
import { daysSince, formatDate, formatDateTime, useLang } from '../format';

const STATUS_TONE: Record<CampaignStatusValue, 'neutral' | 'info' | 'success' | 'warning'> = {
  draft: 'info',
  active: 'success',
  paused: 'warning',
  closed: 'neutral',
};

export function StatusBadge({ status }: { status: CampaignStatusValue }) {
  const { t } = useTranslation('campaigns');
  return <Badge tone={STATUS_TONE[status]}>{t(`status.${status}`)}</Badge>;
}

export function Period({
  campaign,
  compact = false,
}: {
  campaign: Pick<CampaignSummary, 'startsOn' | 'endsOn'>;
  compact?: boolean;
}) {
  const { t } = useTranslation('campaigns');
  const { locale } = useLang();
  const style = compact ? 'short' : 'medium';
  return (
    <>
      {t('period', {
        from: formatDate(locale, campaign.startsOn, style),
        to: formatDate(locale, campaign.endsOn, style),
      })}
    </>
  );
}

/** When the list was last checked against the opt-out registry, with a warning when dialling is blocked. */
export function RegistryCheck({
  campaign,
}: {
  campaign: Pick<CampaignSummary, 'registryCheckedAt' | 'registryStale'>;
}) {
  const { t } = useTranslation('campaigns');
  const { locale } = useLang();
  const at = campaign.registryCheckedAt;
  const days = at ? daysSince(at) : null;
  const stale = campaign.registryStale || days === null || days > 30;
  return (
    <span className="registry-check">
      {at ? (
        <time dateTime={at} title={formatDateTime(locale, at)}>
          {days === 0
            ? t('registry.today', { date: formatDate(locale, at.slice(0, 10)) })
            : t('registry.age', { count: days ?? 0, date: formatDate(locale, at.slice(0, 10)) })}
        </time>
      ) : (
        <span>{t('registry.never')}</span>
      )}
      {stale && <Badge tone="warning">{t('registry.staleBadge')}</Badge>}
    </span>
  );
}

const ORDER: readonly WeekdayKey[] = ['1', '2', '3', '4', '5', '6', '0'];

/** "lun–ven 09:00–20:00 · sab 10:00–19:00" */
export function windowSummary(window: CallingWindow, locale: string): string {
  const short = (d: WeekdayKey) =>
    new Intl.DateTimeFormat(locale, { weekday: 'short', timeZone: 'UTC' }).format(
      new Date(Date.UTC(2024, 0, 7 + Number(d))),
    );
  const text = (d: WeekdayKey) => (window.days[d] ?? []).map(([a, b]) => `${a}–${b}`).join(', ');
  const groups: { from: WeekdayKey; to: WeekdayKey; hours: string }[] = [];
  for (const d of ORDER) {
    const hours = text(d);
    const last = groups.at(-1);
    if (hours === '') continue;
    const prev = ORDER[ORDER.indexOf(d) - 1];
    if (last && last.hours === hours && prev === last.to) last.to = d;
    else groups.push({ from: d, to: d, hours });
  }
  return groups
    .map((g) => `${g.from === g.to ? short(g.from) : `${short(g.from)}–${short(g.to)}`} ${g.hours}`)
    .join(' · ');
}
