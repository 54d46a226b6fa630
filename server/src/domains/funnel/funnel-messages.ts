const romeDay = new Intl.DateTimeFormat('it-IT', {
  timeZone: 'Europe/Rome',
  day: 'numeric',
  month: 'long',
  year: 'numeric',
});

export function funnelSms(args: { firstName: string; productName: string; url: string; expiresAt: Date }): string {
  return `Gentile ${args.firstName}, ecco il link per attivare ${args.productName} online: ${args.url} (valido fino al ${romeDay.format(args.expiresAt)}).`;
}

export function funnelEmail(args: { firstName: string; productName: string; url: string; expiresAt: Date }): {
  subject: string;
  body: string;
} {
  return {
    subject: `Il link per attivare ${args.productName} online`,
    body: [
      `Gentile ${args.firstName},`,
      '',
      `come concordato al telefono, ecco il link per completare online l'attivazione di ${args.productName}:`,
      '',
      args.url,
      '',
      `Il link è personale e resta valido fino al ${romeDay.format(args.expiresAt)}.`,
      'Se non ha richiesto questo messaggio, può ignorarlo.',
      '',
      'Cordiali saluti,',
      'Il servizio clienti',
    ].join('\n'),
  };
}
