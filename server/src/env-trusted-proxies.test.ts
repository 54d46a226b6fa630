import { describe, expect, it } from 'vitest';
import { parseEnv, trustedProxies } from './env';

describe('VALORE_TRUSTED_PROXIES', () => {
  it('is unset by default: nobody is trusted to say who the client is', () => {
    expect(trustedProxies(parseEnv({}))).toEqual([]);
  });
  it('takes addresses, CIDR ranges and the loopback/linklocal/uniquelocal names, comma-separated', () => {
    const env = parseEnv({ VALORE_TRUSTED_PROXIES: ' loopback, 10.0.0.0/8 ,fd00::/8,192.0.2.7,, ::1' });
    expect(trustedProxies(env)).toEqual(['loopback', '10.0.0.0/8', 'fd00::/8', '192.0.2.7', '::1']);
  });
  it.each(['true', '*', 'proxy.example', '10.0.0.0/33', '10.0.0.1/8/2', '::1/129', '300.0.0.1'])(
    'refuses %s at start',
    (value) => {
      expect(() => parseEnv({ VALORE_TRUSTED_PROXIES: value })).toThrow(/VALORE_TRUSTED_PROXIES/);
    },
  );
});
