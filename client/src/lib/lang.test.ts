import { describe, expect, it } from 'vitest';
import { langOf, localeOf } from './lang';

describe('the page language: one reading for texts, numbers, dates and CSV files', () => {
  it('is English only when i18next resolved English; Italian otherwise, also while loading', () => {
    expect(langOf({ resolvedLanguage: 'en', language: 'en' })).toBe('en');
    expect(langOf({ resolvedLanguage: 'it', language: 'it' })).toBe('it');
    expect(langOf({ resolvedLanguage: undefined, language: 'en' })).toBe('en');
    expect(langOf({})).toBe('it');
    expect(localeOf({ resolvedLanguage: 'en' })).toBe('en-GB');
    expect(localeOf({ resolvedLanguage: 'it' })).toBe('it-IT');
  });
});
