import type SQLite from 'better-sqlite3';
import { CAMPAIGN_1_0_0 } from '@valore/shared/flows/builtin-scripts';
import { compileScript } from '@valore/shared/flows/compile';
import type { FlowInput } from '@valore/shared/flows/types';
import { PRODUCT_CATALOGUE } from '@valore/shared/reference/products';
import { FEEDBACK_DIMENSIONS, type FeedbackDimension } from '@valore/shared/training/feedback';
import { personaOf, stepWeights, syntheticCustomer, type Persona } from '@valore/shared/training/personas';
import { playPractice } from '@valore/shared/training/practice-play';
import { MAX_SEED } from '@valore/shared/training/practice-random';
import { scorePractice } from '@valore/shared/training/practice-score';
import { addDays, romeParts, romeToUtc } from '@valore/shared/time/rome-time';
import { Rng } from './rng';

/**
 * The demo's training (docs/training.md): the source's classroom plan "Assistenza al valore" (6 hours) for every
 * site's operators and tutors, one session a site in December 2022 and a remote make-up session for those who left
 * early, with a few absences and partial attendances, and the feedback survey whose averages over all answers are
 * the source's (usefulness 4.4, logistics 3.8, method 4.3, tutoring 4.6, teaching 4.8, planning 4.1). Then a recent
 * practice set (DEMO_PRACTICE_SET) most operators completed some 5–7 weeks before the demo's "now", so the "does
 * training pay?" view has completions inside the living demo's 60 days of contacts (December 2022 is far outside
 * them). Deterministic (its own Rngs, so the rest of the demo draws what it drew before), and a few hundred rows.
 */

export const DEMO_COURSE = {
  title: 'Assistenza al valore',
  hours: 6,
  modules: [
    'Il progetto: perché il valore per il cliente',
    'Flusso campagna (outbound)',
    'Flusso vendita inbound',
    'Flusso cross-selling OCS',
    'Flusso richiamata (Call Me Back)',
    'Consensi, privacy e Registro delle opposizioni',
    'Gestione delle obiezioni',
    'Esiti di valore: appuntamento in UP, funnel digitale, lead',
  ],
  targetRoles: ['operator', 'tutor'],
} as const;

/** The source's averages per dimension, over every answer. */
export const DEMO_FEEDBACK_TARGETS: Record<FeedbackDimension, number> = {
  usefulness: 4.4,
  logistics: 3.8,
  method: 4.3,
  tutoring: 4.6,
  teaching: 4.8,
  planning: 4.1,
};

/** One weekday of December 2022 per site (8 December is a holiday). */
const SESSION_DAYS = [
  '2022-12-01',
  '2022-12-02',
  '2022-12-05',
  '2022-12-06',
  '2022-12-07',
  '2022-12-09',
  '2022-12-12',
  '2022-12-13',
  '2022-12-14',
  '2022-12-15',
  '2022-12-16',
];
const MAKE_UP_DAY = '2022-12-20';
const MAKE_UP_HOURS = 3;
const TRAINERS = ['Laura Conti', 'Marco Ferri', 'Giulia Rinaldi'];
const COMMENTS = [
  'Molto utile per il lavoro di tutti i giorni.',
  'Aula troppo piccola per il numero di partecipanti.',
  'Docente chiara e disponibile.',
  'Avrei voluto più esercitazioni sulle obiezioni.',
  'Ottimi gli esempi sui consensi.',
  'Orario un po’ lungo, meglio due mezze giornate.',
];

/**
 * `count` scores from 1 to 5 whose sum is the target mean's (rounded): drawn around the mean, then nudged one point
 * at a time, so the distribution looks like answers and the average comes out as the source's.
 */
export function scoresWithMean(rng: Rng, count: number, mean: number): number[] {
  const scores = Array.from({ length: count }, () =>
    Math.min(5, Math.max(1, Math.round(mean + (rng.next() - 0.5) * 2.4))),
  );
  const target = Math.round(mean * count);
  let sum = scores.reduce((a, b) => a + b, 0);
  while (sum !== target) {
    const i = rng.int(0, count - 1);
    const score = scores[i] ?? 0;
    if (sum < target && score < 5) {
      scores[i] = score + 1;
      sum++;
    } else if (sum > target && score > 1) {
      scores[i] = score - 1;
      sum--;
    }
  }
  return scores;
}

interface Attended {
  sessionId: number;
  userId: number;
  date: string;
}

