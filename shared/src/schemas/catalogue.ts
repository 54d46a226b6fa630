import { z } from 'zod';
import { VALUE_OUTCOMES } from '../reference/outcomes';

export const catalogueProduct = z.object({
  code: z.string(),
  family: z.string(),
  businessUnit: z.string(),
  name: z.object({ it: z.string(), en: z.string() }),
  outcomes: z.array(z.enum(VALUE_OUTCOMES)),
});
export type CatalogueProduct = z.infer<typeof catalogueProduct>;
