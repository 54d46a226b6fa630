import { addDays, romeToUtc } from '@valore/shared/time/rome-time';
import type { MyShift } from './rota.service';

/**
 * A person's published shifts as an iCalendar file (RFC 5545) for their phone or mail calendar: a timed event per
 * Saturday or weekday shift (in UTC, converted from the Rome wall-clock hours, so no time-zone table is needed) and an
 * all-day event per rest day or day off. The UID is the shift's, so importing the file again updates the events
 * instead of doubling them.
 */

const CRLF = '\r\n';

const utcStamp = (at: Date) =>
  at
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
const dateStamp = (date: string) => date.replace(/-/g, '');
const minutesOf = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

/** TEXT values escape backslash, semicolon, comma and newlines (RFC 5545 3.3.11). */
const escapeText = (value: string) =>
  value.replace(/\\/g, '\\\\').replace(/;/g, '\\;').replace(/,/g, '\\,').replace(/\r?\n/g, '\\n');

/** Lines longer than 75 octets are folded: CRLF and a space, without splitting a UTF-8 character. */
function fold(line: string): string {
  const parts: string[] = [];
  let current = '';
  let octets = 0;
  for (const char of line) {
    const size = Buffer.byteLength(char);
    if (octets + size > (parts.length ? 74 : 75)) {
      parts.push(current);
      current = '';
      octets = 0;
    }
    current += char;
    octets += size;
  }
  parts.push(current);
  return parts.join(`${CRLF} `);
}

export function rotaIcs(shifts: readonly MyShift[], now: Date, host: string): string {
  const lines = [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    'PRODID:-//Valore//Turni//IT',
    'CALSCALE:GREGORIAN',
    'METHOD:PUBLISH',
    'X-WR-CALNAME:Turni',
  ];
  for (const shift of shifts) {
    const team = shift.team ? ` (${shift.team})` : '';
    lines.push('BEGIN:VEVENT', `UID:rota-${shift.id}@${host}`, `DTSTAMP:${utcStamp(now)}`);
    if (shift.kind !== 'rest' && shift.starts && shift.ends) {
      const what = shift.kind === 'saturday' ? 'Turno del sabato' : 'Turno';
      lines.push(
        `DTSTART:${utcStamp(romeToUtc(shift.date, minutesOf(shift.starts)))}`,
        `DTEND:${utcStamp(romeToUtc(shift.date, minutesOf(shift.ends)))}`,
        `SUMMARY:${escapeText(`${what}${team}`)}`,
      );
    } else {
      const what = shift.kind === 'rest' ? 'Riposo compensativo' : 'Riposo';
      lines.push(
        `DTSTART;VALUE=DATE:${dateStamp(shift.date)}`,
        `DTEND;VALUE=DATE:${dateStamp(addDays(shift.date, 1))}`,
        `SUMMARY:${escapeText(`${what}${team}`)}`,
        'TRANSP:TRANSPARENT',
      );
    }
    lines.push('END:VEVENT');
  }
  lines.push('END:VCALENDAR');
  return lines.map(fold).join(CRLF) + CRLF;
}
