import { cleanup } from '@testing-library/react';
import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest';
import { DEFAULT_LANGUAGE, i18n } from '../app/i18n';
import { resetBatchAnswers, server } from './msw';

beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));

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
