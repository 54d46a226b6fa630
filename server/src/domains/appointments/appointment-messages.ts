const romeDate = new Intl.DateTimeFormat('it-IT', {
  timeZone: 'Europe/Rome',
  weekday: 'long',
  day: 'numeric',
  month: 'long',
  year: 'numeric',
});
const romeTime = new Intl.DateTimeFormat('it-IT', { timeZone: 'Europe/Rome', hour: '2-digit', minute: '2-digit' });

export interface AppointmentConfirmation {
  firstName: string;
  productName: string;
  officeName: string;
  officeAddress: string;
  officeCity: string;
  startsAt: string;
  /** The customer's signed self-service link (move or cancel it themselves); null: none could be built. */
  manageUrl?: string | null;
  /** The confirmation of a new time after a move, rather than of the booking. */
  moved?: boolean;
}

/** "martedì 1 dicembre 2026" and "10:30", in Rome time whatever the server's zone. */
export function romeDateTime(iso: string): { date: string; time: string } {
  const at = new Date(iso);
  return { date: romeDate.format(at), time: romeTime.format(at) };
}

export function appointmentSms(c: AppointmentConfirmation): string {
  const { date, time } = romeDateTime(c.startsAt);
  return (
    `Gentile ${c.firstName}, le confermiamo ${c.moved ? "il nuovo orario dell'appuntamento" : "l'appuntamento"} per ${c.productName} ` +
    `presso l'Ufficio Postale ${c.officeName}, ${c.officeAddress}, ${c.officeCity}, ${date} alle ${time}. ` +
    `Porti con sé un documento d'identità e il codice fiscale.` +
    (c.manageUrl ? ` Per spostarlo o annullarlo: ${c.manageUrl}` : '')
  );
}

export function appointmentEmail(c: AppointmentConfirmation): { subject: string; body: string } {
  const { date, time } = romeDateTime(c.startsAt);
  return {
    subject: `${c.moved ? 'Appuntamento spostato' : 'Conferma appuntamento'}: Ufficio Postale ${c.officeName}, ${date} alle ${time}`,
    body: [
      `Gentile ${c.firstName},`,
      '',
      c.moved
        ? `le confermiamo il nuovo orario dell'appuntamento di consulenza per ${c.productName}.`
        : `le confermiamo l'appuntamento di consulenza per ${c.productName}.`,
      '',
      `Dove: Ufficio Postale ${c.officeName}, ${c.officeAddress}, ${c.officeCity}`,
      `Quando: ${date} alle ${time}`,
      '',
      "Porti con sé un documento d'identità valido e il codice fiscale.",
      c.manageUrl
        ? `Se non potesse venire, può spostare o annullare l\u2019appuntamento da qui: ${c.manageUrl}`
        : 'Se non potesse venire, ci chiami: sposteremo volentieri l\u2019appuntamento.',
      '',
      'Cordiali saluti,',
      'Il servizio clienti',
    ].join('\n'),
  };
}
