import type { ProductGrammar } from './italian';
import type { ValueOutcome } from './outcomes';

export const PRODUCT_FAMILIES = ['savings', 'banking', 'insurance', 'telecom', 'energy'] as const;
export type ProductFamily = (typeof PRODUCT_FAMILIES)[number];

export interface ProductDefinition {
  code: string;
  family: ProductFamily;
  name: { it: string; en: string };
  /** how the Italian name takes its article and pronoun (reference/italian.ts) */
  grammar: ProductGrammar;
  funnelUrl: string;
  outcomes: readonly ValueOutcome[];
  /** Business unit that owns the product and picks campaign targets. */
  businessUnit: string;
}

const FUNNEL = 'https://shop.valore.example';

/** Demo catalogue of a postal, banking and telecom group (DOMAIN.md, "Products"). */
export const PRODUCT_CATALOGUE: readonly ProductDefinition[] = [
  {
    code: 'LIBRETTO',
    family: 'savings',
    businessUnit: 'Risparmio',
    name: { it: 'Libretto di risparmio', en: 'Savings book' },
    grammar: { gender: 'm', plural: false },
    funnelUrl: `${FUNNEL}/risparmio/libretto`,
    outcomes: ['up_appointment', 'digital_funnel'],
  },
  {
    code: 'BUONI',
    family: 'savings',
    businessUnit: 'Risparmio',
    name: { it: 'Buoni fruttiferi postali', en: 'Postal savings bonds' },
    grammar: { gender: 'm', plural: true },
    funnelUrl: `${FUNNEL}/risparmio/buoni`,
    outcomes: ['up_appointment', 'digital_funnel'],
  },
  {
    code: 'CONTO',
    family: 'banking',
    businessUnit: 'Banking',
    name: { it: 'Conto corrente', en: 'Current account' },
    grammar: { gender: 'm', plural: false },
    funnelUrl: `${FUNNEL}/conti/conto`,
    outcomes: ['up_appointment', 'digital_funnel'],
  },
  {
    code: 'CARTA_IBAN',
    family: 'banking',
    businessUnit: 'Pagamenti',
    name: { it: 'Carta prepagata con IBAN', en: 'Prepaid card with IBAN' },
    grammar: { gender: 'f', plural: false },
    funnelUrl: `${FUNNEL}/carte/prepagata-iban`,
    outcomes: ['up_appointment', 'digital_funnel'],
  },
  {
    code: 'PRESTITO',
    family: 'banking',
    businessUnit: 'Banking',
    name: { it: 'Prestito personale', en: 'Personal loan' },
    grammar: { gender: 'm', plural: false },
    funnelUrl: `${FUNNEL}/finanziamenti/prestito`,
    outcomes: ['up_appointment', 'digital_funnel'],
  },
  {
    code: 'POLIZZA_VITA',
    family: 'insurance',
    businessUnit: 'Assicurazioni',
    name: { it: 'Polizza vita e protezione', en: 'Life and protection policy' },
    grammar: { gender: 'f', plural: false },
    funnelUrl: `${FUNNEL}/assicurazioni/vita`,
    outcomes: ['up_appointment'],
  },
  {
    code: 'PIANO_INV',
    family: 'insurance',
    businessUnit: 'Investimenti',
    name: { it: 'Piano di investimento', en: 'Investment plan' },
    grammar: { gender: 'm', plural: false },
    funnelUrl: `${FUNNEL}/investimenti/piano`,
    outcomes: ['up_appointment'],
  },
  {
    code: 'FIBRA',
    family: 'telecom',
    businessUnit: 'Telco',
    name: { it: 'Fibra per la casa', en: 'Home fibre broadband' },
    grammar: { gender: 'f', plural: false },
    funnelUrl: `${FUNNEL}/casa/fibra`,
    outcomes: ['lead', 'digital_funnel'],
  },
  {
    code: 'SIM',
    family: 'telecom',
    businessUnit: 'Telco',
    name: { it: 'SIM mobile', en: 'Mobile SIM' },
    grammar: { gender: 'f', plural: false },
    funnelUrl: `${FUNNEL}/mobile/sim`,
    outcomes: ['lead', 'digital_funnel'],
  },
  {
    code: 'LUCE_GAS',
    family: 'energy',
    businessUnit: 'Energia',
    name: { it: 'Luce e gas', en: 'Electricity and gas' },
    grammar: { gender: 'f', plural: false, article: "l'offerta" },
    funnelUrl: `${FUNNEL}/energia/luce-gas`,
    outcomes: ['lead', 'digital_funnel'],
  },
];
