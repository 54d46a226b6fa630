import { parseEnv } from './env';
import { startServer } from './server';

async function main() {
  const env = parseEnv();
  const running = await startServer(env);
  const lines = [`Valore is listening on ${running.url}`];
  if (env.VALORE_SEED === 'demo') {
    lines.push(
      'Demo logins (password "demo"): operatore1 … operatore44 (operators), tutor1 … tutor11, teamlead1 … teamlead11, admin',
    );
  }
  process.stdout.write(lines.join('\n') + '\n');
  // The first signal drains (requests in progress finish, streams end, /healthz says draining); another one, a second
  // or more later, cuts. Not sooner: a terminal's Ctrl-C reaches npm, scripts/start.mjs and this process at once, and
  // each of the first two passes it on.
  let stoppingSince: number | null = null;
  const stop = async (signal: string) => {
    if (stoppingSince !== null) {
      if (Date.now() - stoppingSince < 1000) return;
      running.deps.logger.warn({ signal }, 'stopping at once');
      process.exit(1);
    }
    stoppingSince = Date.now();
    running.deps.logger.info({ signal, graceSeconds: env.VALORE_SHUTDOWN_GRACE_SECONDS }, 'draining');
    const { cut } = await running.shutdown(env.VALORE_SHUTDOWN_GRACE_SECONDS * 1000);
    if (cut > 0) running.deps.logger.warn({ cut }, 'connections still busy at the end of the grace period were cut');
    running.deps.logger.info('stopped');
    process.exit(0);
  };
  for (const signal of ['SIGTERM', 'SIGINT'] as const) process.on(signal, () => void stop(signal));
}

main().catch((error: unknown) => {
  process.stderr.write(`Valore could not start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
