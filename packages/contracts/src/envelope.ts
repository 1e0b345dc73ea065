/** The one response shape every service answers with. */
export interface SuccessBody<T = unknown> {
  code: 0;
  message: string;
  data?: T;
}

export interface ErrorBody {
  /** Non-zero. 1 for the seeds' business errors, otherwise the HTTP status. */
  code: number;
  message: string;
  /** Stable machine-readable code, e.g. VALIDATION_FAILED, VERSION_CONFLICT. */
  reason: string;
  /** Per-field problems for validation errors. */
  details?: Array<{ path: string; message: string }>;
}

export function ok<T>(data?: T, message = 'success'): SuccessBody<T> {
  return data === undefined ? { code: 0, message } : { code: 0, message, data };
}

/** A page of a list, as the seeds shape it. */
export interface Page<T> {
  total: number;
  list: T[];
  page: number;
  pageSize: number;
}
