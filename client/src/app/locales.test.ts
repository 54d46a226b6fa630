import { describe, expect, it } from 'vitest';
import { FEATURE_LOCALES, SHELL_RESOURCES } from './i18n';

function keys(node: unknown, prefix = ''): string[] {
  if (typeof node !== 'object' || node === null) return [prefix];
  return Object.entries(node).flatMap(([key, value]) => keys(value, prefix ? `${prefix}.${key}` : key));
}

function placeholders(node: unknown): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  const walk = (value: unknown, path: string) => {
    if (typeof value === 'string') out[path] = [...value.matchAll(/\{\{(\w+)\}\}/g)].map((m) => m[1] ?? '').sort();
    else if (typeof value === 'object' && value !== null)
      for (const [k, v] of Object.entries(value)) walk(v, path ? `${path}.${k}` : k);
  };
  walk(node, '');
  return out;
}

type Texts = { it: unknown; en: unknown };
const namespaces: [string, () => Promise<Texts>][] = [
  ['translation', async () => ({ it: SHELL_RESOURCES.it.translation, en: SHELL_RESOURCES.en.translation })],
  ...Object.entries(FEATURE_LOCALES).map(([ns, files]): [string, () => Promise<Texts>] => [
    ns,
    async () => ({ it: (await files.it()).default, en: (await files.en()).default }),
  ]),
];

describe.each(namespaces)('translations of namespace %s', (_ns, load) => {
  it('English has exactly the keys of Italian', async () => {
    const texts = await load();
    expect(keys(texts.it).length).toBeGreaterThan(0);
    expect(keys(texts.en).sort()).toEqual(keys(texts.it).sort());
  });

  it('both languages use the same placeholders', async () => {
    const texts = await load();
    expect(placeholders(texts.en)).toEqual(placeholders(texts.it));
  });
});

/**
 * One glossary: a flow, an operator state, a script step, an outcome, a role has one name on every screen (the
 * console's; the shell's for roles), in each language — a tutor and an operator talking about "Pronto" or "Cross-sell
 * dopo OCS", a team lead reading the drop-off at "Bisogno", mean the same thing.
 */
describe('one name per term across the screens', () => {
  const termGroups: { group: string; reference: string; from: (texts: Record<string, unknown>) => unknown }[] = [
    { group: 'flows', reference: 'console', from: (t) => t.flows },
    { group: 'operator states', reference: 'console', from: (t) => t.states ?? t.status },
    { group: 'script steps', reference: 'console', from: (t) => t.steps },
    { group: 'outcomes', reference: 'console', from: (t) => t.outcomes },
    { group: 'roles', reference: 'translation', from: (t) => t.roles },
  ];
  it.each(['it', 'en'] as const)('in %s', async (lang) => {
    const loaded = await Promise.all(namespaces.map(async ([ns, load]) => [ns, (await load())[lang]] as const));
    for (const { group, reference: owner, from } of termGroups) {
      const reference = from(loaded.find(([ns]) => ns === owner)?.[1] as Record<string, unknown>) as Record<
        string,
        unknown
      >;
      for (const [ns, texts] of loaded) {
        const own = from(texts as Record<string, unknown>);
        if (typeof own !== 'object' || own === null) continue;
        for (const [term, name] of Object.entries(own)) {
          if (typeof name !== 'string' || typeof reference[term] !== 'string') continue;
          expect(name, `${ns}: ${group}.${term}`).toBe(reference[term]);
        }
      }
    }
  });
});
