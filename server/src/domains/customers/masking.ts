/** Personal data is shown masked until the operator reveals it (and the reveal is audited). */
const DOT = '•';

export function maskPhone(phone: string): string {
  const digits = phone.replace(/\D/g, '');
  const last = digits.slice(-3);
  const prefix = phone.startsWith('+') ? `+${digits.slice(0, 2)} ` : '';
  return `${prefix}${DOT.repeat(3)} ${DOT.repeat(3)} ${DOT}${last}`;
}

/** The first three characters (from the surname) and the last two: enough to tell look-alikes apart, RSS•••••••••••7K. */
export function maskTaxCode(taxCode: string): string {
  return taxCode.slice(0, 3) + DOT.repeat(Math.max(0, taxCode.length - 5)) + taxCode.slice(-2);
}

export function maskEmail(email: string): string {
  const [user = '', domain = ''] = email.split('@');
  return `${user.slice(0, 1)}${DOT.repeat(3)}@${domain}`;
}
