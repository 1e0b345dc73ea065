import { pino, type DestinationStream, type Logger } from 'pino';
import { currentContext } from './context.js';

export type { Logger };

/** JSON logs; each line carries the request id of the request (or event) it belongs to. */
export function createLogger(service: string, level = process.env.LOG_LEVEL ?? 'info', destination?: DestinationStream): Logger {
  const options = {
    name: service,
    level,
    base: { service },
    mixin: () => {
      const ctx = currentContext();
      return ctx ? { requestId: ctx.requestId } : {};
    },
    redact: { paths: ['req.headers.authorization', 'req.headers.cookie', 'password', 'oldPassword', 'newPassword', '*.password', '*.oldPassword', '*.newPassword'], remove: true },
  };
  return destination ? pino(options, destination) : pino(options);
}
