import { useTranslation } from 'react-i18next';

// Its own module because both the live script and the after-call work show it: kept in either, they imported each other.
export function NotesField({ value, onChange }: { value: string; onChange: (notes: string) => void }) {
  const { t } = useTranslation('console');
  return (
    <div className="ui-field script__notes">
      <label className="ui-field__label" htmlFor="contact-notes">
        {t('script.notes')}
      </label>
      <textarea
        id="contact-notes"
        className="ui-input script__notes-input"
        rows={3}
        maxLength={2000}
        value={value}
        onChange={(e) => onChange(e.target.value)}
      />
    </div>
  );
}
