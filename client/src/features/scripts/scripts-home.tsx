import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useId, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { definitionProblems, type ScriptDefinition } from '@valore/shared/flows/definition';
import type { Prompt, StepId } from '@valore/shared/flows/types';
import { FLOWS, type FlowId } from '@valore/shared/reference/outcomes';
import type { ScriptVersionDetail } from '@valore/shared/schemas/script-definition';
import { Alert } from '../../components/ui/alert';
import { Badge } from '../../components/ui/badge';
import { Button } from '../../components/ui/button';
import { Panel } from '../../components/ui/panel';
import { LoadingState } from '../../components/ui/spinner';
import { TextField } from '../../components/ui/text-field';
import { errorMessageKey } from '../../lib/errors';
import { serverFieldErrors } from '../../lib/forms';
import { useTRPC } from '../../lib/trpc';
import '../../components/ui/admin-layout.css';
import './scripts.css';

type Editing = { definition: ScriptDefinition; base: ScriptDefinition };

/** The next minor version after the flow's newest: 1.1.0 → 1.2.0. */
function nextVersion(versions: readonly ScriptVersionDetail[], flow: FlowId): string {
  const newest = versions
    .filter((v) => v.flow === flow)
    .map((v) => v.version.split('.').map(Number))
    .sort((a, b) => (b[0] ?? 0) - (a[0] ?? 0) || (b[1] ?? 0) - (a[1] ?? 0) || (b[2] ?? 0) - (a[2] ?? 0))[0];
  return newest ? `${newest[0] ?? 1}.${(newest[1] ?? 0) + 1}.0` : '1.0.0';
}

/**
 * The script studio (scripts.versions.*, scripts.assignments.*; docs/scripts.md): every flow's versions, a draft made
 * from a published version with its lines edited side by side (it/en) and compared with it, publishing with a note,
 * which version new contacts play (one, or an A/B split). Team leads and admins edit; tutors read.
 */
export function ScriptsHome() {
  const trpc = useTRPC();
  const { t } = useTranslation('scripts');
  const { t: tShell } = useTranslation();
  const me = useQuery(trpc.auth.me.queryOptions());
  const canEdit = me.data?.role === 'team_lead' || me.data?.role === 'admin';
  const versions = useQuery(trpc.scripts.versions.list.queryOptions());
  const assignments = useQuery(trpc.scripts.assignments.list.queryOptions());
  const [editing, setEditing] = useState<Editing | null>(null);
  const [notice, setNotice] = useState<string | null>(null);

  return (
    <div className="home" data-testid="home-scripts">
      <div className="page-header">
        <div>
          <h1 className="page-header__title">{t('title')}</h1>
          <p className="page-header__subtitle">{t('subtitle')}</p>
        </div>
      </div>
      {notice && (
        <Alert tone="success">
          <span role="status">{notice}</span>
        </Alert>
      )}
      {versions.isPending || assignments.isPending ? (
        <LoadingState label={t('loading')} />
      ) : versions.isError || assignments.isError ? (
        <Alert tone="error">{tShell(errorMessageKey(versions.error ?? assignments.error))}</Alert>
      ) : editing ? (
        <DraftEditor
          editing={editing}
          onDone={(message) => {
            setEditing(null);
            setNotice(message);
          }}
        />
      ) : (
        FLOWS.map((flow) => (
          <FlowVersions
            key={flow}
            flow={flow}
            versions={versions.data.filter((v) => v.flow === flow)}
            assigned={assignments.data.find((a) => a.flow === flow && a.campaignId === null)?.splits ?? []}
            canEdit={canEdit}
            onDraft={(base) => {
              setNotice(null);
              setEditing({
                base: base.definition as ScriptDefinition,
                definition:
                  base.status === 'draft'
                    ? (base.definition as ScriptDefinition)
                    : { ...(base.definition as ScriptDefinition), version: nextVersion(versions.data, flow) },
              });
            }}
            onNotice={setNotice}
          />
        ))
      )}
    </div>
  );
}

