import type { ReactNode } from 'react';
import { Tab, TabList, TabPanel, Tabs as AriaTabs, type Key } from 'react-aria-components';
import { cx } from './class-names';

export type TabItem<Id extends string> = { id: Id; label: string };

type TabsProps<Id extends string> = {
  /** Names the tab list for assistive technology. */
  label: string;
  tabs: readonly TabItem<Id>[];
  selected: Id;
  onSelect: (id: Id) => void;
  /** Renders the selected tab's panel. */
  children: ReactNode;
};

/**
 * WAI-ARIA tabs (react-aria) with automatic activation: arrow keys, Home and End move between tabs, only the selected
 * tab is in the tab order, and the panel follows it. Controlled: the caller keeps the selected id (in the URL).
 */
export function Tabs<Id extends string>({ label, tabs, selected, onSelect, children }: TabsProps<Id>) {
  const select = (key: Key | null) => {
    const tab = tabs.find((t) => t.id === key);
    if (tab && tab.id !== selected) onSelect(tab.id);
  };
  return (
    <AriaTabs className="ui-tabs" selectedKey={selected} onSelectionChange={select} keyboardActivation="automatic">
      <TabList className="ui-tabs__list" aria-label={label}>
        {tabs.map((tab) => (
          <Tab
            key={tab.id}
            id={tab.id}
            className={({ isSelected }) => cx('ui-tabs__tab', isSelected && 'ui-tabs__tab--selected')}
          >
            {tab.label}
          </Tab>
        ))}
      </TabList>
      {/* one panel, the selected tab's: the caller renders only its content (keyed: react-aria names a panel by
          the id it mounted with) */}
      <TabPanel key={selected} id={selected} className="ui-tabs__panel">
        {children}
      </TabPanel>
    </AriaTabs>
  );
}
