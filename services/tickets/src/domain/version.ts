import { badRequest } from '@backoffice/contracts';

/**
 * The version a client read, from `version` in the body or an `If-Match` header (`3`, `"3"`, `W/"3"`).
 * Undefined when the client sent neither (then the current version is used).
 */
export function expectedVersion(bodyVersion: number | undefined, ifMatch: string | undefined): number | undefined {
  if (bodyVersion !== undefined) return bodyVersion;
  if (!ifMatch) return undefined;
  const match = /^(?:W\/)?"?(\d{1,9})"?$/.exec(ifMatch.trim());
  if (!match) throw badRequest('If-Match 必须是工单版本号', 'BAD_IF_MATCH');
  return Number(match[1]);
}
