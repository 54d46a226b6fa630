import express, { type NextFunction, type Request, type Response } from 'express';
import { attendanceReportBody } from '@valore/shared/schemas/appointments';
import { intakeConfig, type AppDeps } from '../deps';
import { reportAttendance } from '../domains/appointments/appointments.service';
import { DomainError } from '../errors';
import {
  bodyErrorHandler,
  domainErrorHandler,
  fieldErrorsOf,
  jsonBody,
  requireApiKey,
  rateLimit,
  validationError,
  type KeyedRequest,
} from './intake';
import { tokenBucketFor } from './rate-buckets';

const ATTENDANCE_FIELDS = Object.keys(attendanceReportBody.shape);
const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,128}$/;
const APPOINTMENT_ID = /^[1-9]\d{0,15}$/;

/** A domain error that names fields (fieldError) keeps them in the answer, like a schema error. */
function fieldAwareErrorHandler(error: unknown, req: Request, res: Response, next: NextFunction): void {
  if (!res.headersSent && error instanceof DomainError && error.fields) return validationError(res, error.fields);
  domainErrorHandler(error, req, res, next);
}

/** `POST /api/v1/appointments/:id/attendance`: the post office's system reports whether the customer came. */
export function attendanceRoutes(deps: AppDeps): express.Router {
  const routes = express.Router();
  const bucket = tokenBucketFor(deps, 'attendance', intakeConfig(deps.config).intakeRatePerMinute);

  routes.post(
    '/appointments/:id/attendance',
    requireApiKey(deps, 'attendance'),
    rateLimit(bucket),
    jsonBody(),
    async (req: KeyedRequest, res: Response) => {
      const rawId = String(req.params.id ?? '');
      const idempotencyKey = req.get('idempotency-key') ?? null;
      const fields: Record<string, string[]> = {};
      if (!APPOINTMENT_ID.test(rawId)) fields.id = ['The appointment id in the path must be a positive whole number'];
      if (idempotencyKey !== null && !IDEMPOTENCY_KEY.test(idempotencyKey)) {
        fields['Idempotency-Key'] = ['Use 1–128 printable characters, e.g. a UUID'];
      }
      const parsed = attendanceReportBody.safeParse(req.body);
      if (!parsed.success) {
        const { fields: bodyFields, form } = fieldErrorsOf(parsed.error, ATTENDANCE_FIELDS);
        Object.assign(fields, bodyFields);
        if (form.length > 0) return validationError(res, fields, ['The body must be a JSON object.']);
      }
      if (!parsed.success || Object.keys(fields).length > 0) return validationError(res, fields);
      const { response, replayed } = await reportAttendance(deps, {
        appointmentId: Number(rawId),
        body: parsed.data,
        apiKey: req.apiKey ?? '',
        idempotencyKey,
        ip: req.ip ?? null,
      });
      if (replayed) res.setHeader('Idempotent-Replayed', 'true');
      res.status(200).json(response);
    },
  );

  routes.use(bodyErrorHandler);
  routes.use(fieldAwareErrorHandler);
  return routes;
}
