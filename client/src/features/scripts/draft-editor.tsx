import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  definitionProblems,
  FLOW_RULES,
  scriptChanges,
  STEP_ORDER,
  type ScriptDefinition,
  type ScriptObjection,
  type ScriptStep,
} from '@valore/shared/flows/definition';
import { PROMPTS } from '@valore/shared/flows/steps';
import type { Prompt, StepId } from '@valore/shared/flows/types';
import { VALUE_OUTCOMES } from '@valore/shared/reference/outcomes';
import { useId, useMemo, useRef, useState, type ComponentType, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Alert } from '../../components/ui/alert';
import { Badge } from '../../components/ui/badge';
import { Button } from '../../components/ui/button';
import { Panel } from '../../components/ui/panel';
import { Select } from '../../components/ui/select';
import { Tabs } from '../../components/ui/tabs';
import { TextField } from '../../components/ui/text-field';
import { errorMessageKey } from '../../lib/errors';
import { serverFieldErrors } from '../../lib/forms';
import { useFocusAfterRender } from '../../lib/focus';
import { useTRPC } from '../../lib/trpc';
import { ScriptDiff } from './script-diff';

/** Plays a draft as an operator would (the console's script panel; the app passes it in). */
export type ScriptPreviewComponent = ComponentType<{ definition: ScriptDefinition; onClose: () => void }>;

export type Editing = { definition: ScriptDefinition; base: ScriptDefinition };

type Tab = 'lines' | 'objections' | 'structure' | 'diff';

/**
 * A draft being edited: its lines side by side (it/en), its objections with their rebuttals, its steps, products and
 * outcomes within its flow's rules, the differences from the version it was made from, and a preview in the real
 * script panel. Saved as a draft (scripts.versions.saveDraft), then published with a note.
 */
