/** Personal data is shown masked until the operator reveals it (and the reveal is audited). */
const DOT = '•';

export function maskPhone(phone: string): string {
  const digits = phone.replace(/\D/g, '');
  const last = digits.slice(-3);
  const prefix = phone.startsWith('+') ? `+${digits.slice(0, 2)} ` : '';
  return `${prefix}${DOT.repeat(3)} ${DOT.repeat(3)} ${DOT}${last}`;
}

export function maskTaxCode(taxCode: string): string {
  return taxCode.slice(0, 3) + DOT.repeat(Math.max(0, taxCode.length - 4)) + taxCode.slice(-1);
}

export function maskEmail(email: string): string {
  const [user = '', domain = ''] = email.split('@');
  return `${user.slice(0, 1)}${DOT.repeat(3)}@${domain}`;
}
