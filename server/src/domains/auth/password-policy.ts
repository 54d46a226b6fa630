import { PASSWORD_MAX, PASSWORD_MIN } from '@valore/shared/schemas/auth';
import { fieldError } from '../../errors';

/**
 * The password policy (docs/admin.md): at least PASSWORD_MIN characters, not the username or the person's name, and
 * not on the breached-password list shipped with the project — the 49,000 most common passwords of public breaches
 * (@zxcvbn-ts/language-common, read from node_modules: nothing is fetched) plus the words of this centre. A listed
 * word with digits or symbols stuck on ("password2026!") is refused too. Checked on the server for every password a
 * person chooses; the temporary passwords the server makes pass it by construction.
 */
const LOCAL_WORDS = [
  'valore',
  'valore123',
  'poste',
  'posteitaliane',
  'postaitaliana',
  'bancoposta',
  'postepay',
  'callcenter',
  'password',
  'passw0rd',
  'cambiami',
  'benvenuto',
  'qwertyuiop',
  'demo',
];

let breached: Promise<Set<string>> | null = null;
function breachedList(): Promise<Set<string>> {
  breached ??= import('@zxcvbn-ts/language-common').then(
    ({ dictionary }) => new Set([...dictionary['passwords-common'], ...LOCAL_WORDS]),
  );
  return breached;
}

/** The reasons a password is refused, empty when it is good (field messages, in English like the schemas'). */
export async function passwordProblems(
  password: string,
  person: { username: string; displayName?: string | null },
): Promise<string[]> {
  if (password.length < PASSWORD_MIN) return [`At least ${PASSWORD_MIN} characters`];
  if (password.length > PASSWORD_MAX) return [`At most ${PASSWORD_MAX} characters`];
  const lower = password.toLowerCase();
  const compact = lower.replace(/[\s._-]/g, '');
  const names = [person.username, ...(person.displayName ?? '').split(/\s+/)]
    .map((n) => n.toLowerCase().replace(/[\s._-]/g, ''))
    .filter((n) => n.length >= 3);
  if (names.some((n) => compact.includes(n))) return ['Must not contain your username or name'];
  if (/^(.)\1+$/.test(lower)) return ['Must not be one character repeated'];
  const list = await breachedList();
  // the word itself, and the word with digits/symbols added before or after ("2026password!", "password123")
  const core = lower.replace(/^[\d\W_]+|[\d\W_]+$/g, '');
  if (list.has(lower) || list.has(compact) || (core.length >= 4 && list.has(core))) {
    return ['This password is on the list of common or breached passwords: choose another'];
  }
  return [];
}

/** Throws a 400 on `field` when the password breaks the policy. */
export async function requireGoodPassword(
  field: string,
  password: string,
  person: { username: string; displayName?: string | null },
): Promise<void> {
  const problems = await passwordProblems(password, person);
  if (problems.length > 0) throw fieldError({ [field]: problems });
}
