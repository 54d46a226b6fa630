import { afterEach, describe, expect, it } from 'vitest';
import { focusUnlessTyping, isTyping } from './focus';

function make(html: string) {
  document.body.innerHTML = html;
  return (id: string) => document.getElementById(id) as HTMLElement;
}

afterEach(() => {
  document.body.innerHTML = '';
});

describe('focus that does not take the keyboard from someone typing', () => {
  it('tells text fields from buttons, selects, read-only and disabled fields', () => {
    const el = make(`
      <input id="text"><input id="search" type="search"><textarea id="area"></textarea>
      <button id="button">b</button><input id="box" type="checkbox"><select id="select"></select>
      <input id="ro" readonly><input id="off" disabled>`);
    for (const id of ['text', 'search', 'area']) expect(isTyping(el(id)), id).toBe(true);
    for (const id of ['button', 'box', 'select', 'ro', 'off']) expect(isTyping(el(id)), id).toBe(false);
    expect(isTyping(null)).toBe(false);
  });

  it('moves focus from nothing, from a button, or from a field inside the area it belongs to', () => {
    const el = make(`
      <button id="button">b</button>
      <div id="area"><h3 id="target" tabindex="-1">t</h3><textarea id="inside"></textarea></div>`);
    expect(focusUnlessTyping(el('target'), el('area'))).toBe(true);
    expect(document.activeElement).toBe(el('target'));
    el('button').focus();
    expect(focusUnlessTyping(el('target'), el('area'))).toBe(true);
    expect(document.activeElement).toBe(el('target'));
    el('inside').focus();
    expect(focusUnlessTyping(el('target'), el('area'))).toBe(true);
    expect(document.activeElement).toBe(el('target'));
  });

  it('leaves focus in a text field outside the area, so the rest of what is typed lands there', () => {
    const el = make(`<input id="search" type="search"><div id="area"><h3 id="target" tabindex="-1">t</h3></div>`);
    el('search').focus();
    expect(focusUnlessTyping(el('target'), el('area'))).toBe(false);
    expect(document.activeElement).toBe(el('search'));
    expect(focusUnlessTyping(null)).toBe(false);
  });
});
