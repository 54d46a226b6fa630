import { useTranslation } from 'react-i18next';
import { Select } from '../components/ui/select';
import { chooseLanguage, currentLanguage, isLanguage, LANGUAGES } from './i18n';

export function LanguageSwitch() {
  const { t, i18n } = useTranslation();
  // Each option names its language in that language, so it can be found whichever is active.
  const options = LANGUAGES.map((language) => ({ value: language, label: t(`app.languages.${language}`) }));
  return (
    <Select
      inline
      className="language-switch"
      label={t('app.language')}
      options={options}
      value={isLanguage(i18n.resolvedLanguage) ? i18n.resolvedLanguage : currentLanguage()}
      onChange={(event) => {
        if (isLanguage(event.target.value)) void chooseLanguage(event.target.value);
      }}
    />
  );
}
