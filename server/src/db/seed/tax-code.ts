/** Builds a well-formed Italian "codice fiscale" (with a correct check character) for demo customers. */
const MONTHS = 'ABCDEHLMPRST';
const VOWELS = new Set(['A', 'E', 'I', 'O', 'U']);

function letters(s: string): string[] {
  return s
    .toUpperCase()
    .replace(/[^A-Z]/g, '')
    .split('');
}

function surnamePart(surname: string): string {
  const l = letters(surname);
  return [...l.filter((c) => !VOWELS.has(c)), ...l.filter((c) => VOWELS.has(c)), 'X', 'X', 'X'].slice(0, 3).join('');
}

function namePart(name: string): string {
  const l = letters(name);
  const consonants = l.filter((c) => !VOWELS.has(c));
  if (consonants.length >= 4) return [consonants[0], consonants[2], consonants[3]].join('');
  return [...consonants, ...l.filter((c) => VOWELS.has(c)), 'X', 'X', 'X'].slice(0, 3).join('');
}

const ODD: Record<string, number> = {
  0: 1,
  1: 0,
  2: 5,
  3: 7,
  4: 9,
  5: 13,
  6: 15,
  7: 17,
  8: 19,
  9: 21,
  A: 1,
  B: 0,
  C: 5,
  D: 7,
  E: 9,
  F: 13,
  G: 15,
  H: 17,
  I: 19,
  J: 21,
  K: 2,
  L: 4,
  M: 18,
  N: 20,
  O: 11,
  P: 3,
  Q: 6,
  R: 8,
  S: 12,
  T: 14,
  U: 16,
  V: 10,
  W: 22,
  X: 25,
  Y: 24,
  Z: 23,
};

function evenValue(c: string): number {
  return /[0-9]/.test(c) ? Number(c) : c.charCodeAt(0) - 65;
}

export function checkCharacter(first15: string): string {
  let sum = 0;
  for (let i = 0; i < 15; i++) {
    const c = first15[i] ?? '0';
    sum += i % 2 === 0 ? (ODD[c] ?? 0) : evenValue(c);
  }
  return String.fromCharCode(65 + (sum % 26));
}

export function taxCode(p: {
  firstName: string;
  lastName: string;
  birthDate: string;
  female: boolean;
  municipality: string;
}): string {
  const [y, m, d] = p.birthDate.split('-') as [string, string, string];
  const day = Number(d) + (p.female ? 40 : 0);
  const body =
    surnamePart(p.lastName) +
    namePart(p.firstName) +
    y.slice(2) +
    MONTHS[Number(m) - 1] +
    String(day).padStart(2, '0') +
    p.municipality;
  return body + checkCharacter(body);
}
