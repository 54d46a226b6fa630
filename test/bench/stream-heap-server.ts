// The server of the stream-heap bench (streams.ts), in a process of its own started with --expose-gc: the real
// application from the sources on the bench's database; on "measure" it collects garbage and reports its heap.
import { parseEnv } from '@valore/server/env';
import { startServer } from '@valore/server/server';
import { TEST_INTAKE_KEY, TEST_SESSION_SECRET } from '../helpers/server';

const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('start this with node --expose-gc');
const running = await startServer(
  parseEnv({
    NODE_ENV: 'production',
    PORT: '0',
    HOST: '127.0.0.1',
    VALORE_DB: process.argv[2] ?? '',
    VALORE_SEED: 'none',
    VALORE_INTAKE_KEYS: TEST_INTAKE_KEY,
    VALORE_SESSION_SECRET: TEST_SESSION_SECRET,
    LOG_LEVEL: 'error',
    VALORE_OFFER_DISPATCH: 'off',
  }),
);
process.on('message', (message) => {
  if (message === 'measure') {
    // a few rounds: weak references and finalizers settle over more than one collection
    for (let i = 0; i < 4; i++) gc();
    process.send?.({ heapUsed: process.memoryUsage().heapUsed });
  } else if (message === 'stop') {
    void running.close().then(() => process.exit(0));
  }
});
process.send?.({ url: running.url });