export function DraftEditor({
  editing,
  Preview,
  onDone,
}: {
  editing: Editing;
  Preview: ScriptPreviewComponent | undefined;
  onDone: (message: string | null) => void;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const { t, i18n } = useTranslation('scripts');
  const [def, setDef] = useState<ScriptDefinition>(editing.definition);
  const [tab, setTab] = useState<Tab>('lines');
  const [previewing, setPreviewing] = useState(false);
  const previewButton = useRef<HTMLButtonElement>(null);
  const focusAfterRender = useFocusAfterRender();
  const [note, setNote] = useState('');
  const [savedOnce, setSavedOnce] = useState(false);
  const catalogue = useQuery(trpc.scripts.catalogue.queryOptions(undefined, { staleTime: 10 * 60_000 }));
  const lang = i18n.language.startsWith('en') ? 'en' : 'it';
  const productName = (code: string) => catalogue.data?.find((p) => p.code === code)?.name[lang] ?? code;
  const problems = useMemo(() => definitionProblems(def), [def]);
  const changes = useMemo(() => scriptChanges(editing.base, def), [editing.base, def]);
  const flowName = t(`flows.${def.flow}`);
  const refresh = () => void queryClient.invalidateQueries(trpc.scripts.versions.pathFilter());
  const save = useMutation(
    trpc.scripts.versions.saveDraft.mutationOptions({
      onSuccess: () => {
        setSavedOnce(true);
        refresh();
      },
    }),
  );
  const publish = useMutation(
    trpc.scripts.versions.publish.mutationOptions({
      onSuccess: () => {
        refresh();
        onDone(t('editor.published', { flow: flowName, version: def.version }));
      },
    }),
  );
  const edit = (next: ScriptDefinition) => {
    setDef(next);
    save.reset();
  };
  const failed = save.error ?? publish.error;
  const title = t('editor.title', { flow: flowName, version: def.version });

  function submit(event: FormEvent) {
    event.preventDefault();
    if (problems.length) return;
    save.mutate({ definition: JSON.parse(JSON.stringify(def)) as never });
  }

  if (previewing && Preview) {
    return (
      <Preview
        definition={def}
        onClose={() => {
          setPreviewing(false);
          focusAfterRender(() => previewButton.current);
        }}
      />
    );
  }

  return (
    <Panel title={title}>
      <form className="admin-form admin-form--wide" onSubmit={submit} noValidate aria-label={title}>
        <div>
          <Button onClick={() => onDone(null)}>{t('editor.back')}</Button>
        </div>
        <TextField
          label={t('editor.version')}
          value={def.version}
          className="scripts-version"
          autoFocus
          onChange={(e) => edit({ ...def, version: e.target.value })}
        />
        <p className="admin-muted" role="status">
          {t('editor.diff', { count: changes.length, version: editing.base.version })}
        </p>
        <Tabs
          label={title}
          selected={tab}
          onSelect={setTab}
          tabs={[
            { id: 'lines', label: t('tabs.lines') },
            { id: 'objections', label: t('tabs.objections', { count: def.objections.length }) },
            { id: 'structure', label: t('tabs.structure') },
            { id: 'diff', label: t('tabs.diff', { count: changes.length }) },
          ]}
        >
          {tab === 'lines' && <LinesEditor def={def} base={editing.base} onChange={edit} />}
          {tab === 'objections' && <ObjectionsEditor def={def} onChange={edit} />}
          {tab === 'structure' && (
            <StructureEditor
              def={def}
              onChange={edit}
              products={(catalogue.data ?? []).map((p) => ({ code: p.code, name: p.name[lang] }))}
            />
          )}
          {tab === 'diff' && (
            <ScriptDiff changes={changes} baseVersion={editing.base.version} productName={productName} />
          )}
        </Tabs>
        <EditorProblems problems={problems.map((p) => `${p.path}: ${p.message}`)} failed={failed} />
        {save.isSuccess && (
          <Alert tone="success">
            <span role="status">{t('editor.saved', { version: def.version })}</span>
          </Alert>
        )}
        <div className="admin-form__actions">
          <Button type="submit" variant="primary" busy={save.isPending} disabled={problems.length > 0}>
            {t('editor.save')}
          </Button>
          {Preview && (
            <Button ref={previewButton} disabled={problems.length > 0} onClick={() => setPreviewing(true)}>
              {t('editor.preview')}
            </Button>
          )}
        </div>
        {savedOnce && save.isSuccess && (
          <div className="admin-inline-form">
            <TextField
              label={t('editor.note')}
              value={note}
              className="admin-inline-form__wide"
              maxLength={500}
              onChange={(e) => setNote(e.target.value)}
            />
            <Button
              variant="primary"
              busy={publish.isPending}
              disabled={!note.trim()}
              onClick={() => publish.mutate({ flow: def.flow, version: def.version, note })}
            >
              {t('editor.publish')}
            </Button>
          </div>
        )}
      </form>
    </Panel>
  );
}

/** The operator's line of each step, Italian and English side by side, marked where it differs from the base. */
function LinesEditor({
  def,
  base,
  onChange,
}: {
  def: ScriptDefinition;
  base: ScriptDefinition;
  onChange: (def: ScriptDefinition) => void;
}) {
  const { t } = useTranslation('scripts');
  const ids = useId();
  const steps: StepId[] = def.steps.flatMap((s): StepId[] => (s === 'proposal' ? ['proposal', 'objection'] : [s]));
  const setLine = (step: StepId, lang: keyof Prompt, text: string) =>
    onChange({ ...def, lines: { ...def.lines, [step]: { ...(def.lines[step] ?? { it: '', en: '' }), [lang]: text } } });
  return (
    <div className="scripts-tab">
      <p className="ui-field__hint">{t('editor.placeholders')}</p>
      {steps.map((step) => (
        <fieldset key={step} className="admin-fieldset">
          <legend className="ui-field__label">
            {t(`steps.${step}`)}{' '}
            {JSON.stringify(def.lines[step]) !== JSON.stringify(base.lines[step]) && (
              <Badge tone="info">{t('editor.changed')}</Badge>
            )}
          </legend>
          <div className="scripts-lines">
            {(['it', 'en'] as const).map((lang) => (
              <div className="ui-field" key={lang}>
                <label className="ui-field__label" htmlFor={`${ids}-${step}-${lang}`}>
                  {t(lang === 'it' ? 'editor.lineIt' : 'editor.lineEn', { step: t(`steps.${step}`) })}
                </label>
                <textarea
                  id={`${ids}-${step}-${lang}`}
                  className="ui-input scripts-lines__text"
                  rows={3}
                  maxLength={2000}
                  value={def.lines[step]?.[lang] ?? ''}
                  onChange={(e) => setLine(step, lang, e.target.value)}
                />
              </div>
            ))}
          </div>
        </fieldset>
      ))}
    </div>
  );
}

const EMPTY_OBJECTION: ScriptObjection = { code: '', label: { it: '', en: '' }, rebuttal: { it: '', en: '' } };

/** The objections the operator is prepared for: a code (what the statistics count), a label and a suggested rebuttal. */
function ObjectionsEditor({ def, onChange }: { def: ScriptDefinition; onChange: (def: ScriptDefinition) => void }) {
  const { t } = useTranslation('scripts');
  const ids = useId();
  const setAt = (i: number, o: ScriptObjection) =>
    onChange({ ...def, objections: def.objections.map((x, j) => (j === i ? o : x)) });
  return (
    <div className="scripts-tab">
      <p className="ui-field__hint">{t('objections.hint')}</p>
      {def.objections.map((o, i) => (
        <fieldset key={i} className="admin-fieldset">
          <legend className="ui-field__label">{t('objections.legend', { n: i + 1, code: o.code || '…' })}</legend>
          <TextField
            label={t('objections.code')}
            hint={t('objections.codeHint')}
            value={o.code}
            maxLength={32}
            className="scripts-version"
            onChange={(e) => setAt(i, { ...o, code: e.target.value })}
          />
          {(['label', 'rebuttal'] as const).map((part) => (
            <div className="scripts-lines" key={part}>
              {(['it', 'en'] as const).map((lang) => (
                <div className="ui-field" key={lang}>
                  <label className="ui-field__label" htmlFor={`${ids}-${i}-${part}-${lang}`}>
                    {t(`objections.${part}`, { lang: t(`lang.${lang}`) })}
                  </label>
                  <textarea
                    id={`${ids}-${i}-${part}-${lang}`}
                    className="ui-input scripts-lines__text"
                    rows={part === 'label' ? 1 : 3}
                    maxLength={part === 'label' ? 200 : 2000}
                    value={o[part][lang]}
                    onChange={(e) => setAt(i, { ...o, [part]: { ...o[part], [lang]: e.target.value } })}
                  />
                </div>
              ))}
            </div>
          ))}
          <div>
            <Button
              size="sm"
              variant="danger"
              onClick={() => onChange({ ...def, objections: def.objections.filter((_, j) => j !== i) })}
            >
              {t('objections.remove', { code: o.code || i + 1 })}
            </Button>
          </div>
        </fieldset>
      ))}
      <div>
        <Button onClick={() => onChange({ ...def, objections: [...def.objections, EMPTY_OBJECTION] })}>
          {t('objections.add')}
        </Button>
      </div>
    </div>
  );
}

/**
 * What the flow lets a version choose: its optional steps (the line starts from the product's default), where a
 * callback may be agreed, the value outcomes offered and the products proposed. Required steps are shown, locked.
 */
function StructureEditor({
  def,
  onChange,
  products,
}: {
  def: ScriptDefinition;
  onChange: (def: ScriptDefinition) => void;
  products: readonly { code: string; name: string }[];
}) {
  const { t } = useTranslation('scripts');
  const ids = useId();
  const rule = FLOW_RULES[def.flow];
  const possible = STEP_ORDER.filter((s) => rule.required.includes(s) || rule.optional.includes(s));
  const toggleStep = (step: ScriptStep, on: boolean) => {
    const steps = STEP_ORDER.filter((s) => (s === step ? on : def.steps.includes(s)));
    const shipped = Object.entries(PROMPTS).find(([k]) => k === step)?.[1] ?? { it: '', en: '' };
    const lines = on && !def.lines[step] ? { ...def.lines, [step]: shipped } : def.lines;
    const callbackFrom = !on && def.callbackFrom === step ? null : def.callbackFrom;
    onChange({ ...def, steps, lines, callbackFrom });
  };
  const chosen = def.products ?? [];
  return (
    <div className="scripts-tab">
      <fieldset className="admin-fieldset">
        <legend className="ui-field__label">{t('structure.steps')}</legend>
        <p className="ui-field__hint">{t('structure.stepsHint')}</p>
        {possible.map((s) => {
          const required = rule.required.includes(s);
          return (
            <div className="admin-check" key={s}>
              <input
                id={`${ids}-step-${s}`}
                type="checkbox"
                checked={def.steps.includes(s)}
                disabled={required}
                onChange={(e) => toggleStep(s, e.target.checked)}
              />
              <label htmlFor={`${ids}-step-${s}`}>
                {t(`steps.${s}`)} {required && <span className="admin-muted">({t('structure.required')})</span>}
              </label>
            </div>
          );
        })}
      </fieldset>
      <Select
        label={t('structure.callbackFrom')}
        value={def.callbackFrom ?? ''}
        onChange={(e) => {
          const step = def.steps.find((s) => s === e.target.value) ?? null;
          onChange({ ...def, callbackFrom: step });
        }}
        options={[
          { value: '', label: t('structure.noCallback') },
          ...def.steps.filter((s) => s !== 'dialling').map((s) => ({ value: s, label: t(`steps.${s}`) })),
        ]}
      />
      <fieldset className="admin-fieldset">
        <legend className="ui-field__label">{t('structure.valueOutcomes')}</legend>
        {VALUE_OUTCOMES.map((o) => (
          <div className="admin-check" key={o}>
            <input
              id={`${ids}-outcome-${o}`}
              type="checkbox"
              checked={def.valueOutcomes.includes(o)}
              onChange={(e) =>
                onChange({
                  ...def,
                  valueOutcomes: VALUE_OUTCOMES.filter((x) =>
                    x === o ? e.target.checked : def.valueOutcomes.includes(x),
                  ),
                })
              }
            />
            <label htmlFor={`${ids}-outcome-${o}`}>{t(`outcomes.${o}`)}</label>
          </div>
        ))}
      </fieldset>
      {rule.assistedSale && (
        <div className="admin-check">
          <input
            id={`${ids}-sale`}
            type="checkbox"
            checked={def.assistedSale}
            onChange={(e) => onChange({ ...def, assistedSale: e.target.checked })}
          />
          <label htmlFor={`${ids}-sale`}>{t('structure.assistedSale')}</label>
        </div>
      )}
      <fieldset className="admin-fieldset">
        <legend className="ui-field__label">{t('structure.products')}</legend>
        <div className="admin-check">
          <input
            id={`${ids}-all`}
            type="checkbox"
            checked={def.products === null}
            onChange={(e) => onChange({ ...def, products: e.target.checked ? null : products.map((p) => p.code) })}
          />
          <label htmlFor={`${ids}-all`}>{t('structure.allProducts')}</label>
        </div>
        {def.products !== null &&
          products.map((p) => (
            <div className="admin-check" key={p.code}>
              <input
                id={`${ids}-product-${p.code}`}
                type="checkbox"
                checked={chosen.includes(p.code)}
                onChange={(e) =>
                  onChange({
                    ...def,
                    products: e.target.checked ? [...chosen, p.code] : chosen.filter((c) => c !== p.code),
                  })
                }
              />
              <label htmlFor={`${ids}-product-${p.code}`}>{p.name}</label>
            </div>
          ))}
      </fieldset>
    </div>
  );
}

/** What stops the draft from being saved: the shared checks (live) and what the server refused, field by field. */
function EditorProblems({ problems, failed }: { problems: string[]; failed: unknown }) {
  const { t } = useTranslation('scripts');
  const { t: tShell } = useTranslation();
  const serverProblems = Object.values(serverFieldErrors(failed)).flat();
  return (
    <>
      {(problems.length > 0 || serverProblems.length > 0) && (
        <Alert tone="error" title={t('editor.problems')}>
          <ul className="admin-list">
            {[...problems, ...serverProblems].map((m) => (
              <li key={m}>{m}</li>
            ))}
          </ul>
        </Alert>
      )}
      {failed != null && serverProblems.length === 0 && (
        <Alert tone="error" title={t('editor.failed')}>
          <p>{tShell(errorMessageKey(failed))}</p>
        </Alert>
      )}
    </>
  );
}