export function seedTraining(sqlite: SQLite.Database, seed: number): void {
  const rng = new Rng(seed);
  const admin = sqlite.prepare("SELECT id FROM users WHERE username = 'admin'").get() as { id: number } | undefined;
  const by = admin?.id ?? null;
  const courseId = Number(
    sqlite
      .prepare(
        `INSERT INTO training_courses (title, hours, modules, target_roles, created_at, created_by)
         VALUES (?, ?, ?, ?, ?, ?)`,
      )
      .run(
        DEMO_COURSE.title,
        DEMO_COURSE.hours,
        JSON.stringify(DEMO_COURSE.modules),
        JSON.stringify(DEMO_COURSE.targetRoles),
        '2022-11-07T09:00:00.000Z',
        by,
      ).lastInsertRowid,
  );
  const session = sqlite.prepare(
    `INSERT INTO training_sessions (course_id, site_id, date, starts, hours, room, remote, trainer, capacity,
       created_at, created_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const enrol = sqlite.prepare(
    `INSERT INTO training_enrolments (session_id, user_id, enrolled_at, enrolled_by, attendance, hours, recorded_at,
       recorded_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const sites = sqlite.prepare('SELECT id FROM sites ORDER BY id').all() as { id: number }[];
  const learnersOf = sqlite.prepare(
    "SELECT id FROM users WHERE site_id = ? AND active = 1 AND role IN ('operator', 'tutor') ORDER BY id",
  );
  const endOf = (date: string, hours: number) => romeToUtc(date, 9 * 60 + hours * 60).toISOString();
  const attended: Attended[] = [];
  const makeUp: { userId: number }[] = [];
  sites.forEach((site, index) => {
    const date = SESSION_DAYS[index % SESSION_DAYS.length] ?? MAKE_UP_DAY;
    const trainer = TRAINERS[index % TRAINERS.length] ?? '';
    const sessionId = Number(
      session.run(
        courseId,
        site.id,
        date,
        '09:00',
        6,
        'Aula formazione',
        0,
        trainer,
        20,
        '2022-11-14T09:00:00.000Z',
        by,
      ).lastInsertRowid,
    );
    const recordedAt = endOf(date, DEMO_COURSE.hours);
    for (const { id } of learnersOf.all(site.id) as { id: number }[]) {
      const draw = rng.next();
      const kind = draw < 0.08 ? 'absent' : draw < 0.17 ? 'partial' : 'present';
      const hours = kind === 'present' ? 6 : kind === 'partial' ? rng.int(8, 19) / 4 : 0;
      enrol.run(sessionId, id, '2022-11-21T09:00:00.000Z', by, kind, hours, recordedAt, by);
      if (kind !== 'absent') attended.push({ sessionId, userId: id, date });
      if (kind === 'partial' && hours >= MAKE_UP_HOURS) makeUp.push({ userId: id });
    }
  });
  if (makeUp.length > 0) {
    const sessionId = Number(
      session.run(
        courseId,
        sites[0]?.id ?? 1,
        MAKE_UP_DAY,
        '09:00',
        MAKE_UP_HOURS,
        null,
        1,
        TRAINERS[0] ?? '',
        30,
        '2022-12-16T17:00:00.000Z',
        by,
      ).lastInsertRowid,
    );
    const recordedAt = endOf(MAKE_UP_DAY, MAKE_UP_HOURS);
    for (const { userId } of makeUp) {
      enrol.run(sessionId, userId, '2022-12-16T17:00:00.000Z', by, 'present', MAKE_UP_HOURS, recordedAt, by);
    }
  }
  seedFeedback(sqlite, rng, attended);
  seedPracticeSet(sqlite, seed + 1);
}

/** Most of those who attended answer the survey of their session (the make-up session is not surveyed). */
function seedFeedback(sqlite: SQLite.Database, rng: Rng, attended: readonly Attended[]): void {
  const answering = attended.filter(() => rng.chance(0.9));
  const scores = Object.fromEntries(
    FEEDBACK_DIMENSIONS.map((d) => [d, scoresWithMean(rng, answering.length, DEMO_FEEDBACK_TARGETS[d])]),
  ) as Record<FeedbackDimension, number[]>;
  const insert = sqlite.prepare(
    `INSERT INTO training_feedback (session_id, user_id, usefulness, logistics, method, tutoring, teaching, planning,
       comment, submitted_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  answering.forEach((a, i) => {
    const of = (d: FeedbackDimension) => scores[d][i] ?? 3;
    insert.run(
      a.sessionId,
      a.userId,
      ...FEEDBACK_DIMENSIONS.map(of),
      rng.chance(0.3) ? rng.pick(COMMENTS) : null,
      romeToUtc(a.date, 17 * 60 + rng.int(0, 120)).toISOString(),
    );
  });
}

export const DEMO_PRACTICE_SET = {
  name: 'Obiezioni sul prezzo — autunno',
  count: 3,
  personaIds: ['price_sensitive_pensioner', 'young_digital'],
} as const;

/** The campaign's first product the persona may be offered (as practice.start picks it): one they do not hold. */
function presetFor(persona: Persona): string | null {
  const fits = (code: string) => !persona.holds.includes(code) && PRODUCT_CATALOGUE.some((p) => p.code === code);
  return persona.products.find(fits) ?? PRODUCT_CATALOGUE.map((p) => p.code).find(fits) ?? null;
}

/**
 * The admin's practice set for every site's operators, made 50 days before the demo's "now" (its users' creation
 * time: seedDemo's `now`). Most operators play their three campaign contacts and complete it 33–47 days ago (their
 * 30 days after have passed); some complete it 8–20 days ago (pending at 30 days), a few stop after one contact.
 * Each contact is played and scored as practice.complete would: the script's machine, the persona answering.
 */
function seedPracticeSet(sqlite: SQLite.Database, seed: number): void {
  const rng = new Rng(seed);
  const admin = sqlite.prepare("SELECT id, created_at FROM users WHERE username = 'admin'").get() as
    { id: number; created_at: string } | undefined;
  if (!admin) return;
  const today = romeParts(new Date(admin.created_at)).date;
  const dayAt = (daysAgo: number, minutes: number) => romeToUtc(addDays(today, -daysAgo), minutes);
  const created = dayAt(50, 9 * 60).toISOString();
  const setId = Number(
    sqlite
      .prepare(
        `INSERT INTO practice_sets (name, site_id, scripts, persona_ids, count_required, due_date, created_by,
           created_at) VALUES (?, NULL, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        DEMO_PRACTICE_SET.name,
        JSON.stringify([{ flow: 'campaign' }]),
        JSON.stringify(DEMO_PRACTICE_SET.personaIds),
        DEMO_PRACTICE_SET.count,
        addDays(today, -33),
        admin.id,
        created,
      ).lastInsertRowid,
  );
  const assign = sqlite.prepare('INSERT INTO practice_assignments (set_id, user_id, assigned_at) VALUES (?, ?, ?)');
  const contact = sqlite.prepare(
    `INSERT INTO practice_contacts (user_id, site_id, assignment_id, flow, script_version, persona_id, seed, customer,
       weights, flow_input, started_at, ended_at, duration_ms, path, outcome, score, total_score)
     VALUES (?, ?, ?, 'campaign', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const machine = compileScript(CAMPAIGN_1_0_0);
  const products = Object.fromEntries(PRODUCT_CATALOGUE.map((p) => [p.code, [...p.outcomes]]));
  const noStats = { handled: 0, reached: 0, proposals: 0, appointments: 0, funnelLinks: 0, leads: 0, optOuts: 0 };
  // no statistics yet when the demo is seeded: each persona's weights are its leanings alone, the same every time
  const weights = new Map<string, ReturnType<typeof stepWeights>>();
  const weightsOf = (persona: Persona) => {
    const known = weights.get(persona.id) ?? stepWeights({ flow: 'campaign', steps: [], outcomes: noStats }, persona);
    weights.set(persona.id, known);
    return known;
  };
  const operators = sqlite
    .prepare("SELECT id, site_id FROM users WHERE role = 'operator' AND active = 1 ORDER BY id")
    .all() as { id: number; site_id: number | null }[];
  for (const op of operators) {
    const assignmentId = Number(assign.run(setId, op.id, created).lastInsertRowid);
    const draw = rng.next();
    const completedAgo = draw < 0.15 ? rng.int(8, 20) : rng.int(33, 47);
    const played = draw > 0.93 ? 1 : DEMO_PRACTICE_SET.count;
    for (let n = 0; n < played; n++) {
      // the contacts of the days before the completion, the last one on its day
      const startedAt = dayAt(completedAgo + (played - 1 - n) * rng.int(1, 2), rng.int(9 * 60, 17 * 60));
      const persona = personaOf(rng.pick(DEMO_PRACTICE_SET.personaIds)) as Persona;
      const weights = weightsOf(persona);
      const contactSeed = rng.int(0, MAX_SEED);
      const customer = syntheticCustomer(persona, contactSeed);
      const input: FlowInput = {
        customer: { id: null, hasMarketingConsent: customer.hasMarketingConsent },
        products,
        presetProductCode: presetFor(persona),
        leadFollowUp: false,
      };
      const play = playPractice(machine, input, persona, weights, contactSeed, {
        useRebuttal: () => rng.chance(0.75),
        stepMs: () => rng.int(6, 40) * 1000,
      });
      if (play.outcome === null) continue;
      const durationMs = play.durationMs + rng.int(3, 20) * 1000;
      const score = scorePractice({
        definition: CAMPAIGN_1_0_0,
        customerHadConsent: customer.hasMarketingConsent,
        path: play.path,
        outcome: play.outcome,
        objections: play.objections,
        durationMs,
      });
      contact.run(
        ...[op.id, op.site_id, assignmentId, CAMPAIGN_1_0_0.version, persona.id, contactSeed],
        ...[JSON.stringify(customer), JSON.stringify(weights), JSON.stringify(input), startedAt.toISOString()],
        ...[new Date(startedAt.getTime() + durationMs).toISOString(), durationMs, JSON.stringify(play.path)],
        ...[play.outcome, JSON.stringify(score), score.total],
      );
    }
  }
}
