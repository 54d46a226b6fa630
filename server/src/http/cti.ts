import express, { type Response } from 'express';
import { ctiEventBody } from '@valore/shared/schemas/cti';
import { intakeConfig, type AppDeps } from '../deps';
import { recordCtiEvent } from '../domains/cti/cti.service';
import {
  bodyErrorHandler,
  domainErrorHandler,
  fieldErrorsOf,
  jsonBody,
  rateLimit,
  requireApiKey,
  validationError,
} from './intake';
import { tokenBucketFor } from './rate-buckets';

const CTI_FIELDS = Object.keys(ctiEventBody.shape);

/** `POST /api/v1/cti/events`: the telephony integration reports calls; offered/answered pop the operator's card. */
export function ctiRoutes(deps: AppDeps): express.Router {
  const routes = express.Router();
  const bucket = tokenBucketFor(deps, 'cti', intakeConfig(deps.config).ctiRatePerMinute);

  routes.post('/cti/events', requireApiKey(deps, 'cti'), rateLimit(bucket), jsonBody(), async (req, res: Response) => {
    const parsed = ctiEventBody.safeParse(req.body);
    if (!parsed.success) {
      const { fields, form } = fieldErrorsOf(parsed.error, CTI_FIELDS);
      return validationError(res, fields, form.length > 0 ? ['The body must be a JSON object.'] : []);
    }
    const accepted = await recordCtiEvent(deps, parsed.data);
    res.status(accepted.duplicate ? 200 : 202).json(accepted);
  });

  routes.use(bodyErrorHandler);
  routes.use(domainErrorHandler);
  return routes;
}
