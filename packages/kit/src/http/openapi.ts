import { z, type ZodType } from 'zod';

export type HttpMethod = 'get' | 'post' | 'put' | 'patch' | 'delete';

export interface DocumentedRoute {
  method: HttpMethod;
  path: string;
  summary: string;
  tag: string;
  /** Human-readable rule (`x-permission`). */
  access: string;
  /** The rule as declared, machine-readable (`x-access`): 'public' | 'authenticated' | { permission } | { anyOf }. */
  accessRule?: unknown;
  body?: ZodType;
  query?: ZodType;
  params?: ZodType;
  /** For multipart uploads: the field that carries files. */
  fileField?: string;
}

function jsonSchema(schema: ZodType | undefined): Record<string, unknown> | undefined {
  if (!schema) return undefined;
  try {
    return z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
  } catch {
    return {};
  }
}

/** Collects every route a service mounts into its own `/openapi.json`. */
export class OpenApiDocument {
  private readonly routes: DocumentedRoute[] = [];

  constructor(
    private readonly title: string,
    private readonly version = '1.0.0',
  ) {}

  add(route: DocumentedRoute) {
    this.routes.push(route);
  }

  toJSON() {
    const paths: Record<string, Record<string, unknown>> = {};
    for (const r of this.routes) {
      const path = r.path.replace(/:([A-Za-z_]+)/g, '{$1}');
      const params = Object.entries((jsonSchema(r.params)?.properties ?? {}) as Record<string, unknown>).map(([name, schema]) => ({
        name,
        in: 'path',
        required: true,
        schema,
      }));
      const querySchema = jsonSchema(r.query);
      const required = new Set((querySchema?.required as string[]) ?? []);
      const query = Object.entries((querySchema?.properties ?? {}) as Record<string, unknown>).map(([name, schema]) => ({
        name,
        in: 'query',
        required: required.has(name),
        schema,
      }));
      const body = r.fileField
        ? { content: { 'multipart/form-data': { schema: { type: 'object', properties: { [r.fileField]: { type: 'array', items: { type: 'string', format: 'binary' } } } } } } }
        : r.body
          ? { required: true, content: { 'application/json': { schema: jsonSchema(r.body) } } }
          : undefined;
      (paths[path] ??= {})[r.method] = {
        summary: r.summary,
        tags: [r.tag],
        ...(r.access === 'public' ? { security: [] } : {}),
        'x-permission': r.access,
        ...(r.accessRule !== undefined ? { 'x-access': r.accessRule } : {}),
        parameters: [...params, ...query],
        ...(body ? { requestBody: body } : {}),
        responses: {
          '200': { description: 'Envelope `{ code: 0, message, data }`' },
          default: { description: 'Error envelope `{ code, message, reason }`' },
        },
      };
    }
    return {
      openapi: '3.1.0',
      info: { title: this.title, version: this.version },
      components: { securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } } },
      security: [{ bearerAuth: [] }],
      paths,
    };
  }
}
