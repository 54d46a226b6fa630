import { describe, expect, it } from 'vitest';
import { genderFromTaxCode, italianArticle, nameWithArticle, productPronoun, type ProductGrammar } from './italian';
import { PRODUCT_CATALOGUE } from './products';

const m: ProductGrammar = { gender: 'm', plural: false };
const f: ProductGrammar = { gender: 'f', plural: false };
const mp: ProductGrammar = { gender: 'm', plural: true };
const fp: ProductGrammar = { gender: 'f', plural: true };

describe('Italian articles and pronouns for product names', () => {
  it('follows the rules of the definite article', () => {
    expect(italianArticle('Prestito personale', m)).toBe('il');
    expect(italianArticle('Studio legale', m)).toBe('lo');
    expect(italianArticle('Zaino', m)).toBe('lo');
    expect(italianArticle('SPID', m)).toBe('lo');
    expect(italianArticle('Investimento', m)).toBe("l'");
    expect(italianArticle('Iogurt', m)).toBe('lo');
    expect(italianArticle('SIM mobile', f)).toBe('la');
    expect(italianArticle('Assicurazione casa', f)).toBe("l'");
    expect(italianArticle('Buoni fruttiferi postali', mp)).toBe('i');
    expect(italianArticle('Investimenti', mp)).toBe('gli');
    expect(italianArticle('Strumenti', mp)).toBe('gli');
    expect(italianArticle('Polizze', fp)).toBe('le');
    expect(italianArticle('Luce e gas', { ...f, article: "l'offerta" })).toBe("l'offerta");
  });

  it('puts the article before the name, with no space after an elision', () => {
    expect(nameWithArticle('it', 'Prestito personale', m)).toBe('il Prestito personale');
    expect(nameWithArticle('it', 'Assicurazione casa', f)).toBe("l'Assicurazione casa");
    expect(nameWithArticle('it', 'Luce e gas', { ...f, article: "l'offerta" })).toBe("l'offerta Luce e gas");
    expect(nameWithArticle('en', 'Personal loan', m)).toBe('the Personal loan');
  });

  it('gives the pronoun that stands for the product', () => {
    expect([m, f, mp, fp].map((g) => productPronoun('it', g))).toEqual(['lo', 'la', 'li', 'le']);
    expect([m, mp].map((g) => productPronoun('en', g))).toEqual(['it', 'them']);
  });

  it('every product of the demo catalogue has its grammar', () => {
    const said = Object.fromEntries(
      PRODUCT_CATALOGUE.map((p) => [p.code, nameWithArticle('it', p.name.it, p.grammar)]),
    );
    expect(said).toMatchObject({
      PRESTITO: 'il Prestito personale',
      SIM: 'la SIM mobile',
      BUONI: 'i Buoni fruttiferi postali',
      CARTA_IBAN: 'la Carta prepagata con IBAN',
      LUCE_GAS: "l'offerta Luce e gas",
    });
  });
});

describe('the gender a tax code records', () => {
  it('reads the day of birth: plus 40 for women, letters for digits under omocodia', () => {
    expect(genderFromTaxCode('RSSMRA85T10A562S')).toBe('m');
    expect(genderFromTaxCode('RSSMRA85T50A562S')).toBe('f');
    expect(genderFromTaxCode('rssmra85t71a562s')).toBe('f');
    expect(genderFromTaxCode('RSSMRA85T5LA562S')).toBe('f'); // L = 0
    expect(genderFromTaxCode('RSSMRA85T1MA562S')).toBe('m'); // M = 1
    expect(genderFromTaxCode('RSSMRA85T35A562S')).toBeNull();
    expect(genderFromTaxCode('12345678901')).toBeNull(); // a company's
  });
});
