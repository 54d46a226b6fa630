import { z } from 'zod';
import {
  personaReplySchema,
  personaSummary as personaSummarySchema,
  practiceAssignInput,
  practiceAssignOutput,
  practiceCompleteInput,
  practiceCompleteOutput,
  practiceContactsInput,
  practiceContactSummary,
  practiceLearner,
  practiceLearnersInput,
  practiceMineInput,
  practiceMineOutput,
  practiceProgressInput,
  practiceProgressOutput,
  practiceReplyInput,
  practiceScorecardInput,
  practiceScorecardSchema,
  practiceStartInput,
  practiceStartOutput,
} from '@valore/shared/schemas/practice';
import { PERSONAS } from '@valore/shared/training/personas';
import { authedProcedure, roleProcedure, router } from '../../trpc/init';
import { completePractice, personaSummary, practiceReply, startPractice } from './practice.service';
import {
  assignPractice,
  myPractice,
  operatorPracticeContacts,
  practiceLearners,
  practiceProgress,
  saveScorecard,
} from './practice.sets';

/** Operators practise (tutors may too); tutors assign and score; team leads watch their site's progress. */
const practising = roleProcedure('operator', 'tutor');

/** Practice mode (docs/api.md, `practice.*`; docs/training.md, "Practice mode"). */
export const practiceRouter = router({
  personas: authedProcedure.output(z.array(personaSummarySchema)).query(() => PERSONAS.map(personaSummary)),
  start: practising
    .input(practiceStartInput)
    .output(practiceStartOutput)
    .mutation(({ ctx, input }) => startPractice(ctx.deps, ctx.user, input)),
  /** Writes nothing: the persona's answer is a pure function of the contact's seed, persona and the step. */
  reply: practising
    .input(practiceReplyInput)
    .output(personaReplySchema)
    .query(({ ctx, input }) => practiceReply(ctx.deps, ctx.user, input)),
  complete: practising
    .input(practiceCompleteInput)
    .output(practiceCompleteOutput)
    .mutation(({ ctx, input }) => completePractice(ctx.deps, ctx.user, input)),
  mine: practising
    .input(practiceMineInput)
    .output(practiceMineOutput)
    .query(({ ctx, input }) => myPractice(ctx.deps.db, ctx.user, input.limit)),
  assign: roleProcedure('tutor', 'admin')
    .input(practiceAssignInput)
    .output(practiceAssignOutput)
    .mutation(({ ctx, input }) => assignPractice(ctx.deps, ctx.user, input)),
  progress: roleProcedure('tutor', 'team_lead', 'admin')
    .input(practiceProgressInput)
    .output(practiceProgressOutput)
    .query(({ ctx, input }) => practiceProgress(ctx.deps.db, ctx.user, input)),
  /** Whom the assign form offers; team leads may read it (their site's), the server still checks each assignment. */
  learners: roleProcedure('tutor', 'team_lead', 'admin')
    .input(practiceLearnersInput)
    .output(z.array(practiceLearner))
    .query(({ ctx, input }) => practiceLearners(ctx.deps.db, ctx.user, input)),
  /** An operator's practice contacts, for the tutor who scores them. */
  contacts: roleProcedure('tutor', 'admin')
    .input(practiceContactsInput)
    .output(z.array(practiceContactSummary))
    .query(({ ctx, input }) => operatorPracticeContacts(ctx.deps.db, ctx.user, input)),
  scorecard: roleProcedure('tutor', 'admin')
    .input(practiceScorecardInput)
    .output(practiceScorecardSchema)
    .mutation(({ ctx, input }) => saveScorecard(ctx.deps, ctx.user, input)),
});
