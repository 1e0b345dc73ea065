import { randomUUID } from 'node:crypto';
import type { RequestHandler } from 'express';
import { runWithContext } from '../context.js';

const SAFE_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** Takes `x-request-id` when it is a sane token, otherwise makes one; echoes it back. */
export const assignRequestId: RequestHandler = (req, res, next) => {
  const incoming = req.get('x-request-id');
  req.requestId = incoming && SAFE_ID.test(incoming) ? incoming : randomUUID();
  res.setHeader('x-request-id', req.requestId);
  next();
};

/**
 * Opens the async context the rest of the request runs in (logs and events read the request id from
 * it). Mounted after body parsing, whose stream callbacks would otherwise lose the context.
 */
export const enterRequestContext: RequestHandler = (req, _res, next) => {
  runWithContext({ requestId: req.requestId, user: req.user }, next);
};
