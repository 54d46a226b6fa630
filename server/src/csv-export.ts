/**
 * The one rule for the CSV files the console exports (the stats drill-down, the lead pipeline): comma-separated,
 * CRLF lines, a cell that would start a spreadsheet formula neutralised with a leading apostrophe, separators and
 * quotes quoted. The pages add the BOM spreadsheets need.
 */

/** What an export cell may hold: text and numbers from the rows, nothing that would print as "[object Object]". */
export type CsvValue = string | number | boolean | bigint | null | undefined;

export function csvCell(value: CsvValue): string {
  if (value === null || value === undefined) return '';
  const s = String(value);
  // neutralise spreadsheet formulas and quote separators
  const safe = /^[=+\-@\t\r]/.test(s) && typeof value !== 'number' ? `'${s}` : s;
  return /[",\n;]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export function csvDocument(lines: readonly (readonly CsvValue[])[]): string {
  return lines.map((l) => l.map(csvCell).join(',')).join('\r\n') + '\r\n';
}
