import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_TEMPLATES,
  MESSAGE_CHANNELS,
  MESSAGE_LANGUAGES,
  MESSAGE_PURPOSES,
  TEMPLATE_VARIABLES,
  renderTemplate,
  sampleValues,
  smsLength,
  templateProblems,
} from './templates';

const combos = MESSAGE_PURPOSES.flatMap((purpose) =>
  MESSAGE_CHANNELS.flatMap((channel) => MESSAGE_LANGUAGES.map((language) => ({ purpose, channel, language }))),
);

describe('the shipped templates', () => {
  it.each(combos)('$purpose $channel $language passes its own checks and renders every value it names', (c) => {
    const t = DEFAULT_TEMPLATES[c.purpose][c.channel][c.language];
    expect(templateProblems(c.purpose, c.channel, c.language, t)).toEqual({});
    const rendered = renderTemplate(t, sampleValues(c.purpose, c.language));
    expect(rendered.body).not.toMatch(/\{\{|\}\}/);
    expect(rendered.subject ?? '').not.toMatch(/\{\{|\}\}/);
    expect(rendered.subject === null).toBe(c.channel === 'sms');
    for (const v of TEMPLATE_VARIABLES[c.purpose].filter((x) => x.kind === 'text' && !x.optional)) {
      expect(rendered.body + (rendered.subject ?? ''), v.name).toContain(
        String(sampleValues(c.purpose, c.language)[v.name]),
      );
    }
    // an Italian SMS stays in the GSM alphabet (one SMS carries 160 characters, not 70)
    if (c.channel === 'sms') expect(smsLength(rendered.body).encoding).toBe('GSM-7');
  });

  it('the callback confirmation greets a customer without a name and tells how to move it without a link', () => {
    const sms = renderTemplate(DEFAULT_TEMPLATES.callback_confirmation.sms.it, {
      first_name: null,
      date: 'mercoledì 2 dicembre',
      time: '10:30',
      manage_url: null,
    });
    expect(sms.body).toBe('Gentile cliente, la richiameremo mercoledì 2 dicembre alle 10:30.');
    const moved = renderTemplate(DEFAULT_TEMPLATES.appointment_confirmation.email.en, {
      ...sampleValues('appointment_confirmation', 'en'),
      moved: true,
      manage_url: null,
    });
    expect(moved.subject).toBe('Appointment moved: Roma Centro post office, Tuesday 15 December 2026 at 10:30');
    expect(moved.body).toContain('If you cannot come, call us');
    expect(moved.body).not.toContain('https://');
  });

  it('inserts values as they are (no HTML escaping in an SMS or a plain-text e-mail)', () => {
    expect(renderTemplate({ subject: null, body: '{{url}}' }, { url: 'https://x/?a=1&b=<2>' }).body).toBe(
      'https://x/?a=1&b=<2>',
    );
  });
});

describe('templateProblems', () => {
  it('names unknown variables, flags used as text, sections left open, a missing e-mail subject, an SMS subject', () => {
    expect(templateProblems('funnel_link', 'sms', 'it', { body: '{{nome}} {{url}} {{nome}}' })).toEqual({
      body: ['Unknown variable {{nome}}'],
    });
    expect(templateProblems('appointment_confirmation', 'sms', 'it', { body: 'x {{moved}}' }).body?.[0]).toMatch(
      /flag/,
    );
    expect(templateProblems('funnel_link', 'sms', 'it', { body: '{{#url}} open' }).body?.[0]).toMatch(/cannot be read/);
    expect(templateProblems('funnel_link', 'email', 'it', { subject: ' ', body: '{{url}}' })).toEqual({
      subject: ['An e-mail needs a subject'],
    });
    expect(templateProblems('funnel_link', 'sms', 'it', { subject: 'x', body: '{{url}}' })).toEqual({
      subject: ['An SMS has no subject'],
    });
    expect(templateProblems('funnel_link', 'sms', 'it', { body: '{{url}} {{> footer}}' }).body?.[0]).toMatch(
      /Partials/,
    );
    expect(templateProblems('funnel_link', 'sms', 'it', { body: '{{=<% %>=}} <% url %>' }).body?.[0]).toMatch(
      /delimiter/,
    );
    expect(templateProblems('funnel_link', 'sms', 'en', { body: `${'x'.repeat(1000)} {{url}}` })).toEqual({
      body: ['With typical values this SMS takes 7 segments (GSM-7); keep it to 6'],
    });
    // unknown inside a section too
    expect(templateProblems('funnel_link', 'sms', 'it', { body: '{{#url}}{{surname}}{{/url}}' }).body).toEqual([
      'Unknown variable {{surname}}',
    ]);
  });
});

describe('smsLength', () => {
  it('counts GSM-7 in 160 / 153 and the extension characters twice', () => {
    expect(smsLength('a'.repeat(160))).toMatchObject({ encoding: 'GSM-7', units: 160, segments: 1 });
    expect(smsLength('a'.repeat(161))).toMatchObject({ units: 161, segments: 2, perSegment: 153 });
    expect(smsLength('a'.repeat(306)).segments).toBe(2);
    expect(smsLength('a'.repeat(307)).segments).toBe(3);
    expect(smsLength('€'.repeat(80))).toMatchObject({ encoding: 'GSM-7', units: 160, segments: 1 });
    expect(smsLength('è à ù ì ò é').encoding).toBe('GSM-7');
  });

  it('falls back to UCS-2 (70 / 67) for one character outside the alphabet and names it', () => {
    expect(smsLength(`${'a'.repeat(69)}’`)).toMatchObject({
      encoding: 'UCS-2',
      units: 70,
      segments: 1,
      unicodeCharacters: ['’'],
    });
    expect(smsLength(`È${'a'.repeat(70)}`)).toMatchObject({ encoding: 'UCS-2', segments: 2, perSegment: 67 });
    // an emoji is two UTF-16 units
    expect(smsLength('🙂').units).toBe(2);
  });

  it('always gives the fewest segments that hold the text', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom('a', 'é', '€', '’', '🙂', ' ', '\n'), maxLength: 700 }), (text) => {
        const l = smsLength(text);
        expect(l.segments * l.perSegment).toBeGreaterThanOrEqual(l.units);
        if (l.segments > 1) expect((l.segments - 1) * l.perSegment).toBeLessThan(l.units);
        expect(l.encoding === 'UCS-2').toBe(l.unicodeCharacters.length > 0);
      }),
    );
  });
});
