import { describe, expect, it } from 'vitest';
import { BUILTIN_SCRIPTS, INBOUND_SALES_1_0_0, OCS_CROSS_SELL_1_1_0, CAMPAIGN_1_0_0 } from './builtin-scripts';
import { compileScript } from './compile';
import { definitionProblems, scriptChanges, type ScriptDefinition } from './definition';
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
      'lines.proposal.it: Unknown placeholder {cliente}: use {operator}, {customer}, {product}, {theProduct}, {productPronoun}',
      'lines.proposal.en: Unknown placeholder {cliente}: use {operator}, {customer}, {product}, {theProduct}, {productPronoun}',
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

  it('takes an objection by a code of its library, or one without a code; refuses a code it did not prepare', () => {
    const prepared = { code: 'price', label: { it: 'Costa', en: 'Price' }, rebuttal: { it: 'Vale', en: 'Worth it' } };
    const machine = compileScript({ ...INBOUND_SALES_1_0_0, version: '1.1.0', objections: [prepared] });
    const atProposal = [on.identify, on.need('CONTO')] as const;
    const customer = customerWith({ consent: true });
    const raise = (code?: string) =>
      playEvents(machine, customer, [...atProposal, { type: 'proposal.objection', ...(code ? { code } : {}) }]);
    expect(stepOf(raise('price').snapshot)).toBe('objection');
    expect(raise('price').snapshot.getMeta()).toMatchObject({ 'inbound_sales.objection': { objections: [prepared] } });
    expect(stepOf(raise().snapshot)).toBe('objection');
    expect(raise('timing').refused).not.toBeNull();
    // a version without a library takes objections without a code only
    const plain = compileScript(INBOUND_SALES_1_0_0);
    expect(
      playEvents(plain, customer, [...atProposal, { type: 'proposal.objection', code: 'price' }]).refused,
    ).not.toBeNull();
  });
});

describe('scriptChanges', () => {
  it('is empty between a version and itself', () => {
    for (const def of BUILTIN_SCRIPTS) expect(scriptChanges(def, def)).toEqual([]);
  });

  it('lists the steps, the lines per language, the objections by code and the rest, in reading order', () => {
    const after: ScriptDefinition = {
      ...INBOUND_SALES_1_0_0,
      version: '1.1.0',
      steps: ['identify', 'consent', 'needs', 'proposal', 'close'],
      lines: {
        ...INBOUND_SALES_1_0_0.lines,
        consent: { it: 'Posso?', en: 'May I?' },
        proposal: { it: 'Le propongo {product}.', en: INBOUND_SALES_1_0_0.lines.proposal?.en ?? '' },
      },
      objections: [{ code: 'price', label: { it: 'Costa', en: 'Price' }, rebuttal: { it: 'Vale', en: 'Worth it' } }],
      products: ['conto_bancoposta'],
    };
    expect(scriptChanges(INBOUND_SALES_1_0_0, after)).toEqual([
      { kind: 'steps', added: ['consent'], removed: [] },
      { kind: 'line', step: 'consent', lang: 'it', before: '', after: 'Posso?' },
      { kind: 'line', step: 'consent', lang: 'en', before: '', after: 'May I?' },
      {
        kind: 'line',
        step: 'proposal',
        lang: 'it',
        before: INBOUND_SALES_1_0_0.lines.proposal?.it,
        after: 'Le propongo {product}.',
      },
      { kind: 'objection', code: 'price', before: null, after: after.objections[0] },
      { kind: 'products', before: null, after: ['conto_bancoposta'] },
    ]);
    // and back: what was added is removed
    expect(scriptChanges(after, INBOUND_SALES_1_0_0)[0]).toEqual({ kind: 'steps', added: [], removed: ['consent'] });
  });
});
