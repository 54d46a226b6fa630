import { describe, expect, it } from 'vitest';
import en from './locales/en.json';
import it_ from './locales/it.json';

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

describe('translations', () => {
  it('English has exactly the keys of Italian', () => {
    expect(keys(en).sort()).toEqual(keys(it_).sort());
  });

  it('both languages use the same placeholders', () => {
    expect(placeholders(en)).toEqual(placeholders(it_));
  });
});
