/** Contract validation of decoded orders (pure, never throws): the order stream's dead-letter rules. */

import type { Order } from './types.js';
import { CONTRACT_OK, type ContractResult, DEFAULT_MIN_EVENT_TIME } from './validate.js';

export function validateOrder(order: Order, receivedAt: number, maxFutureSkewMs: number): ContractResult {
  if (order.eventTime < DEFAULT_MIN_EVENT_TIME || order.eventTime > receivedAt + maxFutureSkewMs) {
    return {
      ok: false,
      reason: 'ABSURD_TIMESTAMP',
      channel: undefined,
      message: `event time ${order.eventTime} is before 2000 or more than ${maxFutureSkewMs} ms after receipt`,
    };
  }
  if (!Number.isFinite(order.amount)) {
    return { ok: false, reason: 'NAN_VALUE', channel: 'amount', message: 'amount is not a finite number' };
  }
  if (order.amount < 0 || order.items < 0) {
    return { ok: false, reason: 'OUT_OF_RANGE', channel: 'amount', message: 'amount and items must be >= 0' };
  }
  return CONTRACT_OK;
}
