import { z } from 'zod';
import { VALUE_OUTCOMES } from '../reference/outcomes';

/** How the Italian name takes its article and pronoun (reference/italian.ts). */
export const productGrammar = z.object({
  gender: z.enum(['m', 'f']),
  plural: z.boolean(),
  article: z.string().nullable(),
});

export const catalogueProduct = z.object({
  code: z.string(),
  family: z.string(),
  businessUnit: z.string(),
  name: z.object({ it: z.string(), en: z.string() }),
  grammar: productGrammar,
  outcomes: z.array(z.enum(VALUE_OUTCOMES)),
});
export type CatalogueProduct = z.infer<typeof catalogueProduct>;
