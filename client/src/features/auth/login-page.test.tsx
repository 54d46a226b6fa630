import { screen, waitFor } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { loginAccepting, loginRateLimited, meSignedOut, server, users } from '../../test/msw';
import { renderApp } from '../../test/render-app';

async function openLoginPage() {
  const rendered = renderApp('/login');
  await screen.findByRole('heading', { level: 1, name: 'Accedi a Valore' });
  return rendered;
}

describe('login page', () => {
  it('puts the cursor in the username field and shows the demo sign-in', async () => {
    server.use(meSignedOut());
    await openLoginPage();
    expect(document.activeElement).toBe(screen.getByLabelText('Nome utente'));
    expect(screen.getByText('Accesso demo: operatore1 / demo')).toBeTruthy();
  });

  it('sends a visitor who is not signed in to the login page', async () => {
    server.use(meSignedOut());
    renderApp('/console');
    await screen.findByRole('heading', { level: 1, name: 'Accedi a Valore' });
    expect(window.location.pathname).toBe('/login');
  });

  it('tells the operator, in Italian, that the username or password is wrong', async () => {
    const login = loginAccepting([users.operator]);
    server.use(meSignedOut(), login.handler);
    const { user } = await openLoginPage();

    await user.type(screen.getByLabelText('Nome utente'), 'operatore1');
    await user.type(screen.getByLabelText('Password'), 'sbagliata{Enter}');

    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toBe('Nome utente o password non corretti.');
    expect(window.location.pathname).toBe('/login');
    // The password is cleared and focused for the next attempt.
    const password = screen.getByLabelText<HTMLInputElement>('Password');
    expect(password.value).toBe('');
    expect(document.activeElement).toBe(password);
    // Mutations must reach the server as JSON, or its CSRF guard refuses them.
    expect(login.received[0]?.contentType).toBe('application/json');
  });

  it('says so when there have been too many attempts', async () => {
    server.use(meSignedOut(), loginRateLimited());
    const { user } = await openLoginPage();

    await user.type(screen.getByLabelText('Nome utente'), 'operatore1');
    await user.type(screen.getByLabelText('Password'), 'demo');
    await user.click(screen.getByRole('button', { name: 'Accedi' }));

    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toMatch(/^Troppi tentativi/);
  });

  it('says how long to wait when the server says it (the growing delays of the sign-in throttle)', async () => {
    for (const [seconds, text] of [
      [1, 'Troppi tentativi. Riprova tra 1 secondo.'],
      [30, 'Troppi tentativi. Riprova tra 30 secondi.'],
      [600, 'Troppi tentativi. Riprova tra 10 minuti.'],
    ] as const) {
      server.use(meSignedOut(), loginRateLimited(seconds));
      const { user, unmount } = await openLoginPage();
      await user.type(screen.getByLabelText('Nome utente'), 'operatore1');
      await user.type(screen.getByLabelText('Password'), 'demo');
      await user.click(screen.getByRole('button', { name: 'Accedi' }));
      expect((await screen.findByRole('alert')).textContent).toBe(text);
      unmount();
    }
  });

  it('takes the operator to the console after a successful sign-in', async () => {
    const login = loginAccepting([users.operator]);
    server.use(meSignedOut(), login.handler);
    const { user } = await openLoginPage();

    await user.type(screen.getByLabelText('Nome utente'), '  operatore1 ');
    await user.type(screen.getByLabelText('Password'), 'demo{Enter}');

    await screen.findByTestId('home-operator');
    expect(window.location.pathname).toBe('/console');
    expect(screen.getByRole('heading', { level: 1 }).textContent).toBe('Console operatore');
    // the form had the focus: the page takes it, named after itself (not <body>, where a screen reader says nothing)
    expect(document.activeElement).toBe(screen.getByRole('main', { name: 'Console operatore' }));
    expect(screen.getByText('Alessandro Villa')).toBeTruthy();
    // The shared schema trims the username before it leaves the browser.
    expect(login.received[0]?.input).toEqual({ username: 'operatore1', password: 'demo' });
  });

  it('takes each role to its own home', async () => {
    const login = loginAccepting([users.teamLead]);
    server.use(meSignedOut(), login.handler);
    const { user } = await openLoginPage();

    await user.type(screen.getByLabelText('Nome utente'), 'teamlead1');
    await user.type(screen.getByLabelText('Password'), 'demo{Enter}');

    await screen.findByTestId('home-team_lead');
    expect(window.location.pathname).toBe('/stats');
  });

  it('explains empty fields next to each field and sends nothing', async () => {
    const login = loginAccepting([users.operator]);
    server.use(meSignedOut(), login.handler);
    const { user } = await openLoginPage();

    await user.click(screen.getByRole('button', { name: 'Accedi' }));

    expect(screen.getByText('Inserisci il nome utente.')).toBeTruthy();
    expect(screen.getByText('Inserisci la password.')).toBeTruthy();
    const username = screen.getByLabelText('Nome utente');
    expect(username.getAttribute('aria-invalid')).toBe('true');
    expect(screen.getByLabelText('Password').getAttribute('aria-invalid')).toBe('true');
    expect(document.activeElement).toBe(username);
    expect(screen.queryByRole('alert')).toBeNull();
    expect(login.received).toHaveLength(0);

    // Fixing one field leaves only the other message.
    await user.type(username, 'operatore1{Enter}');
    await waitFor(() => expect(screen.queryByText('Inserisci il nome utente.')).toBeNull());
    expect(screen.getByText('Inserisci la password.')).toBeTruthy();
    expect(document.activeElement).toBe(screen.getByLabelText('Password'));
  });
});
