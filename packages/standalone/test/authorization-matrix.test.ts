import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { hasPermission } from '@backoffice/contracts';
import { concretePath, inBatches, startFullStack, type AccessRule, type FullStack, type Operation } from './full-stack.js';

// Every route of every service, through the gateway, with a token of every built-in role and with
// none: what is allowed and refused must be what the route declares (ApiRouter's access rule, published
// as `x-access` in the OpenAPI document). Routes added later are covered without editing this file.

type Expectation = 'allowed' | 401 | 403;

function expectation(access: AccessRule, permissions: string[] | null): Expectation {
  if (access === 'public') return 'allowed';
  if (permissions === null) return 401;
  if (access === 'authenticated') return 'allowed';
  const needed = 'permission' in access ? [access.permission] : access.anyOf;
  return needed.some((p) => hasPermission(permissions, p)) ? 'allowed' : 403;
}

/** What the token check (gateway or service) answers for a missing or bad token. */
const TOKEN_REFUSALS = new Set(['UNAUTHENTICATED', 'TOKEN_INVALID', 'TOKEN_EXPIRED']);

/**
 * `allowed` means the access check let the request through: not 401, and not the access check's 403
 * (reason FORBIDDEN). A handler's own business refusal (a 403 with a reason of its own, e.g. "only
 * your own task") is past the access check and counts as allowed. A public route never answers 401
 * or 403 for lack of a token (a public callback may still refuse a bad signature with a reason of its own).
 */
function matches(want: Expectation, status: number, body: { code?: number; reason?: string } | undefined, isPublic: boolean): boolean {
  if (want === 401) return status === 401 && body?.code !== 0;
  if (want === 403) return status === 403 && body?.reason === 'FORBIDDEN';
  if (status === 403 && body?.reason === 'FORBIDDEN') return false;
  if (status === 401) return isPublic ? !TOKEN_REFUSALS.has(body?.reason ?? '') : false;
  return true;
}

let env: FullStack;
before(async () => {
  env = await startFullStack('authz_matrix');
});
after(async () => {
  await env?.stop();
});

test('every documented route declares its access rule', () => {
  assert.match(env.documentDescription, /All services reachable/, env.documentDescription);
  assert.ok(env.operations.length >= 20, `only ${env.operations.length} routes documented`);
  const undeclared = env.operations.filter((op) => op.access === undefined).map((op) => `${op.method.toUpperCase()} ${op.path}`);
  assert.deepEqual(undeclared, [], 'routes without x-access');
});

test('every route × every built-in role (and no token): allowed and refused exactly as declared', async () => {
  const callers: Array<{ name: string; token?: string; permissions: string[] | null }> = [
    { name: '(no token)', permissions: null },
    ...[...env.tokens].map(([code, token]) => ({ name: code, token, permissions: env.permissionsOf.get(code)! })),
  ];
  const probes: Array<{ op: Operation; caller: (typeof callers)[number] }> = [];
  for (const op of env.operations) for (const caller of callers) probes.push({ op, caller });

  const mismatches: string[] = [];
  const tally: Record<string, number> = { allowed: 0, '401': 0, '403': 0 };
  const businessRefusals = new Set<string>();
  await inBatches(probes, 8, async ({ op, caller }) => {
    const access = op.access as AccessRule;
    const want = expectation(access, caller.permissions);
    // ids that exist nowhere; the body is empty: the access decision comes before validation
    const path = concretePath(op, () => '987654321');
    const body = op.method === 'get' || op.method === 'delete' ? undefined : {};
    const res = await env.api.call(op.method.toUpperCase(), path, { token: caller.token, body });
    tally[String(want)]++;
    if (!matches(want, res.status, res.body, access === 'public')) {
      mismatches.push(`${op.method.toUpperCase()} ${op.path} as ${caller.name}: declared ${JSON.stringify(access)} → expected ${want}, got ${res.status} ${JSON.stringify(res.body)?.slice(0, 200)}`);
    } else if (want === 'allowed' && (res.status === 403 || res.status === 401)) {
      businessRefusals.add(`${op.method.toUpperCase()} ${op.path} as ${caller.name}: ${res.body?.reason}`);
    }
  });
  console.log(
    `authorization matrix: ${env.operations.length} routes × ${callers.length} callers = ${probes.length} requests ` +
      `(expected allowed ${tally.allowed}, 401 ${tally['401']}, 403 ${tally['403']}); handler-level refusals past the access check: ${businessRefusals.size}`,
  );
  for (const line of businessRefusals) console.log(`  business refusal: ${line}`);
  assert.deepEqual(mismatches, [], `${mismatches.length} access decisions differ from the declarations`);
  assert.ok(tally['401'] > 0 && tally['403'] > 0 && tally.allowed > 0, 'the matrix exercised every outcome');
});

test('a route documented by a service but not routed by the gateway is listed (unreachable from outside)', async () => {
  const unrouted: string[] = [];
  const documented = new Set(env.operations.map((op) => `${op.method} ${op.path}`));
  for (const service of Object.values(env.stack.services)) {
    const doc = (await fetch(`${service.url}/openapi.json`).then((r) => r.json())) as { paths?: Record<string, Record<string, unknown>> };
    for (const [path, item] of Object.entries(doc.paths ?? {})) {
      if (!path.startsWith('/api/')) continue;
      for (const method of Object.keys(item)) if (!documented.has(`${method} ${path}`)) unrouted.push(`${service.name}: ${method.toUpperCase()} ${path}`);
    }
  }
  assert.deepEqual(unrouted, [], 'documented /api routes the gateway does not route');
});
