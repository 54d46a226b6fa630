import { screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { loginAccepting, logoutOk, meSignedInAs, meSignedOut, server, users } from '../test/msw';
import { renderApp } from '../test/render-app';

describe('routes', () => {
  it('sends a signed-in user from the login page to their home', async () => {
    server.use(meSignedInAs(users.tutor));
    renderApp('/login');
    await screen.findByTestId('home-tutor');
    expect(window.location.pathname).toBe('/monitor');
    expect(screen.getByRole('heading', { level: 2, name: 'Operatori della sede' })).toBeTruthy();
  });

  it("politely refuses another role's home", async () => {
    server.use(meSignedInAs(users.operator));
    renderApp('/stats');
    await screen.findByRole('heading', { name: 'Sezione non disponibile' });
    expect(screen.getByText('Questa sezione non è disponibile per il tuo ruolo (Operatore).')).toBeTruthy();
    expect(screen.queryByTestId('home-team_lead')).toBeNull();
    // Only the operator's own pages are offered in the navigation.
    const nav = screen.getByRole('navigation', { name: 'Navigazione principale' });
    expect(
      within(nav)
        .getAllByRole('link')
        .map((link) => link.textContent),
    ).toEqual(['Console', 'Coda richiamate', 'I miei lead', 'I miei turni', 'I miei corsi', 'Esercitazioni']);
  });

  it('lets an admin open every home and marks the current one', async () => {
    server.use(meSignedInAs(users.admin));
    const { user } = renderApp('/');
    await screen.findByTestId('home-admin');
    expect(window.location.pathname).toBe('/admin');

    const nav = screen.getByRole('navigation', { name: 'Navigazione principale' });
    expect(
      within(nav)
        .getAllByRole('link')
        .map((link) => link.textContent),
    ).toEqual([
      'Console',
      'Monitoraggio',
      'Statistiche',
      'Amministrazione',
      'Coda richiamate',
      'Campagne',
      'Lead',
      'Appuntamenti UP',
      'Script',
      'Wallboard',
      'Turni',
      'Formazione',
      'Esercitazioni',
    ]);
    expect(within(nav).getByRole('link', { name: 'Amministrazione' }).getAttribute('aria-current')).toBe('page');

    await user.click(within(nav).getByRole('link', { name: 'Statistiche' }));
    await screen.findByTestId('home-team_lead');
    expect(window.location.pathname).toBe('/stats');
    // As after a full page load, the next Tab starts from the new page, not from the clicked link.
    expect(document.activeElement).toBe(screen.getByRole('main'));
    expect(document.title).toBe('Statistiche di conversione · Valore');
    expect(screen.getByRole('heading', { level: 1, name: 'Statistiche di conversione' })).toBeTruthy();

    await user.click(within(nav).getByRole('link', { name: 'Console' }));
    await screen.findByTestId('home-operator');
    await user.click(within(nav).getByRole('link', { name: 'Monitoraggio' }));
    await screen.findByTestId('home-tutor');
  });

  it('shows the admin sections as tabs with their own addresses', async () => {
    server.use(meSignedInAs(users.admin));
    const { user } = renderApp('/admin');
    await screen.findByTestId('home-admin');

    const tabs = screen.getAllByRole('tab');
    expect(tabs.map((tab) => tab.textContent)).toEqual([
      'Utenti',
      'Sedi',
      'Prodotti',
      'Uffici postali',
      'Script',
      'Chiavi API',
      'Messaggi ai clienti',
      'Valutazioni',
      'Registro attività',
    ]);
    expect(screen.getByRole('tab', { name: 'Utenti' }).getAttribute('aria-selected')).toBe('true');

    await user.click(screen.getByRole('tab', { name: 'Uffici postali' }));
    expect(window.location.pathname).toBe('/admin/post-offices');
    expect(screen.getByRole('tabpanel').getAttribute('aria-labelledby')).toBe(
      screen.getByRole('tab', { name: 'Uffici postali' }).id,
    );

    await user.keyboard('{ArrowRight}');
    expect(document.activeElement).toBe(screen.getByRole('tab', { name: 'Script' }));
    expect(window.location.pathname).toBe('/admin/scripts');
  });

  it('answers an unknown address with a page that leads home', async () => {
    server.use(meSignedInAs(users.operator));
    renderApp('/nowhere');
    await screen.findByRole('heading', { name: 'Pagina non trovata' });
    expect(screen.getByRole('link', { name: 'Torna alla tua pagina iniziale' }).getAttribute('href')).toBe('/console');
  });

  it('signs out back to the login page', async () => {
    server.use(meSignedInAs(users.operator), logoutOk());
    const { user } = renderApp('/console');
    await screen.findByTestId('home-operator');

    server.use(meSignedOut());
    await user.click(screen.getByRole('button', { name: 'Esci' }));

    await screen.findByRole('heading', { level: 1, name: 'Accedi a Valore' });
    expect(window.location.pathname).toBe('/login');
    // Signing out on purpose is not an expired session.
    expect(screen.queryByRole('status')).toBeNull();
  });

  it('brings a visitor back to the address they opened (a shared link) once signed in', async () => {
    server.use(meSignedOut(), loginAccepting([users.teamLead]).handler);
    const { user } = renderApp('/stats?flow=callback&territory=province:MI');
    await screen.findByRole('heading', { level: 1, name: 'Accedi a Valore' });
    expect(window.location.pathname).toBe('/login');
    expect(new URLSearchParams(window.location.search).get('next')).toBe(
      '/stats?flow=callback&territory=province%3AMI',
    );

    await user.type(screen.getByLabelText('Nome utente'), users.teamLead.username);
    await user.type(screen.getByLabelText('Password'), 'demo{Enter}');
    await screen.findByTestId('home-team_lead');
    expect(window.location.pathname + window.location.search).toBe('/stats?flow=callback&territory=province%3AMI');
  });

  it('sends a visitor home instead when the address they opened is not for their role, or not ours', async () => {
    server.use(meSignedOut(), loginAccepting([users.operator]).handler);
    const { user } = renderApp('/login?next=%2Fstats');
    await user.type(await screen.findByLabelText('Nome utente'), users.operator.username);
    await user.type(screen.getByLabelText('Password'), 'demo{Enter}');
    await screen.findByTestId('home-operator');
    expect(window.location.pathname).toBe('/console');
  });

  it('never follows a next address off the site', async () => {
    server.use(meSignedInAs(users.operator));
    renderApp('/login?next=%2F%5Cevil.example%2Fconsole');
    await screen.findByTestId('home-operator');
    expect(window.location.href).toBe(`${window.location.origin}/console`);
  });

  it('offers a skip link to the main content', async () => {
    server.use(meSignedInAs(users.operator));
    renderApp('/console');
    await screen.findByTestId('home-operator');
    const skip = screen.getByRole('link', { name: 'Vai al contenuto principale' });
    expect(skip.getAttribute('href')).toBe('#main');
    expect(screen.getByRole('main').id).toBe('main');
  });
});
