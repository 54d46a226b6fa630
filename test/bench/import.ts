// CSV import of a campaign target list through the real streamed endpoint, against the server in its own process
// (so the resident set measured is the server's): rows/s, and the server's peak RSS sampled every 50 ms.
// The limit beside it: the same rows as raw prepared INSERTs in 1,000-row transactions on the same file.
// Then the 1M rows again into another campaign while GET /healthz is probed every 20 ms on its own connection: the
// server must stay responsive while it imports (target p99 < 100 ms, issue 13). A run of its own, so the probes'
// traffic does not blur the import's own peak RSS above.
import { Readable } from 'node:stream';
import { spawnServer } from '../helpers/child-server';
import type { ClaimsDatabase } from './claims';
import { addCampaign, ms, mintSessions, num, openRaw, quantile, rssOf, type BenchOptions, type Figure } from './lib';

/** GET /healthz every `everyMs` until `stop()`: each answer's latency, and how many failed. */
function probeHealth(url: string, everyMs: number): { stop: () => Promise<{ latencies: number[]; failed: number }> } {
  const latencies: number[] = [];
  let failed = 0;
  let running = true;
  const loop = (async () => {
    while (running) {
      const started = performance.now();
      try {
        const response = await fetch(`${url}/healthz`);
        await response.text();
        if (response.ok) latencies.push(performance.now() - started);
        else failed++;
      } catch {
        failed++;
      }
      const wait = everyMs - (performance.now() - started);
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    }
  })();
  return {
    stop: async () => {
      running = false;
      await loop;
      return { latencies, failed };
    },
  };
}

function csv(first: number, rows: number): ReadableStream<Uint8Array> {
  async function* lines() {
    yield 'customer_id\n';
    const chunk = 5_000;
    for (let i = 0; i < rows; i += chunk) {
      let s = '';
      for (let j = i; j < Math.min(rows, i + chunk); j++) s += `${first + j}\n`;
      yield s;
    }
  }
  return Readable.toWeb(Readable.from(lines())) as ReadableStream<Uint8Array>;
}

function rawInsertRate(file: string, campaignId: number, first: number, rows: number): number {
  const raw = openRaw(file);
  const at = new Date().toISOString();
  const insert = raw.prepare(
    `INSERT OR IGNORE INTO campaign_contacts (campaign_id, customer_id, phone, status, attempts, due_at, updated_at)
     VALUES (?, ?, ?, 'pending', 0, ?, ?)`,
  );
  const started = performance.now();
  for (let i = 0; i < rows; i += 1000) {
    raw.transaction(() => {
      for (let j = i; j < Math.min(rows, i + 1000); j++)
        insert.run(campaignId, first + j, `+39399${String(first + j).padStart(7, '0')}`, at, at);
    })();
  }
  const rate = rows / ((performance.now() - started) / 1000);
  raw.prepare('DELETE FROM campaign_contacts WHERE campaign_id = ?').run(campaignId);
  raw.close();
  return rate;
}

