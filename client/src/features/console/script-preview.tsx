import { compileScript } from '@valore/shared/flows/compile';
import { definitionProblems, type ScriptDefinition } from '@valore/shared/flows/definition';
import { EVENT_LABELS } from '@valore/shared/flows/steps';
import { FLOW_EVENT_TYPES } from '@valore/shared/flows/event-names';
import type { FlowInput } from '@valore/shared/flows/types';
import { useId, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Alert } from '../../components/ui/alert';
import { Button } from '../../components/ui/button';
import { Panel } from '../../components/ui/panel';
import { LoadingState } from '../../components/ui/spinner';
import { PreviewConsoleProvider, useConsole } from './hooks/console-store';
import { ScriptRunner } from './components/script-panel';
import { useFormat } from './format';
import '../../components/ui/admin-layout.css';
import './console.css';

/** Stands for the customer in a preview: no card is read, nothing is written for it. */
const PREVIEW_CUSTOMER_ID = 1;

/**
 * A studio draft walked as an operator would (docs/scripts.md): the draft compiled by the code the console and the
 * server play it with, in the console's own script panel, with a test customer. Nothing is recorded, booked or sent.
 * The studio page shows it (the app wires it in: features do not import each other).
 */
export function ScriptPreview({ definition, onClose }: { definition: ScriptDefinition; onClose: () => void }) {
  const { t } = useTranslation('console');
  const ids = useId();
  const [consent, setConsent] = useState(false);
  const [leadFollowUp, setLeadFollowUp] = useState(false);
  const [run, setRun] = useState(0);
  const problems = useMemo(() => definitionProblems(definition), [definition]);
  const machine = useMemo(() => (problems.length ? null : compileScript(definition)), [definition, problems]);
  const title = t('preview.title', { flow: t(`flows.${definition.flow}`), version: definition.version });

  return (
    <div className="script-preview" role="group" aria-label={title}>
      <Panel title={title}>
        <p className="ui-field__hint">{t('preview.hint')}</p>
        <div className="script-preview__controls">
          <div className="admin-check">
            <input
              id={`${ids}-consent`}
              type="checkbox"
              checked={consent}
              onChange={(e) => {
                setConsent(e.target.checked);
                setRun((n) => n + 1);
              }}
            />
            <label htmlFor={`${ids}-consent`}>{t('preview.consent')}</label>
          </div>
          {definition.assistedSale && (
            <div className="admin-check">
              <input
                id={`${ids}-lead`}
                type="checkbox"
                checked={leadFollowUp}
                onChange={(e) => {
                  setLeadFollowUp(e.target.checked);
                  setRun((n) => n + 1);
                }}
              />
              <label htmlFor={`${ids}-lead`}>{t('preview.leadFollowUp')}</label>
            </div>
          )}
          <Button onClick={() => setRun((n) => n + 1)}>{t('preview.restart')}</Button>
          <Button onClick={onClose}>{t('preview.close')}</Button>
        </div>
        {!machine && <Alert tone="error">{t('preview.invalid')}</Alert>}
      </Panel>
      {machine && (
        <PreviewConsoleProvider
          key={run}
          contact={{
            flow: definition.flow,
            customerId: PREVIEW_CUSTOMER_ID,
            customerName: t('preview.customer'),
            scriptVersion: definition.version,
          }}
        >
          <PreviewRun
            machine={machine}
            consent={consent}
            leadFollowUp={leadFollowUp}
            onRestart={() => setRun((n) => n + 1)}
          />
        </PreviewConsoleProvider>
      )}
    </div>
  );
}

function PreviewRun({
  machine,
  consent,
  leadFollowUp,
  onRestart,
}: {
  machine: ReturnType<typeof compileScript>;
  consent: boolean;
  leadFollowUp: boolean;
  onRestart: () => void;
}) {
  const { t } = useTranslation('console');
  const fmt = useFormat();
  const { draft, products } = useConsole();
  if (!draft) return null;
  if (products.length === 0) return <LoadingState label={t('script.loading')} />;
  if (draft.outcome) {
    return (
      <Panel title={t('preview.ended', { outcome: t(`outcomes.${draft.outcome}`) })}>
        <p role="status">{t('preview.ended', { outcome: t(`outcomes.${draft.outcome}`) })}</p>
        <h3 className="ui-field__label">{t('preview.path')}</h3>
        <ol>
          {draft.events.map((e, i) => {
            const type = FLOW_EVENT_TYPES.find((known) => known === e.type);
            return <li key={i}>{type ? fmt.prompt(EVENT_LABELS[type]) : e.type}</li>;
          })}
        </ol>
        <Button variant="primary" autoFocus onClick={onRestart}>
          {t('preview.restart')}
        </Button>
      </Panel>
    );
  }
  const input: FlowInput = {
    customer: { id: draft.customerId, hasMarketingConsent: consent },
    products: Object.fromEntries(products.map((p) => [p.code, p.outcomes])),
    presetProductCode: null,
    leadFollowUp,
  };
  return <ScriptRunner machine={machine} draft={draft} input={input} card={null} preview />;
}
