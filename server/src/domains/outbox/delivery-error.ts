/**
 * How a send ended, when it did not succeed: `retry` (nothing was accepted; try again after the backoff),
 * `rejected` (the gateway refused it for good, e.g. an invalid number), `unknown` (it went out and no answer came
 * back: it may or may not have been accepted, so it is not sent again).
 */
export type DeliveryFailure = 'retry' | 'rejected' | 'unknown';

export class DeliveryError extends Error {
  constructor(
    readonly outcome: DeliveryFailure,
    message: string,
  ) {
    super(message);
    this.name = 'DeliveryError';
  }
}
