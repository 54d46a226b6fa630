import { describe, expect, it } from 'vitest';
import { ctiCommandConfig, parseEnv } from '../../env';
import { signCtiRequest, verifyCtiSignature } from './cti-commands';

const SECRET = 'x'.repeat(40);
const NOW = Date.parse('2026-12-03T10:00:00Z');
const ts = NOW / 1000;
const body = '{"id":1,"action":"dial","number":"+393331234567"}';

describe('signed call commands', () => {
  it('verifies what it signed, and nothing tampered, replayed late or signed with another secret', () => {
    const signature = signCtiRequest(SECRET, ts, body);
    expect(signature).toMatch(/^v1=[0-9a-f]{64}$/);
    const verify = (sig: string, at: number, text = body, secret = SECRET, now = NOW) =>
      verifyCtiSignature(secret, { signature: sig, timestamp: String(at) }, text, now);
    expect(verify(signature, ts)).toBe(true);
    expect(verify(signature, ts, body.replace('4567', '4568'))).toBe(false);
    expect(verify(signature, ts + 1)).toBe(false);
    expect(verify(signature, ts, body, 'y'.repeat(40))).toBe(false);
    // the same request five minutes and a second later is a replay
    expect(verify(signature, ts, body, SECRET, NOW + 301_000)).toBe(false);
    expect(verifyCtiSignature(SECRET, { signature: undefined, timestamp: String(ts) }, body, NOW)).toBe(false);
    expect(verifyCtiSignature(SECRET, { signature, timestamp: 'soon' }, body, NOW)).toBe(false);
  });

  it('is configured by URL and secret together, or goes to the log', () => {
    expect(ctiCommandConfig(parseEnv({}))).toBeNull();
    expect(
      ctiCommandConfig(
        parseEnv({ VALORE_CTI_COMMAND_URL: 'https://pbx.example/cmd', VALORE_CTI_COMMAND_SECRET: SECRET }),
      ),
    ).toEqual({ url: 'https://pbx.example/cmd', secret: SECRET });
    expect(() => ctiCommandConfig(parseEnv({ VALORE_CTI_COMMAND_URL: 'https://pbx.example/cmd' }))).toThrow(/together/);
    expect(() => parseEnv({ VALORE_CTI_COMMAND_SECRET: 'short' })).toThrow(/32 characters/);
    expect(() =>
      ctiCommandConfig(parseEnv({ VALORE_CTI_COMMAND_URL: 'ftp://pbx.example', VALORE_CTI_COMMAND_SECRET: SECRET })),
    ).toThrow(/http/);
  });
});
