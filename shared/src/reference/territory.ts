/** Territory for branch search and reporting (DOMAIN.md, "Reference data"): macro-area → district → provinces. */
export interface DistrictDefinition {
  code: string;
  name: string;
  macroArea: string;
  provinces: readonly string[];
}

export const MACRO_AREAS = ['Nord Ovest', 'Nord Est', 'Centro Nord', 'Centro', 'Sud', 'Sicilia'] as const;
export type MacroArea = (typeof MACRO_AREAS)[number];

const d = (code: string, name: string, macroArea: MacroArea, provinces: string): DistrictDefinition => ({
  code,
  name,
  macroArea,
  provinces: provinces.split(' '),
});

export const DISTRICTS: readonly DistrictDefinition[] = [
  d('LIG', 'Liguria', 'Nord Ovest', 'GE IM SV SP'),
  d('PIN', 'Piemonte Nord', 'Nord Ovest', 'TO AO BI'),
  d('PIS', 'Piemonte Sud', 'Nord Ovest', 'CN AT AL'),
  d('LAG', 'Dei Laghi', 'Nord Ovest', 'VC VB NO VA CO MB'),
  d('LON', 'Lombardia Nord', 'Nord Ovest', 'LC SO BG BS'),
  d('LOS', 'Lombardia Sud', 'Nord Ovest', 'MN CR LO PV'),
  d('LOC', 'Lombardia Centro', 'Nord Ovest', 'MI'),
  d('FVG', 'Friuli Venezia Giulia', 'Nord Est', 'GO UD PN TS'),
  d('DOL', 'Dolomitico', 'Nord Est', 'TN BZ BL'),
  d('VE1', 'Veneto 1', 'Nord Est', 'VE TV PD'),
  d('VE2', 'Veneto 2', 'Nord Est', 'VR VI RO'),
  d('EME', 'Emilia Est', 'Centro Nord', 'BO FC RA RN FE'),
  d('EMO', 'Emilia Ovest', 'Centro Nord', 'RE PR PC MO'),
  d('MAR', 'Marche', 'Centro Nord', 'PU AN AP FM MC'),
  d('TON', 'Toscana Nord', 'Centro Nord', 'FI PO PT LU PI MS LI'),
  d('TSU', 'Toscana Sud-Umbria', 'Centro Nord', 'SI GR AR PG TR'),
  d('RLN', 'Roma e Lazio Nord', 'Centro', 'RM VT RI'),
  d('RLS', 'Roma e Lazio Sud', 'Centro', 'RM LT FR'),
  d('ABM', 'Abruzzo-Molise', 'Centro', 'AQ PE TE CH CB IS'),
  d('SAR', 'Sardegna', 'Centro', 'CA NU OR SS'),
  d('CAN', 'Campania Nord', 'Sud', 'NA CE'),
  d('CSB', 'Campania Sud e Basilicata Nord', 'Sud', 'AV BN SA PZ'),
  d('PUB', 'Puglia e Basilicata Sud', 'Sud', 'FG BA TA LE BR MT'),
  d('CAL', 'Calabria', 'Sud', 'CS CZ KR RC VV'),
  d('SIO', 'Sicilia Ovest', 'Sicilia', 'PA TP AG CL EN'),
  d('SIE', 'Sicilia Est', 'Sicilia', 'CT ME SR RG'),
];

export const PROVINCE_NAMES: Readonly<Record<string, string>> = {
  GE: 'Genova', IM: 'Imperia', SV: 'Savona', SP: 'La Spezia', TO: 'Torino', AO: 'Aosta', BI: 'Biella',
  CN: 'Cuneo', AT: 'Asti', AL: 'Alessandria', VC: 'Vercelli', VB: 'Verbano-Cusio-Ossola', NO: 'Novara',
  VA: 'Varese', CO: 'Como', MB: 'Monza e Brianza', LC: 'Lecco', SO: 'Sondrio', BG: 'Bergamo', BS: 'Brescia',
  MN: 'Mantova', CR: 'Cremona', LO: 'Lodi', PV: 'Pavia', MI: 'Milano', GO: 'Gorizia', UD: 'Udine',
  PN: 'Pordenone', TS: 'Trieste', TN: 'Trento', BZ: 'Bolzano', BL: 'Belluno', VE: 'Venezia', TV: 'Treviso',
  PD: 'Padova', VR: 'Verona', VI: 'Vicenza', RO: 'Rovigo', BO: 'Bologna', FC: 'Forlì-Cesena', RA: 'Ravenna',
  RN: 'Rimini', FE: 'Ferrara', RE: 'Reggio Emilia', PR: 'Parma', PC: 'Piacenza', MO: 'Modena',
  PU: 'Pesaro e Urbino', AN: 'Ancona', AP: 'Ascoli Piceno', FM: 'Fermo', MC: 'Macerata', FI: 'Firenze',
  PO: 'Prato', PT: 'Pistoia', LU: 'Lucca', PI: 'Pisa', MS: 'Massa-Carrara', LI: 'Livorno', SI: 'Siena',
  GR: 'Grosseto', AR: 'Arezzo', PG: 'Perugia', TR: 'Terni', RM: 'Roma', VT: 'Viterbo', RI: 'Rieti',
  LT: 'Latina', FR: 'Frosinone', AQ: "L'Aquila", PE: 'Pescara', TE: 'Teramo', CH: 'Chieti', CB: 'Campobasso',
  IS: 'Isernia', CA: 'Cagliari', NU: 'Nuoro', OR: 'Oristano', SS: 'Sassari', NA: 'Napoli', CE: 'Caserta',
  AV: 'Avellino', BN: 'Benevento', SA: 'Salerno', PZ: 'Potenza', FG: 'Foggia', BA: 'Bari', TA: 'Taranto',
  LE: 'Lecce', BR: 'Brindisi', MT: 'Matera', CS: 'Cosenza', CZ: 'Catanzaro', KR: 'Crotone',
  RC: 'Reggio Calabria', VV: 'Vibo Valentia', PA: 'Palermo', TP: 'Trapani', AG: 'Agrigento',
  CL: 'Caltanissetta', EN: 'Enna', CT: 'Catania', ME: 'Messina', SR: 'Siracusa', RG: 'Ragusa',
};

/** Districts a province belongs to (Roma belongs to two). */
export function districtsOfProvince(province: string): DistrictDefinition[] {
  return DISTRICTS.filter((x) => x.provinces.includes(province));
}
