import { describe, expect, it } from 'vitest';
import { BUILTIN_SCRIPTS, INBOUND_SALES_1_0_0, OCS_CROSS_SELL_1_1_0, CAMPAIGN_1_0_0 } from './builtin-scripts';
import { compileScript } from './compile';
import { definitionProblems, type ScriptDefinition } from './definition';
import { playEvents, stepOf } from './index';
import { customerWith, on } from './test-helpers';

const problemsOf = (def: ScriptDefinition) => definitionProblems(def).map((p) => `${p.path}: ${p.message}`);

describe('script definitions', () => {
  it.each(BUILTIN_SCRIPTS.map((d) => [`${d.flow} ${d.version}`, d] as const))(
    '%s compiles, with no problem',
    (_, def) => {
      expect(problemsOf(def)).toEqual([]);
      const machine = compileScript(def);
      expect(machine.version).toBe(def.version);
      expect(machine.id).toBe(def.flow);
    },
  );

  it('cannot remove what its flow needs: the consent gate, the solved problem and the willingness to listen', () => {
    const noConsent = { ...CAMPAIGN_1_0_0, steps: CAMPAIGN_1_0_0.steps.filter((s) => s !== 'consent') };
    expect(problemsOf(noConsent)).toContain('steps: The campaign script must have the step "consent"');
    const straightToProposal = {
      ...OCS_CROSS_SELL_1_1_0,
      steps: OCS_CROSS_SELL_1_1_0.steps.filter((s) => s !== 'problem' && s !== 'propensity'),
    };
    expect(problemsOf(straightToProposal)).toEqual([
      'steps: The ocs_cross_sell script must have the step "problem"',
      'steps: The ocs_cross_sell script must have the step "propensity"',
    ]);
    expect(() => compileScript(straightToProposal)).toThrow(/does not compile/);
    // nor add a step the flow cannot have, nor reorder
    expect(problemsOf({ ...INBOUND_SALES_1_0_0, steps: ['problem', ...INBOUND_SALES_1_0_0.steps] })).toContain(
      'steps: The inbound_sales script cannot have the step "problem"',
    );
    expect(problemsOf({ ...INBOUND_SALES_1_0_0, steps: ['identify', 'proposal', 'needs', 'close'] })).toContain(
      'steps: The steps must follow the call order',
    );
  });

  it('refuses lines without both languages, unknown placeholders and placeholders that differ between languages', () => {
    const lines = (proposal: { it: string; en: string }) => ({
      ...INBOUND_SALES_1_0_0,
      lines: { ...INBOUND_SALES_1_0_0.lines, proposal },
    });
    expect(problemsOf(lines({ it: 'Le consiglio {product}', en: 'I recommend it' }))).toEqual([
      'lines.proposal: The Italian and English lines must use the same placeholders',
    ]);
    expect(problemsOf(lines({ it: 'Gentile {cliente}', en: 'Dear {cliente}' }))).toEqual([
      'lines.proposal.it: Unknown placeholder {cliente}: use {operator}, {customer} or {product}',
      'lines.proposal.en: Unknown placeholder {cliente}: use {operator}, {customer} or {product}',
    ]);
    expect(problemsOf(lines({ it: ' ', en: 'x' }))).toEqual([
      'lines.proposal: The line of "proposal" needs both Italian and English',
    ]);
    expect(problemsOf({ ...CAMPAIGN_1_0_0, assistedSale: true })).toEqual([
      'assistedSale: Only a lead follow-up (callback flow) closes on a sale',
    ]);
  });

  it('compiles what it says: its lines, an optional consent that gates the proposal, its products, outcomes and callback', () => {
    const draft: ScriptDefinition = {
      ...INBOUND_SALES_1_0_0,
      version: '1.1.0',
      steps: ['identify', 'consent', 'needs', 'proposal', 'close'],
      lines: {
        ...INBOUND_SALES_1_0_0.lines,
        consent: { it: 'Posso chiederle il consenso?', en: 'May I ask for your consent?' },
        proposal: { it: 'Per lei {product} è ideale', en: 'For you {product} is ideal' },
      },
      callbackFrom: 'proposal',
      valueOutcomes: ['up_appointment', 'lead'],
      products: ['CONTO'],
    };
    expect(problemsOf(draft)).toEqual([]);
    const machine = compileScript(draft);
    const noConsent = customerWith({ consent: false });
    // the consent step is asked, and the proposal waits for it
    const atConsent = playEvents(machine, noConsent, [on.identify]);
    expect(stepOf(atConsent.snapshot)).toBe('consent');
    // a callback only from the proposal on
    expect(playEvents(machine, noConsent, [on.identify, on.callMeBack]).refused).not.toBeNull();
    const atProposal = playEvents(machine, noConsent, [on.identify, on.consentByPhone, on.need('CONTO')]);
    expect(atProposal.refused).toBeNull();
    expect(stepOf(atProposal.snapshot)).toBe('proposal');
    expect(atProposal.snapshot.getMeta()).toMatchObject({
      'inbound_sales.proposal': { prompt: { it: 'Per lei {product} è ideale' } },
    });
    expect(
      playEvents(machine, noConsent, [on.identify, on.consentByPhone, on.need('CONTO'), on.callMeBack]).refused,
    ).toBeNull();
    // only its products
    expect(
      playEvents(machine, noConsent, [on.identify, on.consentByPhone, on.need('CARTA_IBAN')]).refused,
    ).not.toBeNull();
    // only its value outcomes
    const atClose = [on.identify, on.consentByPhone, on.need('CONTO'), on.accept] as const;
    expect(playEvents(machine, noConsent, [...atClose, on.funnelBySms]).refused).not.toBeNull();
    expect(playEvents(machine, noConsent, [...atClose, on.appointment]).refused).toBeNull();
  });
});
