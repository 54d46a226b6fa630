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
  const stop = async (signal: string) => {
    running.deps.logger.info({ signal }, 'shutting down');
    await running.close();
    process.exit(0);
  };
  process.once('SIGTERM', () => void stop('SIGTERM'));
  process.once('SIGINT', () => void stop('SIGINT'));
}

main().catch((error: unknown) => {
  process.stderr.write(`Valore could not start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
