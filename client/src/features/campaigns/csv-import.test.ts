import { Blob as NodeBlob } from 'node:buffer';
import { http, HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';
import { server } from '../../test/msw';
import { countDataRows, detectDelimiter, guessMapping, headerColumns, ImportFailure, uploadCsv } from './csv-import';

const encoder = new TextEncoder();
/** Node's Blob (undici's fetch streams it as a body; jsdom's Blob has no stream()), typed as the DOM's. */
const blob = (text: string, type = 'text/csv'): Blob => new NodeBlob([text], { type }) as unknown as Blob;

/** An NDJSON answer delivered in awkward chunks: lines split mid-way, several lines in one chunk. */
function chunkedNdjson(lines: object[], cut: number[]) {
  const text = lines.map((l) => `${JSON.stringify(l)}\n`).join('');
  const points = [0, ...cut, text.length];
  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      for (let i = 0; i < points.length - 1; i++)
        controller.enqueue(encoder.encode(text.slice(points[i], points[i + 1])));
      controller.close();
    },
  });
  return new HttpResponse(stream, { headers: { 'Content-Type': 'application/x-ndjson; charset=utf-8' } });
}

describe('uploading a list and following the progress', () => {
  it('reads every progress line as it arrives, even split across chunks, and returns the summary', async () => {
    const received: { contentType: string | null; body: string; url: string }[] = [];
    server.use(
      http.post('*/api/v1/campaigns/7/import', async ({ request }) => {
        received.push({
          contentType: request.headers.get('content-type'),
          body: await request.text(),
          url: request.url,
        });
        return chunkedNdjson(
          [
            { type: 'progress', processed: 1000 },
            { type: 'progress', processed: 2000 },
            { type: 'progress', processed: 2500 },
            { type: 'done', importId: 3, total: 2500, imported: 2400, duplicates: 60, rejected: 40 },
          ],
          [5, 31, 32, 70],
        );
      }),
    );
    const file = blob('customer_id,phone\n1,\n');
    const seen: number[] = [];
    const done = await uploadCsv('http://localhost/api/v1/campaigns/7/import?customerIdColumn=customer_id', file, (n) =>
      seen.push(n),
    );
    expect(seen).toEqual([1000, 2000, 2500]);
    expect(done).toEqual({ type: 'done', importId: 3, total: 2500, imported: 2400, duplicates: 60, rejected: 40 });
    expect(received[0]?.contentType).toBe('text/csv');
    expect(received[0]?.body).toBe('customer_id,phone\n1,\n');
    expect(received[0]?.url).toContain('customerIdColumn=customer_id');
  });

  it('turns an error line in the stream into a failure, after the progress it did make', async () => {
    server.use(
      http.post('*/api/v1/optout-registry/import', () =>
        chunkedNdjson(
          [
            { type: 'progress', processed: 1000 },
            { type: 'error', message: 'The import stopped.' },
          ],
          [10],
        ),
      ),
    );
    const seen: number[] = [];
    const failure = await uploadCsv('http://localhost/api/v1/optout-registry/import', new Blob(['x']), (n) =>
      seen.push(n),
    ).catch((e: unknown) => e);
    expect(seen).toEqual([1000]);
    expect(failure).toBeInstanceOf(ImportFailure);
    expect(failure).toMatchObject({ kind: 'stream', message: 'The import stopped.' });
  });

  it("reports the server's refusal with its domain code", async () => {
    server.use(
      http.post('*/api/v1/campaigns/7/import', () =>
        HttpResponse.json(
          { error: { code: 'BAD_REQUEST', domainCode: 'VALIDATION', message: 'The header has no column "cf".' } },
          { status: 400 },
        ),
      ),
    );
    const failure = await uploadCsv('http://localhost/api/v1/campaigns/7/import', new Blob(['x']), () => {}).catch(
      (e: unknown) => e,
    );
    expect(failure).toMatchObject({ kind: 'refused', domainCode: 'VALIDATION', status: 400 });
  });
});

describe('mapping the columns of a picked file', () => {
  it('detects the delimiter and proposes the customer id and phone columns from the header', () => {
    const text = '\uFEFFCodice Cliente;Nome;Telefono;Note\r\n12;Anna;3331234567;x\r\n';
    const d = detectDelimiter(text.split('\n')[0] ?? '');
    expect(d).toBe(';');
    const columns = headerColumns(text, d);
    expect(columns).toEqual(['Codice Cliente', 'Nome', 'Telefono', 'Note']);
    expect(guessMapping(columns)).toEqual({ customerIdColumn: 'Codice Cliente', phoneColumn: 'Telefono' });
  });

  it('handles quoted names, tabs, and a file with only a phone column', () => {
    expect(headerColumns('"customer_id","phone, mobile"\n', ',')).toEqual(['customer_id', 'phone, mobile']);
    expect(guessMapping(['customer_id', 'phone, mobile'])).toEqual({
      customerIdColumn: 'customer_id',
      phoneColumn: 'phone, mobile',
    });
    expect(detectDelimiter('msisdn\tdata')).toBe('tab');
    expect(guessMapping(headerColumns('msisdn\tdata\n', 'tab'))).toEqual({
      customerIdColumn: null,
      phoneColumn: 'msisdn',
    });
  });

  it('counts the data rows of a file with or without a final newline', async () => {
    expect(await countDataRows(blob('a,b\n1,2\n3,4\n'))).toBe(2);
    expect(await countDataRows(blob('a,b\r\n1,2\r\n3,4'))).toBe(2);
    expect(await countDataRows(blob('a,b\n'))).toBe(0);
  });
});
