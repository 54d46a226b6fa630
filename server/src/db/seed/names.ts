export const MALE_NAMES = [
  'Marco', 'Giuseppe', 'Antonio', 'Giovanni', 'Francesco', 'Luca', 'Alessandro', 'Andrea', 'Matteo', 'Lorenzo',
  'Stefano', 'Roberto', 'Paolo', 'Davide', 'Simone', 'Federico', 'Riccardo', 'Salvatore', 'Vincenzo', 'Domenico',
  'Fabio', 'Claudio', 'Massimo', 'Emanuele', 'Gabriele', 'Nicola', 'Pietro', 'Tommaso', 'Enrico', 'Daniele',
];
export const FEMALE_NAMES = [
  'Giulia', 'Francesca', 'Chiara', 'Sara', 'Martina', 'Valentina', 'Alessandra', 'Elena', 'Federica', 'Silvia',
  'Anna', 'Maria', 'Laura', 'Paola', 'Roberta', 'Elisa', 'Giorgia', 'Serena', 'Ilaria', 'Monica',
  'Cristina', 'Barbara', 'Sofia', 'Aurora', 'Alice', 'Beatrice', 'Camilla', 'Rosa', 'Teresa', 'Lucia',
];
export const SURNAMES = [
  'Rossi', 'Russo', 'Ferrari', 'Esposito', 'Bianchi', 'Romano', 'Colombo', 'Ricci', 'Marino', 'Greco',
  'Bruno', 'Gallo', 'Conti', 'De Luca', 'Mancini', 'Costa', 'Giordano', 'Rizzo', 'Lombardi', 'Moretti',
  'Barbieri', 'Fontana', 'Santoro', 'Mariani', 'Rinaldi', 'Caruso', 'Ferrara', 'Galli', 'Martini', 'Leone',
  'Longo', 'Gentile', 'Martinelli', 'Vitale', 'Lombardo', 'Serra', 'Coppola', 'De Santis', "D'Angelo", 'Marchetti',
  'Parisi', 'Villa', 'Conte', 'Ferraro', 'Ferri', 'Fabbri', 'Bianco', 'Marini', 'Grasso', 'Valentini',
  'Messina', 'Sala', 'De Angelis', 'Gatti', 'Pellegrini', 'Palumbo', 'Sanna', 'Farina', 'Rizzi', 'Monti',
];
export const STREETS = [
  'Via Roma', 'Via Garibaldi', 'Corso Italia', 'Via Mazzini', 'Via Verdi', 'Piazza del Popolo', 'Via Dante',
  'Corso Vittorio Emanuele', 'Via Cavour', 'Viale della Repubblica', 'Via XX Settembre', 'Via Marconi',
];
