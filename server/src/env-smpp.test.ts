import { describe, expect, it } from 'vitest';
import { parseEnv, parseSmppUrl, smppConfig } from './env';

describe('VALORE_SMPP_URL', () => {
  it('reads the SMSC account, port and sender', () => {
    expect(
      smppConfig(parseEnv({ VALORE_SMPP_URL: 'smpp://valore:s%40cret@smsc.example:2776?from=%2B393001234567' })),
    ).toEqual({
      host: 'smsc.example',
      port: 2776,
      systemId: 'valore',
      password: 's@cret',
      sourceAddr: '+393001234567',
    });
    expect(parseSmppUrl('smpp://valore:pw@[::1]?from=+39300123')).toEqual({
      host: '::1',
      port: 2775,
      systemId: 'valore',
      password: 'pw',
      sourceAddr: '+39300123',
    });
    expect(parseSmppUrl('smpp://valore@127.0.0.1')).toMatchObject({ password: '', sourceAddr: 'Valore' });
  });

  it('is optional: unset or empty, SMS are only logged', () => {
    expect(smppConfig(parseEnv({}))).toBeNull();
    expect(smppConfig(parseEnv({ VALORE_SMPP_URL: '' }))).toBeNull();
  });

  it.each([
    ['http://valore:pw@smsc.example', /expected smpp:\/\/system_id:password@host/],
    ['smpp://smsc.example:2775', /system_id \(user\) must be 1 to 15/],
    ['smpp://a-very-long-system-id:pw@smsc.example', /system_id \(user\) must be 1 to 15/],
    ['smpp://valore:123456789@smsc.example', /at most 8 characters/],
    ['smpp://valore:pw@smsc.example?sender=x', /unknown parameter "sender"/],
    ['smpp://valore:pw@smsc.example?from=Valore%20Assistenza', /up to 11 letters/],
    ['smpp://valore:pw@smsc.example/path', /expected smpp:/],
  ])('refuses %s at start with a message saying why', (url, message) => {
    expect(() => parseEnv({ VALORE_SMPP_URL: url })).toThrow(message);
  });
});
