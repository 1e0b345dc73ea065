import { isIP } from 'node:net';

/**
 * Which proxies in front of a process may tell it the client's address through X-Forwarded-For
 * (Express 'trust proxy'): nobody (`false`), the nearest N hops, or the listed addresses/CIDRs and the
 * names `loopback`, `linklocal`, `uniquelocal`. `true` (everyone) is refused: any client could then
 * choose its own address and walk around every per-IP limit.
 */
export type TrustProxy = false | number | string[];

const NAMED = new Set(['loopback', 'linklocal', 'uniquelocal']);

function validEntry(entry: string): boolean {
  if (NAMED.has(entry)) return true;
  const [address, bits, ...rest] = entry.split('/');
  const version = isIP(address);
  if (!version || rest.length) return false;
  if (bits === undefined) return true;
  if (!/^\d{1,3}$/.test(bits)) return false;
  return Number(bits) <= (version === 4 ? 32 : 128);
}

/** Parses TRUST_PROXY; throws an Error whose message says what is accepted. */
export function parseTrustProxy(raw: string): TrustProxy {
  const value = raw.trim().toLowerCase();
  if (value === '' || value === 'false' || value === 'none' || value === '0') return false;
  if (value === 'true') throw new Error('true would trust every client; give a hop count (e.g. 1) or a list of CIDRs / loopback / uniquelocal');
  if (/^\d+$/.test(value)) {
    const hops = Number(value);
    if (hops > 10) throw new Error('a hop count above 10 is surely a mistake');
    return hops;
  }
  const entries = value.split(',').map((e) => e.trim()).filter(Boolean);
  const bad = entries.filter((e) => !validEntry(e));
  if (bad.length) throw new Error(`not an address, CIDR or one of loopback/linklocal/uniquelocal: ${bad.join(', ')}`);
  return entries;
}

/** Services sit behind the gateway; by default they trust only a gateway on the same host. */
export const SERVICE_TRUST_PROXY_DEFAULT = 'loopback';
/** The gateway is the edge; by default the peer of the connection is the client. */
export const GATEWAY_TRUST_PROXY_DEFAULT = 'false';
