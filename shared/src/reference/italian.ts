/**
 * How a product's name is said inside a sentence (the script's lines, the customer's messages): Italian needs its
 * article and the pronoun that stands for it ("le consiglio **il** Prestito personale", "come pensa di usar**la**" for a
 * SIM); English takes "the" and it/them. One owner for the rules, used by the console, the studio preview and the
 * message templates.
 */
export type GrammaticalGender = 'm' | 'f';

export interface ProductGrammar {
  /** Italian gender of the name's head noun (il Conto, la Carta) */
  gender: GrammaticalGender;
  /** the name is plural (i Buoni fruttiferi) */
  plural: boolean;
  /** what goes before the name instead of the article, when the rules do not fit ("l'offerta" Luce e gas) */
  article?: string | null;
}

export const DEFAULT_PRODUCT_GRAMMAR: ProductGrammar = { gender: 'm', plural: false, article: null };

const VOWEL = /^[aeiouàèéìòóùh]/i;
// s + consonant, z, x, y, gn, ps, pn, and i/j before a vowel (lo iogurt, lo yogurt): "lo" / "gli"
const LO_START = /^(s[bcdfgklmnpqrstvwxz]|z|x|y|gn|ps|pn|[ij][aeiou])/i;

/** The Italian definite article for a name: il, lo, l', la, i, gli, le (an override wins). */
export function italianArticle(name: string, grammar: ProductGrammar): string {
  if (grammar.article) return grammar.article.trim();
  const word = name.trim();
  const loStart = LO_START.test(word);
  // "i" before a vowel is a semivowel only before another vowel ("lo iodio"); "l'" before any other vowel
  const vowel = VOWEL.test(word) && !/^[ij][aeiou]/i.test(word);
  if (grammar.gender === 'f') return grammar.plural ? 'le' : vowel ? "l'" : 'la';
  if (grammar.plural) return vowel || loStart ? 'gli' : 'i';
  return vowel ? "l'" : loStart ? 'lo' : 'il';
}

/** "il Prestito personale", "l'Assicurazione casa", "the Personal loan". */
export function nameWithArticle(lang: 'it' | 'en', name: string, grammar: ProductGrammar): string {
  if (lang === 'en') return `the ${name}`;
  const article = italianArticle(name, grammar);
  return article.endsWith("'") ? `${article}${name}` : `${article} ${name}`;
}

/** The object pronoun for the product: lo, la, li, le ("usarlo"); it, them. */
export function productPronoun(lang: 'it' | 'en', grammar: ProductGrammar): string {
  if (lang === 'en') return grammar.plural ? 'them' : 'it';
  if (grammar.gender === 'f') return grammar.plural ? 'le' : 'la';
  return grammar.plural ? 'li' : 'lo';
}

/** Digits of an Italian tax code replaced by letters when two people would share one (omocodia). */
const OMOCODIA = 'LMNPQRSTUV';

/**
 * The customer's gender as their tax code records it (the day of birth plus 40 for women), for the words that agree
 * with them ("segnata come presentata"); null when the code is not a personal one.
 */
export function genderFromTaxCode(taxCode: string): GrammaticalGender | null {
  const code = taxCode.trim().toUpperCase();
  if (!/^[A-Z]{6}[0-9LMNPQRSTUV]{2}[A-EHLMPRST][0-9LMNPQRSTUV]{2}[A-Z][0-9LMNPQRSTUV]{3}[A-Z]$/.test(code)) return null;
  const digit = (c: string) => (/\d/.test(c) ? Number(c) : OMOCODIA.indexOf(c));
  const day = digit(code[9] ?? '') * 10 + digit(code[10] ?? '');
  if (day >= 1 && day <= 31) return 'm';
  if (day >= 41 && day <= 71) return 'f';
  return null;
}
