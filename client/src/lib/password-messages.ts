/**
 * The server states why a password is refused in English (server/src/domains/auth/password-policy.ts, the schema of
 * shared/src/schemas/auth.ts); the screens say it in the user's language: the shell's key for each known reason.
 */
const PROBLEMS = [
  [/At least \d+ characters/, 'passwordChange.problems.tooShort'],
  [/At most \d+ characters/, 'passwordChange.problems.tooLong'],
  [/username or name/, 'passwordChange.problems.hasName'],
  [/one character repeated/, 'passwordChange.problems.repeated'],
  [/common or breached/, 'passwordChange.problems.breached'],
  [/differ from the current/, 'passwordChange.problems.same'],
  [/current password/, 'passwordChange.problems.wrongCurrent'],
] as const;
export type PasswordProblemKey = (typeof PROBLEMS)[number][1] | 'passwordChange.problems.other';

export function passwordProblemKey(message: string): PasswordProblemKey {
  return PROBLEMS.find(([pattern]) => pattern.test(message))?.[1] ?? 'passwordChange.problems.other';
}
