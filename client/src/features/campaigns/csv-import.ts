import type { ImportProgressLine } from '@valore/shared/schemas/campaigns';

/** The delimiters the import endpoints accept, as sent in `?delimiter=` ('tab' stands for \t). */
export const DELIMITERS = [',', ';', 'tab', '|'] as const;
export type Delimiter = (typeof DELIMITERS)[number];

const charOf = (d: Delimiter) => (d === 'tab' ? '\t' : d);

/** The first line of a CSV text, without its line ending or a BOM. */
export function firstLine(text: string): string {
  const clean = text.startsWith('\uFEFF') ? text.slice(1) : text;
  const end = clean.search(/\r?\n/);
  return end < 0 ? clean : clean.slice(0, end);
}

/** The delimiter that splits the header line into the most columns (comma on a tie or a single column). */
export function detectDelimiter(line: string): Delimiter {
  let best: Delimiter = ',';
  let most = splitCsvLine(line, ',').length;
  for (const d of DELIMITERS) {
    const n = splitCsvLine(line, charOf(d)).length;
    if (n > most) {
      best = d;
      most = n;
    }
  }
  return best;
}

/** Splits one CSV line, honouring double quotes (the header of a list rarely needs more). */
export function splitCsvLine(line: string, delimiter: string): string[] {
  const out: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"' && field.trim() === '') {
      quoted = true;
      field = '';
    } else if (c === delimiter) {
      out.push(field.trim());
      field = '';
    } else field += c;
  }
  out.push(field.trim());
  return out;
}

export function headerColumns(text: string, delimiter: Delimiter): string[] {
  return splitCsvLine(firstLine(text), charOf(delimiter)).filter((c) => c !== '');
}

const ID_NAMES = [
  'customer_id',
  'customerid',
  'id_cliente',
  'idcliente',
  'codice_cliente',
  'cliente',
  'customer',
  'id',
];
const PHONE_NAMES = ['phone', 'telefono', 'cellulare', 'mobile', 'numero', 'tel', 'phone_number', 'msisdn'];
const norm = (s: string) => s.toLowerCase().replace(/[\s-]+/g, '_');

/** A first guess of the mapping from the header names; the user can change it. */
export function guessMapping(columns: string[]): { customerIdColumn: string | null; phoneColumn: string | null } {
  const find = (names: string[]) =>
    names.map((n) => columns.find((c) => norm(c) === n)).find((c) => c !== undefined) ??
    columns.find((c) => names.some((n) => n.length > 2 && norm(c).includes(n))) ??
    null;
  const customerIdColumn = find(ID_NAMES);
  const phone = find(PHONE_NAMES);
  return { customerIdColumn, phoneColumn: phone === customerIdColumn ? null : phone };
}

/** Reads only the start of the file: enough for the header row of any sane list. */
export async function readHead(file: Blob, bytes = 64 * 1024): Promise<string> {
  return file.slice(0, bytes).text();
}

/** Data rows in a file (lines after the header, a last line without newline included), read as a stream. */
export async function countDataRows(file: Blob): Promise<number> {
  const reader = file.stream().getReader();
  let newlines = 0;
  let last = 10;
  let nonEmptyTail = false;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    for (const byte of value) {
      if (byte === 10) {
        newlines++;
        nonEmptyTail = false;
      } else if (byte !== 13) nonEmptyTail = true;
      last = byte;
    }
  }
  const lines = newlines + (last !== 10 && nonEmptyTail ? 1 : 0);
  return Math.max(0, lines - 1);
}

/**
 * Reads an NDJSON response line by line as it arrives (chunks may split a line anywhere) and hands each parsed
 * line to `onLine`; resolves with the last line.
 */
export async function readNdjson(
  body: ReadableStream<Uint8Array>,
  onLine: (line: ImportProgressLine) => void,
): Promise<ImportProgressLine | null> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  let last: ImportProgressLine | null = null;
  const emit = (text: string) => {
    const trimmed = text.trim();
    if (trimmed === '') return;
    const parsed = parseLine(trimmed);
    if (parsed) {
      last = parsed;
      onLine(parsed);
    }
  };
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    buffer += decoder.decode(value, { stream: true });
    let newline = buffer.indexOf('\n');
    while (newline >= 0) {
      emit(buffer.slice(0, newline));
      buffer = buffer.slice(newline + 1);
      newline = buffer.indexOf('\n');
    }
  }
  emit(buffer + decoder.decode());
  return last;
}

function parseLine(text: string): ImportProgressLine | null {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return null;
  }
  if (typeof value !== 'object' || value === null || !('type' in value)) return null;
  const v = value as Record<string, unknown>;
  const num = (k: string) => (typeof v[k] === 'number' ? v[k] : 0);
  switch (v.type) {
    case 'progress':
      return { type: 'progress', processed: num('processed') };
    case 'done':
      return {
        type: 'done',
        importId: num('importId'),
        total: num('total'),
        imported: num('imported'),
        duplicates: num('duplicates'),
        rejected: num('rejected'),
        ...(typeof v.removedContacts === 'number' ? { removedContacts: v.removedContacts } : {}),
      };
    case 'error':
      return { type: 'error', message: typeof v.message === 'string' ? v.message : '' };
    default:
      return null;
  }
}

export type ImportDone = Extract<ImportProgressLine, { type: 'done' }>;

/** Why an upload failed: a domain code from the server's JSON answer, a stream error line, or the network. */
export class ImportFailure extends Error {
  constructor(
    readonly kind: 'refused' | 'stream' | 'network',
    readonly domainCode: string | null,
    message: string,
    readonly status: number | null = null,
  ) {
    super(message);
    this.name = 'ImportFailure';
  }
}

/**
 * Sends a CSV file as the request body (the browser streams it from disk) and follows the server's NDJSON progress
 * lines. Same-origin, session cookie included; `text/csv` is what the server's CSRF rule expects.
 */
export async function uploadCsv(
  url: string,
  file: Blob,
  onProgress: (processed: number) => void,
  signal?: AbortSignal,
): Promise<ImportDone> {
  let response: Response;
  try {
    response = await fetch(url, {
      method: 'POST',
      headers: { 'Content-Type': 'text/csv' },
      body: file,
      credentials: 'same-origin',
      signal,
    });
  } catch (error) {
    if (signal?.aborted) throw error;
    throw new ImportFailure('network', null, error instanceof Error ? error.message : 'network error');
  }
  const type = response.headers.get('content-type') ?? '';
  if (!response.ok || !type.includes('ndjson') || !response.body) {
    let domainCode: string | null = null;
    let message = response.statusText;
    try {
      const body = (await response.json()) as { error?: { domainCode?: unknown; message?: unknown } };
      if (typeof body.error?.domainCode === 'string') domainCode = body.error.domainCode;
      if (typeof body.error?.message === 'string') message = body.error.message;
    } catch {
      // not JSON: a proxy page or an empty answer
    }
    throw new ImportFailure('refused', domainCode, message, response.status);
  }
  let failure: string | null = null;
  const last = await readNdjson(response.body, (line) => {
    if (line.type === 'progress') onProgress(line.processed);
    else if (line.type === 'error') failure = line.message;
  });
  if (failure !== null) throw new ImportFailure('stream', null, failure, response.status);
  if (last?.type !== 'done') throw new ImportFailure('stream', null, 'The import ended without a summary.');
  return last;
}
