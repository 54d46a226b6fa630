import type { FlowEventType, Prompt } from '../flows/types';

/**
 * What a simulated customer says (practice mode, personas.ts), in Italian and English: a few variants per choice, the
 * same variant in both languages. Placeholders: {name} (the synthetic customer's full name), {birth} (their birth date,
 * DD/MM/YYYY), {product} (the product's name). Plain data, no rule.
 */

export const OBJECTION_KINDS = ['price', 'already_has', 'no_time', 'think_about_it', 'trust', 'privacy'] as const;
export type ObjectionKind = (typeof OBJECTION_KINDS)[number];

/** The customer's words for each choice they make. */
export const REPLY_LINES: Partial<Record<FlowEventType, readonly Prompt[]>> = {
  'contact.reached': [
    { it: 'Pronto? Chi parla?', en: 'Hello? Who is this?' },
    { it: 'Sì, pronto.', en: 'Yes, hello.' },
  ],
  'contact.not_reached': [{ it: '(nessuna risposta)', en: '(no answer)' }],
  'customer.identified': [
    {
      it: 'Sì, sono io, {name}. La data di nascita è il {birth}.',
      en: 'Yes, speaking, {name}. My date of birth is {birth}.',
    },
    { it: 'Sono {name}, la data di nascita è {birth}.', en: 'This is {name}, born on {birth}.' },
  ],
  'customer.not_eligible': [
    {
      it: 'No guardi, il titolare non c’è, sono un familiare.',
      en: 'No, the account holder isn’t here, I’m a relative.',
    },
  ],
  'ocs.solved': [
    { it: 'Perfetto, adesso funziona, grazie!', en: 'Great, it works now, thank you!' },
    { it: 'Ah ecco, era quello. Risolto.', en: 'Oh, that was it. Sorted.' },
  ],
  'ocs.unsolved': [{ it: 'No, ancora non va…', en: 'No, it still doesn’t work…' }],
  'propensity.accepted': [
    { it: 'Sì, mi dica pure, ho qualche minuto.', en: 'Sure, go ahead, I have a few minutes.' },
    { it: 'Va bene, sentiamo.', en: 'All right, let’s hear it.' },
  ],
  'propensity.declined': [{ it: 'No, grazie, adesso non ho tempo.', en: 'No thanks, I don’t have time now.' }],
  'consent.granted': [
    { it: 'Sì, va bene, può contattarmi.', en: 'Yes, that’s fine, you may contact me.' },
    { it: 'D’accordo, acconsento.', en: 'OK, I agree.' },
  ],
  'consent.refused': [
    { it: 'No, preferisco di no.', en: 'No, I’d rather not.' },
    { it: 'No, non voglio ricevere offerte.', en: 'No, I don’t want to be contacted about offers.' },
  ],
  'needs.identified': [
    { it: 'Mi interessa questo: {product}.', en: 'This is what interests me: {product}.' },
    { it: 'Forse questo, mi racconti: {product}.', en: 'Maybe this one, tell me more: {product}.' },
  ],
  'proposal.accepted': [
    { it: 'Mi sembra interessante, come si procede?', en: 'Sounds interesting, how do we go ahead?' },
    { it: 'Va bene, mi ha convinto.', en: 'All right, you’ve convinced me.' },
  ],
  'objection.resolved': [
    { it: 'Ah, così cambia. Va bene.', en: 'Oh, that changes things. All right.' },
    { it: 'Capito, allora ci sto.', en: 'I see, then I’m in.' },
  ],
  'proposal.declined': [
    { it: 'No, grazie, non mi interessa.', en: 'No thanks, I’m not interested.' },
    { it: 'Guardi, lasciamo stare.', en: 'Look, let’s leave it.' },
  ],
  'outcome.appointment': [
    {
      it: 'Preferisco parlarne di persona in ufficio postale.',
      en: 'I’d rather talk about it in person at the post office.',
    },
  ],
  'outcome.funnel': [{ it: 'Mi mandi pure il link, faccio da solo.', en: 'Just send me the link, I’ll do it myself.' }],
  'outcome.lead': [
    { it: 'Mi faccia richiamare da un consulente per concludere.', en: 'Have an adviser call me to finish it.' },
  ],
  'callback.requested': [
    { it: 'Adesso non posso, mi richiama più tardi?', en: 'I can’t talk now, could you call me back later?' },
  ],
  'customer.opted_out': [
    { it: 'Non chiamatemi più, per favore.', en: 'Please don’t call me again.' },
    { it: 'Toglietemi dalle vostre liste.', en: 'Take me off your lists.' },
  ],
};

/** The customer's words for each kind of objection. */
export const OBJECTION_LINES: Record<ObjectionKind, readonly Prompt[]> = {
  price: [
    { it: 'Quanto mi costa? Mi sembra caro.', en: 'How much does it cost? It seems expensive.' },
    { it: 'Con la pensione che ho, non posso spendere.', en: 'On my budget I can’t spend more.' },
  ],
  already_has: [
    { it: 'Ho già qualcosa del genere con la mia banca.', en: 'I already have something like that with my bank.' },
  ],
  no_time: [{ it: 'Non ho tempo per queste cose.', en: 'I don’t have time for this.' }],
  think_about_it: [
    { it: 'Ci devo pensare, ne parlo in famiglia.', en: 'I need to think about it, I’ll talk it over at home.' },
  ],
  trust: [{ it: 'Come faccio a fidarmi? Sono tutte uguali.', en: 'How can I trust it? They’re all the same.' }],
  privacy: [{ it: 'Che ci fate con i miei dati?', en: 'What do you do with my data?' }],
};

/** When the customer has nothing to choose (the step offers none of their choices). */
export const WAITING_LINE: Prompt = { it: 'Mi dica…', en: 'Go on…' };

/** Fills the placeholders of a line. */
export function fillLine(line: Prompt, values: Record<string, string>): Prompt {
  const fill = (text: string) => text.replace(/\{(\w+)\}/g, (match, key: string) => values[key] ?? match);
  return { it: fill(line.it), en: fill(line.en) };
}
