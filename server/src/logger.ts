import { pino, type Logger } from 'pino';

export type { Logger };

export function createLogger(level: string, destination?: { write: (line: string) => void }): Logger {
  const options = {
    level,
    base: { service: 'valore' },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: { paths: ['req.headers.cookie', 'req.headers.authorization', 'password'], censor: '[redacted]' },
  };
  return destination ? pino(options, destination) : pino(options);
}
