import { act, render, renderHook, screen } from '@testing-library/react';
import { useRef, useState } from 'react';
import { describe, expect, it } from 'vitest';
import { useFocusAfterRender } from './focus';
import { useFocusFirstInvalid } from './forms';

/** A form whose field is marked invalid when `invalid` is set: by its own check, or later (a server's refusal). */
function Form({ expose }: { expose: (api: { ask: () => void; mark: (on: boolean) => void }) => void }) {
  const formRef = useRef<HTMLFormElement>(null);
  const [invalid, setInvalid] = useState(false);
  const ask = useFocusFirstInvalid(formRef);
  expose({ ask, mark: setInvalid });
  return (
    <form ref={formRef}>
      <button type="button">Salva</button>
      <input aria-label="Nome" />
      <input aria-label="Password" aria-invalid={invalid || undefined} />
    </form>
  );
}

function renderForm() {
  let api: { ask: () => void; mark: (on: boolean) => void } = { ask: () => undefined, mark: () => undefined };
  render(<Form expose={(a) => (api = a)} />);
  return { api: () => api, button: screen.getByRole('button'), password: screen.getByLabelText('Password') };
}

describe('focus that moves once what should take it is on screen', () => {
  it('moves to a field marked invalid in a later render than the request (the server refused)', () => {
    const { api, button, password } = renderForm();
    button.focus();
    act(() => api().ask());
    // nothing is marked yet: the focus stays where it was
    expect(document.activeElement).toBe(button);
    act(() => api().mark(true));
    expect(document.activeElement).toBe(password);
  });

  it('moves to a field already marked (the form’s own check)', () => {
    const { api, button, password } = renderForm();
    button.focus();
    act(() => {
      api().mark(true);
      api().ask();
    });
    expect(document.activeElement).toBe(password);
  });

  it('moves once: a later render does not take the focus back, and nothing moves without a request', () => {
    const { api, button, password } = renderForm();
    act(() => api().mark(true));
    expect(document.activeElement).not.toBe(password);
    act(() => api().ask());
    expect(document.activeElement).toBe(password);
    button.focus();
    act(() => api().mark(false));
    act(() => api().mark(true));
    expect(document.activeElement).toBe(button);
  });

  it('runs what follows the move (a caret put back) with the element that took it', () => {
    const { result } = renderHook(() => useFocusAfterRender());
    const field = document.body.appendChild(Object.assign(document.createElement('input'), { value: 'Gentile' }));
    act(() =>
      result.current(
        () => field,
        (target) => (target as HTMLInputElement).setSelectionRange(3, 3),
      ),
    );
    expect(document.activeElement).toBe(field);
    expect(field.selectionStart).toBe(3);
    field.remove();
  });
});
