import { cleanup, configure } from '@testing-library/react';
import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest';
import { DEFAULT_LANGUAGE, FEATURE_NAMESPACES, i18n, loadNamespaces } from '../app/i18n';
import { resetBatchAnswers, server } from './msw';

// jsdom has no CSS.escape; react-aria's collections (tabs) use it to find an item by key. Enough for our keys (ids
// of letters, digits and dashes); anything else is escaped with a backslash, as the real one does for punctuation.
if (typeof globalThis.CSS?.escape !== 'function') {
  Object.assign((globalThis.CSS ??= {} as typeof CSS), {
    escape: (value: string) => value.replace(/[^\w-]/g, (c) => `\\${c}`),
  });
}

// The first lazy page of a file compiles on demand; on a busy 2-core machine that alone can pass the default 1 s, and
// the admin's home (the largest chunk) took over 5 s in a clean-clone CI while the lint ran beside the tests.
configure({ asyncUtilTimeout: 15_000 });

beforeAll(async () => {
  server.listen({ onUnhandledRequest: 'error' });
  // Pages fetch their texts with their code (app/homes.ts); components tested on their own get them all up front.
  await loadNamespaces(FEATURE_NAMESPACES);
});

beforeEach(async () => {
  window.localStorage.clear();
  await i18n.changeLanguage(DEFAULT_LANGUAGE);
});

afterEach(() => {
  cleanup();
  server.resetHandlers();
  resetBatchAnswers();
  window.history.replaceState(null, '', '/');
  window.localStorage.clear();
});

afterAll(() => server.close());
