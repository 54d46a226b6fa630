import { screen, waitFor } from '@testing-library/react';
import { http, HttpResponse } from 'msw';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { meSignedInAs, server, users } from '../../test/msw';
import { renderApp } from '../../test/render-app';

/** The server's refusal of a new password on the breached list (a field error, as its schema sends it). */
const refusedAsBreached = () =>
  http.post('*/trpc/auth.changePassword', () =>
    HttpResponse.json(
      [
        {
          error: {
            message: 'Invalid input',
            code: -32600,
            data: {
              code: 'BAD_REQUEST',
              httpStatus: 400,
              path: 'auth.changePassword',
              domainCode: 'VALIDATION',
              zodError: {
                formErrors: [],
                fieldErrors: { newPassword: ['A common or breached password: choose another.'] },
              },
            },
          },
        },
      ],
      { status: 400 },
    ),
  );

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('the password change a temporary password leads to', () => {
  it('gives the focus to the field the server refused, even when the next frame comes before the render', async () => {
    // a frame that runs at once: what a frame-timed focus move meets when the page is busy
    vi.stubGlobal('requestAnimationFrame', (run: FrameRequestCallback) => {
      run(performance.now());
      return 0;
    });
    server.use(meSignedInAs({ ...users.operator, mustChangePassword: true }), refusedAsBreached());
    const { user } = renderApp('/console');
    await screen.findByRole('heading', { level: 1, name: 'Scegli la tua password' });

    await user.type(screen.getByLabelText('Password temporanea (attuale)'), 'Temporanea-2026!');
    await user.type(screen.getByLabelText('Nuova password'), 'password2026!');
    await user.type(screen.getByLabelText('Ripeti la nuova password'), 'password2026!{Enter}');

    await screen.findByText("È una password comune o già trapelata in un furto di dati: scegline un'altra.");
    const field = screen.getByLabelText('Nuova password');
    expect(field.getAttribute('aria-invalid')).toBe('true');
    await waitFor(() => expect(document.activeElement).toBe(field));
  });
});
