/**
 * The one rule for the CSV files the console exports (the stats, the lead pipeline, the audit log, an import's
 * rejects): in the reader's language, as their spreadsheet opens it with a double click — Italian: `;` between cells
 * and a decimal comma (what Excel set to Italian expects); English: `,` and a decimal point. CRLF lines; a cell that
 * would start a spreadsheet formula neutralised with a leading apostrophe; separators, quotes and line breaks quoted.
 * UTF-8 with a BOM (the pages add it to what they download; a file the server sends starts with it).
 */

/** What an export cell may hold: text and numbers from the rows, nothing that would print as "[object Object]". */
export type CsvValue = string | number | boolean | bigint | null | undefined;
export type CsvLanguage = 'it' | 'en';

export const CSV_BOM = '\uFEFF';

export function csvSeparator(language: CsvLanguage): string {
  return language === 'it' ? ';' : ',';
}

export function csvCell(value: CsvValue, language: CsvLanguage = 'en'): string {
  if (value === null || value === undefined) return '';
  const s = typeof value === 'number' && language === 'it' ? String(value).replace('.', ',') : String(value);
  // neutralise spreadsheet formulas and quote separators
  const safe = /^[=+\-@\t\r]/.test(s) && typeof value !== 'number' ? `'${s}` : s;
  // a decimal comma needs no quotes where the separator is `;`
  const quote = language === 'it' ? /[";\n\r]/ : /[",\n\r;]/;
  return quote.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export function csvLine(cells: readonly CsvValue[], language: CsvLanguage = 'en'): string {
  return cells.map((c) => csvCell(c, language)).join(csvSeparator(language)) + '\r\n';
}

export function csvDocument(lines: readonly (readonly CsvValue[])[], language: CsvLanguage = 'en'): string {
  return lines.map((l) => csvLine(l, language)).join('');
}
