import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { customerSearchInput, loginInput, newPassword } from '../schemas/forms';
import { checkText, normaliseText, TEXT_RULES } from './text-rules';

// The pages check the rules without zod; the server parses with the zod schemas built from them. Both must agree on
// every value, or a form the page lets through is refused by the server (or the other way round).
const text = fc.oneof(
  fc.string({ maxLength: 300 }),
  fc.string({ unit: fc.constantFrom(' ', 'a', 'à', '😀', '\t'), maxLength: 140 }),
);

describe('text rules and the server schemas', () => {
  it('the sign-in rules accept and refuse what loginInput does, and give the parsed values', () => {
    fc.assert(
      fc.property(text, text, (username, password) => {
        const parsed = loginInput.safeParse({ username, password });
        const pageOk =
          checkText(TEXT_RULES.username, username) === null && checkText(TEXT_RULES.password, password) === null;
        expect(pageOk).toBe(parsed.success);
        if (parsed.success) {
          expect(parsed.data.username).toBe(normaliseText(TEXT_RULES.username, username));
          expect(parsed.data.password).toBe(password);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('a new password and a customer search agree with their schemas, with the same message', () => {
    fc.assert(
      fc.property(text, (value) => {
        const pw = newPassword.safeParse(value);
        const pwProblem = checkText(TEXT_RULES.newPassword, value);
        expect(pwProblem === null).toBe(pw.success);
        if (!pw.success) expect(pw.error.issues[0]?.message).toBe(pwProblem?.message);
        const q = customerSearchInput.safeParse({ query: value });
        expect(checkText(TEXT_RULES.customerQuery, value) === null).toBe(q.success);
      }),
      { numRuns: 500 },
    );
  });

  it('says which limit is broken', () => {
    expect(checkText(TEXT_RULES.username, '   ')).toMatchObject({ code: 'too_small', minimum: 1 });
    expect(checkText(TEXT_RULES.username, 'x'.repeat(65))).toMatchObject({ code: 'too_big', maximum: 64 });
    expect(checkText(TEXT_RULES.newPassword, 'short')?.message).toBe('At least 12 characters');
    expect(checkText(TEXT_RULES.customerQuery, ' ro ')).toBeNull();
  });
});
