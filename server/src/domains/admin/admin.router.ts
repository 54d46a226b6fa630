import {
  dataSubjectEraseInput,
  dataSubjectErasure,
  dataSubjectExport,
  dataSubjectExportInput,
} from '@valore/shared/schemas/admin';
import { roleProcedure, router } from '../../trpc/init';
import { eraseDataSubject, exportDataSubject } from '../retention/data-subject.service';

const admins = roleProcedure('admin');

/** Administration (docs/api.md: the `admin` router name is fixed). */
export const adminRouter = router({
  /** A data subject's rights (GDPR): all we hold on a customer (art. 15), and its erasure (art. 17). Both audited. */
  dataSubject: router({
    /** A mutation although it changes no data: it writes the audit row of who exported whom (queries have no effects). */
    export: admins
      .input(dataSubjectExportInput)
      .output(dataSubjectExport)
      .mutation(({ ctx, input }) => exportDataSubject(ctx.deps, ctx.user, input.customerId, ctx.ip)),
    erase: admins
      .input(dataSubjectEraseInput)
      .output(dataSubjectErasure)
      .mutation(({ ctx, input }) => eraseDataSubject(ctx.deps, ctx.user, input, ctx.ip)),
  }),
});