export async function benchImport(opts: BenchOptions, db: ClaimsDatabase): Promise<Figure[]> {
  const raw = openRaw(db.file);
  const admin = (raw.prepare(`SELECT id FROM users WHERE username = 'admin'`).get() as { id: number }).id;
  const [cookie = ''] = mintSessions(raw, [admin]);
  const small = addCampaign(raw, 'Import 100k');
  const large = addCampaign(raw, 'Import 1M');
  const probed = addCampaign(raw, 'Import 1M, /healthz probed');
  const rawCampaign = addCampaign(raw, 'Import raw');
  raw.close();
  const figures: Figure[] = [];
  const server = await spawnServer({ dbFile: db.file, bundle: opts.serverBundle, nodeArgs: opts.serverArgs });
  const pid = server.process.pid ?? 0;
  try {
    const baseline = rssOf(pid).rssMb;
    const run = async (campaignId: number, rows: number, probe = false) => {
      let peak = 0;
      const sampler = setInterval(() => (peak = Math.max(peak, rssOf(pid).rssMb)), 50);
      const health = probe ? probeHealth(server.url, 20) : null;
      const started = performance.now();
      const response = await fetch(`${server.url}/api/v1/campaigns/${campaignId}/import?customerIdColumn=customer_id`, {
        method: 'POST',
        headers: { 'content-type': 'text/csv', cookie },
        body: csv(db.firstCustomer, rows),
        duplex: 'half',
      } as RequestInit);
      const text = await response.text();
      const seconds = (performance.now() - started) / 1000;
      const probed = await health?.stop();
      clearInterval(sampler);
      peak = Math.max(peak, rssOf(pid).rssMb);
      const done = text.trim().split('\n').at(-1) ?? '';
      const imported = Number(/"imported":(\d+)/.exec(done)?.[1] ?? 'NaN');
      if (!Number.isFinite(imported)) throw new Error(`import failed (${response.status}): ${text.slice(0, 300)}`);
      return { seconds, imported, peak, rate: rows / seconds, health: probed ?? { latencies: [], failed: 0 } };
    };
    const rows100k = Math.min(100_000, db.contacts);
    const a = await run(small, rows100k);
    const limit = rawInsertRate(db.file, rawCampaign, db.firstCustomer, rows100k);
    opts.log(
      `  ${num(rows100k)} rows: ${a.seconds.toFixed(1)} s, ${num(a.rate)} rows/s (raw ${num(limit)}/s), peak RSS ${a.peak.toFixed(0)} MB (idle ${baseline.toFixed(0)} MB)`,
    );
    figures.push({
      section: 'import',
      name: `CSV import, ${num(rows100k)} rows`,
      value: a.seconds,
      unit: 's',
      limitName: 'raw INSERT, 1,000/tx',
      limitValue: rows100k / limit,
      ratio: rows100k / limit / a.seconds,
      target: '< 10 s',
      met: a.seconds < 10 && a.imported === rows100k,
      detail: `${num(a.rate)} rows/s; ${num(a.imported)} imported; server peak RSS ${a.peak.toFixed(0)} MB`,
    });
    const rows1m = db.contacts;
    const b = await run(large, rows1m);
    opts.log(
      `  ${num(rows1m)} rows: ${b.seconds.toFixed(1)} s, ${num(b.rate)} rows/s, peak RSS ${b.peak.toFixed(0)} MB`,
    );
    figures.push({
      section: 'import',
      name: `CSV import, ${num(rows1m)} rows: server peak RSS`,
      value: b.peak,
      unit: 'MB',
      limitName: 'server idle RSS',
      limitValue: baseline,
      target: '< 300 MB',
      met: b.peak < 300 && b.imported === rows1m,
      detail: `${b.seconds.toFixed(1)} s, ${num(b.rate)} rows/s; ${num(b.imported)} imported`,
    });
    const c = await run(probed, rows1m, true);
    const h = c.health.latencies;
    const [p50, p99, max] = [quantile(h, 0.5), quantile(h, 0.99), Math.max(...h)];
    opts.log(
      `  ${num(rows1m)} rows again, /healthz every 20 ms meanwhile: p50 ${ms(p50)}, p99 ${ms(p99)}, max ${ms(max)} ` +
        `(${num(h.length)} probes, ${c.health.failed} failed); import ${c.seconds.toFixed(1)} s, peak RSS ${c.peak.toFixed(0)} MB`,
    );
    figures.push({
      section: 'import',
      name: `/healthz p99 during the ${num(rows1m)}-row import`,
      value: p99,
      unit: 'ms',
      target: '< 100 ms',
      met: h.length > 0 && c.health.failed === 0 && c.imported === rows1m && p99 < 100,
      detail: `p50 ${ms(p50)}, max ${ms(max)}; ${num(h.length)} probes every 20 ms, ${c.health.failed} failed; import ${c.seconds.toFixed(1)} s, peak RSS ${c.peak.toFixed(0)} MB`,
      extra: { p50, p99, max, probes: h.length, failed: c.health.failed, importSeconds: c.seconds, peakRssMb: c.peak },
    });
    return figures;
  } finally {
    await server.kill('SIGTERM');
  }
}
