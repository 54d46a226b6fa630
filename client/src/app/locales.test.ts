import { describe, expect, it } from 'vitest';
import { resources } from './i18n';

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

describe.each(Object.keys(resources.it) as (keyof typeof resources.it)[])('translations of namespace %s', (ns) => {
  it('English has exactly the keys of Italian', () => {
    expect(keys(resources.en[ns]).sort()).toEqual(keys(resources.it[ns]).sort());
  });

  it('both languages use the same placeholders', () => {
    expect(placeholders(resources.en[ns])).toEqual(placeholders(resources.it[ns]));
  });
});
