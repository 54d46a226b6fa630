import { expect } from 'vitest';

/**
 * Vitest's asymmetric matchers, typed `unknown` instead of `any`: `expect.any(String)` and friends return `any`, and
 * the type-aware lint (rightly) refuses to assign an `any` into a test's object literals. Same matchers, same checks.
 */
export const anyString = (): unknown => expect.any(String);
export const anyNumber = (): unknown => expect.any(Number);
export const anyArray = (): unknown => expect.any(Array);
/** A string that contains `text`. */
export const containing = (text: string): unknown => expect.stringContaining(text);
/** A string that matches `pattern`. */
export const matching = (pattern: RegExp): unknown => expect.stringMatching(pattern);
