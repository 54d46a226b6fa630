import { expect } from 'vitest';

/**
 * Asymmetric matchers typed `unknown`: Vitest's own type matchers (the `expect.` one taking a constructor) return the
 * untyped top type, which the type-aware lint (rightly) refuses in a test's object literals. These are plain
 * asymmetric matchers (an object with `asymmetricMatch`, which Vitest's equality honours) with the same checks.
 */
function kind(name: string, test: (value: unknown) => boolean): unknown {
  return { asymmetricMatch: test, toString: () => name, toAsymmetricMatcher: () => name };
}
export const anyString = (): unknown => kind('Any<String>', (v) => typeof v === 'string' || v instanceof String);
export const anyNumber = (): unknown => kind('Any<Number>', (v) => typeof v === 'number' || v instanceof Number);
export const anyArray = (): unknown => kind('Any<Array>', Array.isArray);
/** A string that contains `text`. */
export const containing = (text: string): unknown => expect.stringContaining(text);
/** A string that matches `pattern`. */
export const matching = (pattern: RegExp): unknown => expect.stringMatching(pattern);
