import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { useState } from 'react';
import { describe, expect, it } from 'vitest';
import { Tabs } from './tabs';

type Id = 'lines' | 'objections' | 'structure';

function Host() {
  const [tab, setTab] = useState<Id>('lines');
  return (
    <Tabs
      label="Editor"
      selected={tab}
      onSelect={setTab}
      tabs={[
        { id: 'lines', label: 'Battute' },
        { id: 'objections', label: 'Obiezioni' },
        { id: 'structure', label: 'Passi' },
      ]}
    >
      <p>contenuto di {tab}</p>
    </Tabs>
  );
}

function expectPanelOf(name: string) {
  const tab = screen.getByRole('tab', { name });
  const panel = screen.getByRole('tabpanel');
  expect(tab.getAttribute('aria-selected')).toBe('true');
  expect(tab.getAttribute('aria-controls')).toBe(panel.id);
  expect(panel.getAttribute('aria-labelledby')).toBe(tab.id);
}

describe('Tabs', () => {
  it('selects with a click or the arrow keys, one tab stop, the panel labelled by its tab', async () => {
    const user = userEvent.setup();
    render(<Host />);
    expect(screen.getByRole('tablist', { name: 'Editor' })).toBeTruthy();
    expectPanelOf('Battute');
    expect(screen.getAllByRole('tab').map((t) => t.tabIndex)).toEqual([0, -1, -1]);

    await user.click(screen.getByRole('tab', { name: 'Passi' }));
    expectPanelOf('Passi');
    expect(screen.getByRole('tabpanel').textContent).toBe('contenuto di structure');

    await user.keyboard('{ArrowLeft}');
    expect(document.activeElement).toBe(screen.getByRole('tab', { name: 'Obiezioni' }));
    expectPanelOf('Obiezioni');
    await user.keyboard('{Home}');
    expectPanelOf('Battute');
    await user.keyboard('{End}');
    expectPanelOf('Passi');
    expect(screen.getAllByRole('tab').map((t) => t.tabIndex)).toEqual([-1, -1, 0]);
  });
});
