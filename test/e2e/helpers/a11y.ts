import fs from 'node:fs';
import { createRequire } from 'node:module';
import { AxeBuilder } from '@axe-core/playwright';
import type { Page } from 'playwright-core';

/** The rule sets every page state is held to: WCAG 2.0 and 2.1, levels A and AA, plus axe's best practices. */
export const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'];

/** The minified build of the very axe-core that @axe-core/playwright depends on (half the size to inject). */
const AXE_SOURCE = fs.readFileSync(
  createRequire(createRequire(import.meta.url).resolve('@axe-core/playwright')).resolve('axe-core/axe.min.js'),
  'utf8',
);

type Violation = Awaited<ReturnType<AxeBuilder['analyze']>>['violations'][number];

const SNIPPET = 240;

function snippet(html: string): string {
  const flat = html.replace(/\s+/g, ' ').trim();
  return flat.length > SNIPPET ? `${flat.slice(0, SNIPPET)}…` : flat;
}

/** One paragraph per violated rule: id, impact, what it asks, then each element with its selector, HTML and why. */
export function describeViolations(label: string, url: string, violations: readonly Violation[]): string {
  const elements = violations.reduce((sum, v) => sum + v.nodes.length, 0);
  const lines = [`axe: ${violations.length} violation(s) on ${elements} element(s) at "${label}" (${url})`];
  for (const v of violations) {
    lines.push('', `● ${v.id} [${v.impact ?? 'no impact given'}] ${v.help}`, `  ${v.helpUrl}`);
    for (const node of v.nodes) {
      lines.push(`  - target: ${node.target.map((t) => JSON.stringify(t)).join(' ')}`);
      lines.push(`    html:   ${snippet(node.html)}`);
      for (const why of node.failureSummary?.split('\n') ?? []) lines.push(`    ${why.trim()}`);
    }
  }
  return lines.join('\n');
}

/**
 * Checks the page as it is now with axe-core (every rule of AXE_TAGS, none disabled, nothing excluded) and throws a
 * readable list of the violations, if there is any.
 *
 * Three settings keep a check under a second or so on this 2-core machine instead of 2-5 s with the defaults (measured:
 * the console 0.6 s instead of 1.8 s, the admin's user list 1.3 s instead of 4.7 s): legacy mode runs axe once in the
 * page instead of gathering partial results per frame and merging them in a second, blank page — the client has no
 * frames, so nothing goes unchecked; only violations carry their elements back (the passes of a big table are
 * megabytes of JSON); and axe is injected minified.
 */
export async function expectNoAxeViolations(page: Page, label: string): Promise<void> {
  const { violations } = await new AxeBuilder({ page, axeSource: AXE_SOURCE })
    .options({ runOnly: { type: 'tag', values: AXE_TAGS }, resultTypes: ['violations'] })
    .setLegacyMode(true)
    .analyze();
  if (violations.length > 0) throw new Error(describeViolations(label, page.url(), violations));
}
