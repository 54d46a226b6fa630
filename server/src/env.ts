import { z } from 'zod';

/** The only place that reads process.env. */
const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().default('0.0.0.0'),
  VALORE_DB: z.string().min(1).default('data/valore.sqlite'),
  VALORE_SEED: z.enum(['demo', 'none']).default('none'),
  VALORE_INTAKE_KEYS: z.string().optional(),
  VALORE_SESSION_SECRET: z.string().min(16, 'VALORE_SESSION_SECRET must be at least 16 characters').optional(),
  VALORE_SESSION_IDLE_MINUTES: z.coerce.number().int().positive().default(30),
  VALORE_PUBLIC_URL: z.string().url().optional(),
  VALORE_SMTP_URL: z.string().optional(),
  VALORE_CLIENT_DIST: z.string().optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

export type Env = z.infer<typeof envSchema>;

export function parseEnv(source: NodeJS.ProcessEnv = process.env): Env {
  const parsed = envSchema.safeParse(source);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new Error(`Invalid configuration:\n${lines.join('\n')}`);
  }
  return parsed.data;
}

/** Intake keys: explicit list, or the demo key when the demo seed is on. */
export function intakeKeys(env: Pick<Env, 'VALORE_INTAKE_KEYS' | 'VALORE_SEED'>): string[] {
  if (env.VALORE_INTAKE_KEYS !== undefined) {
    return env.VALORE_INTAKE_KEYS.split(',').map((k) => k.trim()).filter(Boolean);
  }
  return env.VALORE_SEED === 'demo' ? ['demo-intake-key'] : [];
}
