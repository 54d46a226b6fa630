import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { compareVersions, type ScriptDefinition } from '@valore/shared/flows/definition';
import { FLOWS, type FlowId } from '@valore/shared/reference/outcomes';
import type { ScriptAssignment, ScriptVersionDetail } from '@valore/shared/schemas/script-definition';
import { Alert } from '../../components/ui/alert';
import { Badge } from '../../components/ui/badge';
import { Button } from '../../components/ui/button';
import { Panel } from '../../components/ui/panel';
import { Select } from '../../components/ui/select';
import { LoadingState } from '../../components/ui/spinner';
import { TextField } from '../../components/ui/text-field';
import { errorMessageKey } from '../../lib/errors';
import { serverFieldErrors } from '../../lib/forms';
import { useTRPC } from '../../lib/trpc';
import { DraftEditor, type Editing, type ScriptPreviewComponent } from './draft-editor';
import '../../components/ui/admin-layout.css';
import './scripts.css';

/** The next minor version after the flow's newest: 1.1.0 → 1.2.0. */
function nextVersion(versions: readonly ScriptVersionDetail[], flow: FlowId): string {
  const newest = versions
    .filter((v) => v.flow === flow)
    .map((v) => v.version)
    .sort(compareVersions)
    .at(-1);
  if (!newest) return '1.0.0';
  const [major = 1, minor = 0] = newest.split('.').map(Number);
  return `${major}.${minor + 1}.0`;
}

/**
 * The script studio (scripts.versions.*, scripts.assignments.*; docs/scripts.md): every flow's versions, a draft made
 * from a published version with its lines edited side by side (it/en) and compared with it, publishing with a note,
 * which version new contacts play (one, or an A/B split). Team leads and admins edit; tutors read.
 */
export function ScriptsHome({ Preview }: { Preview?: ScriptPreviewComponent }) {
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
          Preview={Preview}
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
            assignments={assignments.data.filter((a) => a.flow === flow)}
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
  assignments,
  canEdit,
  onDraft,
  onNotice,
}: {
  flow: FlowId;
  versions: ScriptVersionDetail[];
  assignments: ScriptAssignment[];
  canEdit: boolean;
  onDraft: (base: ScriptVersionDetail) => void;
  onNotice: (message: string) => void;
}) {
  const { t } = useTranslation('scripts');
  const published = versions.filter((v) => v.status === 'published');
  const assigned = assignments.find((a) => a.campaignId === null)?.splits ?? [];
  const total = assigned.reduce((n, s) => n + s.weight, 0);
  return (
    <Panel title={t(`flows.${flow}`)}>
      <div
        className="admin-table__scroll"
        tabIndex={0}
        role="region"
        aria-label={t('versionsOf', { flow: t(`flows.${flow}`) })}
      >
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
      {canEdit && flow === 'campaign' && published.length > 0 && (
        <CampaignAssignments published={published} assignments={assignments} onNotice={onNotice} />
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
  campaign,
}: {
  flow: FlowId;
  published: ScriptVersionDetail[];
  assigned: { version: string; weight: number }[];
  onNotice: (message: string) => void;
  /** one campaign's own assignment (else the flow's) */
  campaign?: { id: number; name: string; pinned: string };
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
        onNotice(
          campaign
            ? t('assign.savedCampaign', { campaign: campaign.name })
            : t('assign.saved', { flow: t(`flows.${flow}`) }),
        );
      },
    }),
  );
  function submit(event: FormEvent) {
    event.preventDefault();
    const splits = Object.entries(weights)
      .map(([version, w]) => ({ version, weight: Math.round(Number(w)) }))
      .filter((s) => Number.isFinite(s.weight) && s.weight > 0);
    assign.mutate({ flow, campaignId: campaign?.id ?? null, splits });
  }
  const name = campaign ? campaign.name : t(`flows.${flow}`);
  return (
    <form className="admin-form admin-form--wide" onSubmit={submit} aria-label={`${t('assign.title')} — ${name}`}>
      {!campaign && <h3 className="ui-field__label">{t('assign.title')}</h3>}
      <p className="ui-field__hint">
        {campaign ? t('assign.campaignHint', { version: campaign.pinned }) : t('assign.hint')}
      </p>
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

/**
 * A campaign may play its own versions (an A/B test on one list): the campaign is chosen, then its weights; none:
 * the version the campaign was created with.
 */
function CampaignAssignments({
  published,
  assignments,
  onNotice,
}: {
  published: ScriptVersionDetail[];
  assignments: ScriptAssignment[];
  onNotice: (message: string) => void;
}) {
  const trpc = useTRPC();
  const { t } = useTranslation('scripts');
  const campaigns = useQuery(trpc.campaigns.list.queryOptions({ limit: 200 }));
  const [chosen, setChosen] = useState('');
  const open = (campaigns.data ?? []).filter((c) => c.status !== 'closed');
  const campaign = open.find((c) => String(c.id) === chosen);
  return (
    <div className="scripts-campaigns">
      <h3 className="ui-field__label">{t('assign.campaignTitle')}</h3>
      <Select
        label={t('assign.campaign')}
        value={chosen}
        onChange={(e) => setChosen(e.target.value)}
        options={[
          { value: '', label: t('assign.chooseCampaign') },
          ...open.map((c) => {
            const own = assignments.find((a) => a.campaignId === c.id);
            const split = own?.splits.map((s) => `${s.version} ${s.weight}`).join(' / ');
            return { value: String(c.id), label: split ? `${c.name} (${split})` : `${c.name} (${c.scriptVersion})` };
          }),
        ]}
      />
      {campaign && (
        <AssignmentForm
          key={campaign.id}
          flow="campaign"
          published={published}
          assigned={assignments.find((a) => a.campaignId === campaign.id)?.splits ?? []}
          onNotice={onNotice}
          campaign={{ id: campaign.id, name: campaign.name, pinned: campaign.scriptVersion }}
        />
      )}
    </div>
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
