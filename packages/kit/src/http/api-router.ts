import { Router, type Request, type RequestHandler, type Response } from 'express';
import type { z, ZodType } from 'zod';
import { Authenticator, requirePermission } from './auth.js';
import { OpenApiDocument, type HttpMethod } from './openapi.js';
import { parseInput } from './validation.js';

/**
 * Who may call a route: anyone (rate-limited at the edge), any signed-in user, holders of a permission,
 * or holders of any of several (the handler then narrows what each may see).
 */
export type Access = 'public' | 'authenticated' | { permission: string } | { anyOf: string[] };

const describeAccess = (access: Access) =>
  typeof access === 'string' ? access : 'permission' in access ? access.permission : access.anyOf.join(' | ');

type Infer<S> = S extends ZodType ? z.infer<S> : undefined;

export interface RouteDefinition<B extends ZodType | undefined, Q extends ZodType | undefined, P extends ZodType | undefined> {
  method: HttpMethod;
  path: string;
  summary: string;
  access: Access;
  /** The refusal text a seed names for this route (e.g. 没有权限执行此操作，仅限…); a generic one otherwise. */
  deniedMessage?: string;
  body?: B;
  query?: Q;
  params?: P;
  /** Middleware that runs after the permission check and before validation (e.g. multipart parsing). */
  before?: RequestHandler[];
  fileField?: string;
  status?: number;
  handler: (input: { body: Infer<B>; query: Infer<Q>; params: Infer<P> }, req: Request, res: Response) => Promise<unknown> | unknown;
}

/**
 * Declares routes so that each one states its access rule and input schemas in one place: the same
 * declaration mounts the Express handler, enforces the permission, validates input and documents it.
 */
export class ApiRouter {
  readonly router = Router();

  constructor(
    private readonly auth: Authenticator | undefined,
    private readonly docs: OpenApiDocument,
    private readonly tag: string,
  ) {}

  route<B extends ZodType | undefined = undefined, Q extends ZodType | undefined = undefined, P extends ZodType | undefined = undefined>(
    def: RouteDefinition<B, Q, P>,
  ): this {
    const guards: RequestHandler[] = [];
    if (def.access !== 'public') {
      if (!this.auth) throw new Error(`route ${def.method.toUpperCase()} ${def.path} needs authentication but no authenticator is configured`);
      guards.push(this.auth.middleware());
      if (def.access !== 'authenticated') guards.push(requirePermission('permission' in def.access ? [def.access.permission] : def.access.anyOf, def.deniedMessage));
    }
    const handler: RequestHandler = async (req, res) => {
      const input = {
        body: (def.body ? parseInput(def.body, req.body ?? {}) : undefined) as Infer<B>,
        query: (def.query ? parseInput(def.query, req.query) : undefined) as Infer<Q>,
        params: (def.params ? parseInput(def.params, req.params) : undefined) as Infer<P>,
      };
      const result = await def.handler(input, req, res);
      if (!res.headersSent) res.status(def.status ?? 200).json(result);
    };
    this.router[def.method](def.path, ...guards, ...(def.before ?? []), handler);
    this.docs.add({
      method: def.method,
      path: def.path,
      summary: def.summary,
      tag: this.tag,
      access: describeAccess(def.access),
      accessRule: def.access,
      body: def.body,
      query: def.query,
      params: def.params,
      fileField: def.fileField,
    });
    return this;
  }
}
