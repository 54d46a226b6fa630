import { adminRouter } from '../domains/admin/admin.router';
import { appointmentsRouter } from '../domains/appointments/appointments.router';
import { authRouter } from '../domains/auth/auth.router';
import { campaignsRouter } from '../domains/campaigns/campaigns.router';
import { callbacksRouter } from '../domains/callbacks/callbacks.router';
import { ctiRouter } from '../domains/cti/cti.router';
import { customersRouter } from '../domains/customers/customers.router';
import { interactionsRouter } from '../domains/interactions/interactions.router';
import { leadsRouter } from '../domains/leads/leads.router';
import { monitorRouter } from '../domains/monitor/monitor.router';
import { practiceRouter } from '../domains/practice/practice.router';
import { qualityRouter } from '../domains/quality/quality.router';
import { rotaRouter } from '../domains/rota/rota.router';
import { scriptsRouter } from '../domains/scripts/scripts.router';
import { statsRouter } from '../domains/stats/stats.router';
import { trainingRouter } from '../domains/training/training.router';
import { workRouter } from '../domains/work/work.router';
import { router } from './init';

export const appRouter = router({
  auth: authRouter,
  customers: customersRouter,
  work: workRouter,
  campaigns: campaignsRouter,
  interactions: interactionsRouter,
  appointments: appointmentsRouter,
  leads: leadsRouter,
  monitor: monitorRouter,
  quality: qualityRouter,
  scripts: scriptsRouter,
  stats: statsRouter,
  callbacks: callbacksRouter,
  cti: ctiRouter,
  admin: adminRouter,
  rota: rotaRouter,
  training: trainingRouter,
  practice: practiceRouter,
});

export type AppRouter = typeof appRouter;
