/**
 * The rules of the text fields on the operator's way to the console (sign-in, a new password, customer search): one
 * owner for their limits and messages. The server's zod schemas are built from them (schemas/forms.ts) and the pages
 * check them with `checkText`, without loading zod: the console's first screen stays inside its JS budget
 * (docs/performance.md, "Operator console JS").
 */
export interface TextRule {
  /** spaces at both ends are dropped before the length is counted (and before the value is used) */
  trim?: boolean;
  min: number;
  max: number;
  minMessage?: string;
  maxMessage?: string;
}

export type TextProblem =
  { code: 'too_small'; minimum: number; message: string } | { code: 'too_big'; maximum: number; message: string };

export const PASSWORD_MIN = 12;
export const PASSWORD_MAX = 128;

export const TEXT_RULES = {
  username: { trim: true, min: 1, max: 64, minMessage: 'Inserisci il nome utente' },
  password: { min: 1, max: 256, minMessage: 'Inserisci la password' },
  /** a password a person chooses: the server also refuses common and breached ones and the username (docs/admin.md) */
  newPassword: {
    min: PASSWORD_MIN,
    max: PASSWORD_MAX,
    minMessage: `At least ${PASSWORD_MIN} characters`,
    maxMessage: `At most ${PASSWORD_MAX} characters`,
  },
  customerQuery: { trim: true, min: 2, max: 64, minMessage: 'Type at least 2 characters' },
} as const satisfies Record<string, TextRule>;

/** The value as the rule uses it (trimmed when the rule says so). */
export function normaliseText(rule: TextRule, value: string): string {
  return rule.trim ? value.trim() : value;
}

/** Characters as a person counts them (and as zod does): code points, so an emoji is one, not two UTF-16 units. */
function codePoints(value: string): number {
  return Array.from(value).length;
}

/** The first thing wrong with the value under the rule, or null. */
export function checkText(rule: TextRule, value: string): TextProblem | null {
  const length = codePoints(normaliseText(rule, value));
  if (length < rule.min)
    return { code: 'too_small', minimum: rule.min, message: rule.minMessage ?? `At least ${rule.min} characters` };
  if (length > rule.max)
    return { code: 'too_big', maximum: rule.max, message: rule.maxMessage ?? `At most ${rule.max} characters` };
  return null;
}
