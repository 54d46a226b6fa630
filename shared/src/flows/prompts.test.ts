import { describe, expect, it } from 'vitest';
import { PRODUCT_CATALOGUE } from '../reference/products';
import { nameWithArticle, productPronoun } from '../reference/italian';
import { PLACEHOLDERS } from './definition';
import { PROMPTS } from './steps';

const fill = (text: string, values: Record<string, string>) =>
  text.replace(/\{(\w+)\}/g, (whole, key: string) => values[key] ?? whole);

describe('the shipped script lines', () => {
  it('use only the placeholders the studio knows', () => {
    for (const [step, prompt] of Object.entries(PROMPTS)) {
      for (const lang of ['it', 'en'] as const) {
        const used = [...prompt[lang].matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
        for (const name of used) expect(PLACEHOLDERS, `${step}.${lang} {${name}}`).toContain(name);
      }
    }
  });

  it('say every product of the catalogue with its article and pronoun', () => {
    for (const product of PRODUCT_CATALOGUE) {
      for (const lang of ['it', 'en'] as const) {
        const values = {
          operator: 'Anna',
          customer: 'Maria Rossi',
          product: product.name[lang],
          theProduct: nameWithArticle(lang, product.name[lang], product.grammar),
          productPronoun: productPronoun(lang, product.grammar),
        };
        for (const prompt of Object.values(PROMPTS)) expect(fill(prompt[lang], values)).not.toMatch(/[{}]/);
      }
    }
    const say = (code: string) => {
      const p = PRODUCT_CATALOGUE.find((x) => x.code === code);
      if (!p) throw new Error(code);
      return fill(PROMPTS.proposal.it, { theProduct: nameWithArticle('it', p.name.it, p.grammar) });
    };
    expect(say('PRESTITO')).toContain('le consiglio il Prestito personale:');
    expect(say('SIM')).toContain('le consiglio la SIM mobile:');
    const sim = PRODUCT_CATALOGUE.find((x) => x.code === 'SIM');
    if (!sim) throw new Error('SIM');
    expect(fill(PROMPTS.needsCallback.it, { productPronoun: productPronoun('it', sim.grammar) })).toContain('usarla?');
  });
});
