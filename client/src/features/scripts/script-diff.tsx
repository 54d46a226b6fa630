import { diffWords } from 'diff';
import type { ScriptChange, ScriptObjection } from '@valore/shared/flows/definition';
import type { Prompt } from '@valore/shared/flows/types';
import { useTranslation } from 'react-i18next';
import { EmptyState } from '../../components/ui/panel';

/** A line's words, removed ones struck through and added ones marked (a word diff: jsdiff's diffWords). */
function WordDiff({ before, after }: { before: string; after: string }) {
  const { t } = useTranslation('scripts');
  return (
    <p className="scripts-diff__words">
      {diffWords(before, after).map((part, i) =>
        part.added ? (
          <ins key={i} title={t('diff.added')}>
            {part.value}
          </ins>
        ) : part.removed ? (
          <del key={i} title={t('diff.removed')}>
            {part.value}
          </del>
        ) : (
          <span key={i}>{part.value}</span>
        ),
      )}
    </p>
  );
}

const prompt = (p: Prompt, lang: keyof Prompt) => p[lang];
const objectionText = (o: ScriptObjection | null, lang: keyof Prompt) =>
  o ? `${prompt(o.label, lang)} → ${prompt(o.rebuttal, lang)}` : '';

/**
 * What a draft changes in the version it was made from, change by change: added and removed steps, each line per
 * language with its words marked, objections by code, products, outcomes, callback and sale rules.
 */
export function ScriptDiff({
  changes,
  baseVersion,
  productName,
}: {
  changes: readonly ScriptChange[];
  baseVersion: string;
  productName: (code: string) => string;
}) {
  const { t, i18n } = useTranslation('scripts');
  const lang: keyof Prompt = i18n.language.startsWith('en') ? 'en' : 'it';
  if (changes.length === 0) return <EmptyState>{t('diff.none', { version: baseVersion })}</EmptyState>;
  const list = <T extends string>(items: readonly T[] | null, name: (x: T) => string) =>
    items === null ? t('diff.all') : items.map(name).join(', ') || '—';
  return (
    <ol className="scripts-diff" aria-label={t('diff.title', { version: baseVersion })}>
      {changes.map((c, i) => {
        switch (c.kind) {
          case 'steps':
            return (
              <li key={i}>
                <h3>{t('diff.steps')}</h3>
                {c.added.length > 0 && (
                  <p>
                    <ins>{t('diff.stepsAdded', { steps: c.added.map((s) => t(`steps.${s}`)).join(', ') })}</ins>
                  </p>
                )}
                {c.removed.length > 0 && (
                  <p>
                    <del>{t('diff.stepsRemoved', { steps: c.removed.map((s) => t(`steps.${s}`)).join(', ') })}</del>
                  </p>
                )}
              </li>
            );
          case 'line':
            return (
              <li key={i}>
                <h3>{t(c.lang === 'it' ? 'editor.lineIt' : 'editor.lineEn', { step: t(`steps.${c.step}`) })}</h3>
                <WordDiff before={c.before} after={c.after} />
              </li>
            );
          case 'objection':
            return (
              <li key={i}>
                <h3>
                  {t(
                    c.before === null
                      ? 'diff.objectionAdded'
                      : c.after === null
                        ? 'diff.objectionRemoved'
                        : 'diff.objection',
                    {
                      code: c.code,
                    },
                  )}
                </h3>
                <WordDiff before={objectionText(c.before, lang)} after={objectionText(c.after, lang)} />
              </li>
            );
          case 'products':
            return (
              <li key={i}>
                <h3>{t('diff.products')}</h3>
                <WordDiff before={list(c.before, productName)} after={list(c.after, productName)} />
              </li>
            );
          case 'valueOutcomes':
            return (
              <li key={i}>
                <h3>{t('diff.valueOutcomes')}</h3>
                <WordDiff
                  before={list(c.before, (o) => t(`outcomes.${o}`))}
                  after={list(c.after, (o) => t(`outcomes.${o}`))}
                />
              </li>
            );
          case 'callbackFrom':
            return (
              <li key={i}>
                <h3>{t('structure.callbackFrom')}</h3>
                <WordDiff
                  before={c.before ? t(`steps.${c.before}`) : t('structure.noCallback')}
                  after={c.after ? t(`steps.${c.after}`) : t('structure.noCallback')}
                />
              </li>
            );
          case 'assistedSale':
            return (
              <li key={i}>
                <h3>{t('structure.assistedSale')}</h3>
                <WordDiff before={t(c.before ? 'diff.yes' : 'diff.no')} after={t(c.after ? 'diff.yes' : 'diff.no')} />
              </li>
            );
        }
      })}
    </ol>
  );
}
