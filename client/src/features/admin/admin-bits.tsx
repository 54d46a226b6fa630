import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Button } from '../../components/ui/button';
import { localeOf } from '../../lib/lang';

/** An instant as the admin reads it, in Rome time (the centre's clock). */
export function useDateTime(): (iso: string) => string {
  const { i18n } = useTranslation();
  const locale = localeOf(i18n);
  return (iso) =>
    new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short', timeZone: 'Europe/Rome' }).format(
      new Date(iso),
    );
}

/**
 * A secret shown once (a temporary password, a new API key): focused when it appears so a keyboard or screen-reader
 * user lands on it, selectable as one piece, with a copy button.
 */
export function OneTimeSecret({ title, body, value }: { title: string; body: string; value: string }) {
  const { t } = useTranslation('admin');
  const ref = useRef<HTMLInputElement>(null);
  const [copied, setCopied] = useState(false);
  useEffect(() => {
    ref.current?.focus();
    ref.current?.select();
  }, [value]);
  return (
    <div className="admin-secret" data-testid="one-time-secret">
      <p className="admin-secret__title">
        <strong>{title}</strong>
      </p>
      <p>{body}</p>
      <div className="admin-secret__row">
        <input
          ref={ref}
          className="ui-input admin-secret__value"
          readOnly
          value={value}
          aria-label={title}
          onFocus={(e) => e.currentTarget.select()}
        />
        <Button
          size="sm"
          onClick={() => {
            void navigator.clipboard?.writeText(value).then(() => setCopied(true));
          }}
        >
          {copied ? t('users.copied') : t('users.copy')}
        </Button>
      </div>
    </div>
  );
}