function FlowVersions({
  flow,
  versions,
  assigned,
  canEdit,
  onDraft,
  onNotice,
}: {
  flow: FlowId;
  versions: ScriptVersionDetail[];
  assigned: { version: string; weight: number }[];
  canEdit: boolean;
  onDraft: (base: ScriptVersionDetail) => void;
  onNotice: (message: string) => void;
}) {
  const { t } = useTranslation('scripts');
  const published = versions.filter((v) => v.status === 'published');
  const total = assigned.reduce((n, s) => n + s.weight, 0);
  return (
    <Panel title={t(`flows.${flow}`)}>
      <div className="admin-table__scroll" tabIndex={0} role="region" aria-label={t(`flows.${flow}`)}>
        <table className="admin-table">
          <caption className="visually-hidden">{t('caption')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('col.version')}</th>
              <th scope="col">{t('col.status')}</th>
              <th scope="col">{t('col.note')}</th>
              <th scope="col">{t('col.assigned')}</th>
              <th scope="col">{t('col.actions')}</th>
            </tr>
          </thead>
          <tbody>
            {versions.map((v) => {
              const share = assigned.find((s) => s.version === v.version);
              const name = { flow: t(`flows.${flow}`), version: v.version };
              return (
                <tr key={v.version} className={v.status === 'retired' ? 'admin-table__row--muted' : undefined}>
                  <th scope="row">
                    {v.version} {v.builtin && <span className="admin-muted">({t('builtin')})</span>}
                  </th>
                  <td>
                    <Badge tone={v.status === 'published' ? 'success' : v.status === 'draft' ? 'info' : 'neutral'}>
                      {t(`status.${v.status}`)}
                    </Badge>
                  </td>
                  <td>{v.note ?? '—'}</td>
                  <td>{share && total > 0 ? t('share', { weight: Math.round((share.weight / total) * 100) }) : '—'}</td>
                  <td className="admin-table__actions">
                    {canEdit && v.status === 'draft' && (
                      <Button size="sm" onClick={() => onDraft(v)} aria-label={t('editFor', name)}>
                        {t('edit')}
                      </Button>
                    )}
                    {canEdit && v.status === 'published' && (
                      <Button size="sm" onClick={() => onDraft(v)} aria-label={t('newDraftFor', name)}>
                        {t('newDraft')}
                      </Button>
                    )}
                    {canEdit && v.status === 'published' && published.length > 1 && (
                      <RetireButton flow={flow} version={v.version} onNotice={onNotice} />
                    )}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      {canEdit && published.length > 0 && (
        <AssignmentForm flow={flow} published={published} assigned={assigned} onNotice={onNotice} />
      )}
    </Panel>
  );
}

/** One weight per published version (0: not played); all 0: back to the newest published. */
function AssignmentForm({
  flow,
  published,
  assigned,
  onNotice,
}: {
  flow: FlowId;
  published: ScriptVersionDetail[];
  assigned: { version: string; weight: number }[];
  onNotice: (message: string) => void;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const { t } = useTranslation('scripts');
  const { t: tShell } = useTranslation();
  const [weights, setWeights] = useState<Record<string, string>>(() =>
    Object.fromEntries(
      published.map((v) => [v.version, String(assigned.find((s) => s.version === v.version)?.weight ?? 0)]),
    ),
  );
  const assign = useMutation(
    trpc.scripts.assignments.set.mutationOptions({
      onSuccess: () => {
        void queryClient.invalidateQueries(trpc.scripts.assignments.pathFilter());
        onNotice(t('assign.saved', { flow: t(`flows.${flow}`) }));
      },
    }),
  );
  function submit(event: FormEvent) {
    event.preventDefault();
    const splits = Object.entries(weights)
      .map(([version, w]) => ({ version, weight: Math.round(Number(w)) }))
      .filter((s) => Number.isFinite(s.weight) && s.weight > 0);
    assign.mutate({ flow, splits });
  }
  return (
    <form
      className="admin-form admin-form--wide"
      onSubmit={submit}
      aria-label={`${t('assign.title')} — ${t(`flows.${flow}`)}`}
    >
      <h3 className="ui-field__label">{t('assign.title')}</h3>
      <p className="ui-field__hint">{t('assign.hint')}</p>
      {assign.isError && (
        <Alert tone="error">
          {serverFieldErrors(assign.error).splits?.join(' ') ?? tShell(errorMessageKey(assign.error))}
        </Alert>
      )}
      <div className="admin-inline-form">
        {published.map((v) => (
          <TextField
            key={v.version}
            label={t('assign.weight', { version: v.version })}
            inputMode="numeric"
            value={weights[v.version] ?? '0'}
            onChange={(e) => setWeights((w) => ({ ...w, [v.version]: e.target.value }))}
          />
        ))}
      </div>
      <div className="admin-form__actions">
        <Button type="submit" variant="primary" busy={assign.isPending}>
          {t('assign.save')}
        </Button>
      </div>
    </form>
  );
}

/** The lines of a draft, Italian and English side by side, each marked when it differs from the base version. */
function DraftEditor({ editing, onDone }: { editing: Editing; onDone: (message: string | null) => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const { t } = useTranslation('scripts');
  const { t: tShell } = useTranslation();
  const ids = useId();
  const [def, setDef] = useState<ScriptDefinition>(editing.definition);
  const [note, setNote] = useState('');
  const [savedOnce, setSavedOnce] = useState(false);
  const problems = definitionProblems(def);
  const steps: StepId[] = [...def.steps, 'objection'];
  const changed = steps.filter((s) => JSON.stringify(def.lines[s]) !== JSON.stringify(editing.base.lines[s]));
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
  const setLine = (step: StepId, lang: keyof Prompt, text: string) =>
    setDef((d) => ({
      ...d,
      lines: { ...d.lines, [step]: { ...(d.lines[step] ?? { it: '', en: '' }), [lang]: text } },
    }));
  const failed = save.error ?? publish.error;
  const serverProblems = Object.values(serverFieldErrors(failed)).flat();

  function submit(event: FormEvent) {
    event.preventDefault();
    if (problems.length) return;
    save.mutate({ definition: JSON.parse(JSON.stringify(def)) as never });
  }

  return (
    <Panel title={t('editor.title', { flow: flowName, version: def.version })}>
      <form
        className="admin-form admin-form--wide"
        onSubmit={submit}
        noValidate
        aria-label={t('editor.title', { flow: flowName, version: def.version })}
      >
        <div>
          <Button onClick={() => onDone(null)}>{t('editor.back')}</Button>
        </div>
        <TextField
          label={t('editor.version')}
          value={def.version}
          className="scripts-version"
          autoFocus
          onChange={(e) => setDef((d) => ({ ...d, version: e.target.value }))}
        />
        <p className="admin-muted" role="status">
          {t('editor.diff', { count: changed.length, version: editing.base.version })}
        </p>
        <p className="ui-field__hint">{t('editor.placeholders')}</p>
        {steps.map((step) => (
          <fieldset key={step} className="admin-fieldset">
            <legend className="ui-field__label">
              {t(`steps.${step}`)} {changed.includes(step) && <Badge tone="info">{t('editor.changed')}</Badge>}
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
                    value={def.lines[step]?.[lang] ?? ''}
                    onChange={(e) => setLine(step, lang, e.target.value)}
                  />
                </div>
              ))}
            </div>
          </fieldset>
        ))}
        {(problems.length > 0 || serverProblems.length > 0) && (
          <Alert tone="error" title={t('editor.problems')}>
            <ul className="admin-list">
              {[...problems.map((p) => `${p.path}: ${p.message}`), ...serverProblems].map((m) => (
                <li key={m}>{m}</li>
              ))}
            </ul>
          </Alert>
        )}
        {failed && serverProblems.length === 0 && (
          <Alert tone="error" title={t('editor.failed')}>
            <p>{tShell(errorMessageKey(failed))}</p>
          </Alert>
        )}
        {save.isSuccess && (
          <Alert tone="success">
            <span role="status">{t('editor.saved', { version: def.version })}</span>
          </Alert>
        )}
        <div className="admin-form__actions">
          <Button type="submit" variant="primary" busy={save.isPending} disabled={problems.length > 0}>
            {t('editor.save')}
          </Button>
        </div>
        {savedOnce && (
          <div className="admin-inline-form">
            <TextField
              label={t('editor.note')}
              value={note}
              className="admin-inline-form__wide"
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

/** Retires a published version (no new contacts; its contacts stay), asked twice. */
function RetireButton({
  flow,
  version,
  onNotice,
}: {
  flow: FlowId;
  version: string;
  onNotice: (message: string) => void;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const { t } = useTranslation('scripts');
  const { t: tShell } = useTranslation();
  const [confirming, setConfirming] = useState(false);
  const name = { flow: t(`flows.${flow}`), version };
  const retire = useMutation(
    trpc.scripts.versions.retire.mutationOptions({
      onSuccess: () => {
        void queryClient.invalidateQueries(trpc.scripts.versions.pathFilter());
        void queryClient.invalidateQueries(trpc.scripts.assignments.pathFilter());
        onNotice(t('retired', name));
      },
      onError: (error) => onNotice(tShell(errorMessageKey(error))),
    }),
  );
  return confirming ? (
    <>
      {' '}
      <Button
        size="sm"
        variant="danger"
        autoFocus
        busy={retire.isPending}
        onClick={() => retire.mutate({ flow, version })}
      >
        {t('retireConfirm', name)}
      </Button>{' '}
      <Button size="sm" onClick={() => setConfirming(false)}>
        {t('retireKeep')}
      </Button>
    </>
  ) : (
    <>
      {' '}
      <Button size="sm" onClick={() => setConfirming(true)} aria-label={t('retireFor', name)}>
        {t('retire')}
      </Button>
    </>
  );
}
