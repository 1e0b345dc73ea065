import type { RequestHandler } from 'express';

/**
 * Faults a test can inject: added latency, 5xx answers, requests that hang or whose connection is
 * dropped before handling, and requests that are handled (the platform changes state) but whose answer
 * never arrives (`after: 'hang' | 'drop'`). Counts are consumed one per matching request.
 */
export interface FaultPlan {
  latencyMs: number;
  errors: number;
  errorStatus: number;
  hang: number;
  drop: number;
  /** Handle, then lose the answer. */
  afterHang: number;
  afterDrop: number;
  /** Only requests whose path contains this. */
  path?: string;
}

const none = (): FaultPlan => ({ latencyMs: 0, errors: 0, errorStatus: 503, hang: 0, drop: 0, afterHang: 0, afterDrop: 0 });

export class Faults {
  plan: FaultPlan = none();

  set(update: Partial<FaultPlan>): FaultPlan {
    this.plan = { ...this.plan, ...Object.fromEntries(Object.entries(update).filter(([, v]) => v !== undefined)) };
    return this.plan;
  }

  reset(): void {
    this.plan = none();
  }

  private take(key: 'errors' | 'hang' | 'drop' | 'afterHang' | 'afterDrop'): boolean {
    if (this.plan[key] <= 0) return false;
    this.plan[key] -= 1;
    return true;
  }

  middleware(): RequestHandler {
    return async (req, res, next) => {
      const plan = this.plan;
      if (req.path.startsWith('/__admin') || (plan.path && !req.path.includes(plan.path))) return next();
      if (plan.latencyMs > 0) await new Promise((r) => setTimeout(r, plan.latencyMs));
      if (this.take('drop')) return void req.socket.destroy();
      if (this.take('hang')) return; // the client's timeout ends it
      if (this.take('errors')) return void res.status(plan.errorStatus).type('text/plain').send('Service Temporarily Unavailable');
      if (this.take('afterDrop')) {
        res.json = (() => (req.socket.destroy(), res)) as typeof res.json;
      } else if (this.take('afterHang')) {
        res.json = (() => res) as typeof res.json;
      }
      next();
    };
  }
}

/** Calls per second allowed per caller; above it the platform's throttling error. */
export class Throttle {
  private window = 0;
  private counts = new Map<string, number>();

  constructor(public qps: number) {}

  allow(caller: string): boolean {
    const second = Math.floor(Date.now() / 1000);
    if (second !== this.window) {
      this.window = second;
      this.counts.clear();
    }
    const n = (this.counts.get(caller) ?? 0) + 1;
    this.counts.set(caller, n);
    return n <= this.qps;
  }
}
