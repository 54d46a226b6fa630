import { screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { meSignedInAs, meSignedOut, server, users } from '../test/msw';
import { renderApp } from '../test/render-app';
import { LANGUAGE_STORAGE_KEY } from './i18n';

describe('language switch', () => {
  it('starts in Italian', async () => {
    server.use(meSignedInAs(users.operator));
    renderApp('/console');
    await screen.findByTestId('home-operator');
    expect(document.documentElement.lang).toBe('it');
    expect(screen.getByRole('heading', { level: 2, name: 'Scheda cliente' })).toBeTruthy();
  });

  it('switches the whole console to English and remembers the choice', async () => {
    server.use(meSignedInAs(users.operator));
    const { user } = renderApp('/console');
    await screen.findByTestId('home-operator');

    await user.selectOptions(screen.getByLabelText('Lingua'), 'en');
    // remembered at once, so a reload while the English texts are still loading comes back in English
    expect(window.localStorage.getItem(LANGUAGE_STORAGE_KEY)).toBe('en');

    // the console's English texts are fetched with the switch; the page changes language once they are there
    await screen.findByRole('heading', { level: 1, name: 'Operator console' });
    expect(screen.getByRole('heading', { level: 2, name: 'Customer card' })).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Sign out' })).toBeTruthy();
    expect(screen.getByText('Operator')).toBeTruthy();
    expect(document.documentElement.lang).toBe('en');
    expect(window.localStorage.getItem(LANGUAGE_STORAGE_KEY)).toBe('en');

    await user.selectOptions(screen.getByLabelText('Language'), 'it');
    await screen.findByRole('heading', { level: 1, name: 'Console operatore' });
    expect(document.documentElement.lang).toBe('it');
  });

  it('is offered on the login page too', async () => {
    server.use(meSignedOut());
    const { user } = renderApp('/login');
    await screen.findByRole('heading', { level: 1, name: 'Accedi a Valore' });

    await user.selectOptions(screen.getByLabelText('Lingua'), 'en');

    expect(screen.getByRole('heading', { level: 1 }).textContent).toBe('Sign in to Valore');
    expect(screen.getByLabelText('Username')).toBeTruthy();
    expect(screen.getByText('Demo sign-in: operatore1 / demo')).toBeTruthy();
  });
});
