import { forbidden, hasPermission, unauthorized, type AccessClaims, type AuthUser } from '@backoffice/contracts';
import type { RequestHandler } from 'express';
import { createLocalJWKSet, createRemoteJWKSet, errors, jwtVerify, type JSONWebKeySet, type JWTVerifyGetKey } from 'jose';
import { currentContext } from '../context.js';

export const TOKEN_ISSUER = 'backoffice-identity';
export const TOKEN_AUDIENCE = 'backoffice';
export const TOKEN_ALGORITHM = 'ES256';

const CACHE_LIMIT = 10_000;

/**
 * Verifies identity's access tokens against its public keys (JWKS). Verified tokens are remembered
 * until they expire: a token is immutable, so the second look needs no signature check.
 */
export class Authenticator {
  private readonly cache = new Map<string, { user: AuthUser; exp: number }>();

  constructor(private readonly keys: JWTVerifyGetKey) {}

  static fromJwksUrl(url: string): Authenticator {
    return new Authenticator(createRemoteJWKSet(new URL(url), { cooldownDuration: 30_000, cacheMaxAge: 10 * 60_000 }));
  }

  static fromJwks(jwks: JSONWebKeySet): Authenticator {
    return new Authenticator(createLocalJWKSet(jwks));
  }

  async verify(token: string): Promise<AuthUser> {
    const cached = this.cache.get(token);
    if (cached && cached.exp * 1000 > Date.now()) return cached.user;
    try {
      const { payload } = await jwtVerify<AccessClaims>(token, this.keys, {
        issuer: TOKEN_ISSUER,
        audience: TOKEN_AUDIENCE,
        algorithms: [TOKEN_ALGORITHM],
      });
      if (payload.typ !== 'access') throw unauthorized('无效的登录凭证', 'TOKEN_INVALID');
      const user: AuthUser = {
        id: Number(payload.sub),
        username: payload.username,
        roleId: payload.role_id,
        role: payload.role,
        level: payload.level,
        permissions: payload.perms ?? [],
      };
      if (this.cache.size >= CACHE_LIMIT) this.cache.delete(this.cache.keys().next().value!);
      this.cache.set(token, { user, exp: payload.exp ?? 0 });
      return user;
    } catch (err) {
      if (err instanceof errors.JWTExpired) throw unauthorized('登录已过期，请重新登录', 'TOKEN_EXPIRED');
      if (err instanceof errors.JOSEError) throw unauthorized('无效的登录凭证', 'TOKEN_INVALID');
      throw err;
    }
  }

  /** Reads `Authorization: Bearer …`; 401 when missing or bad. */
  middleware(): RequestHandler {
    return async (req, _res, next) => {
      const header = req.get('authorization') ?? '';
      const match = /^Bearer\s+(\S+)$/i.exec(header);
      if (!match) return next(unauthorized());
      try {
        req.user = await this.verify(match[1]);
        const ctx = currentContext();
        if (ctx) ctx.user = req.user;
        next();
      } catch (err) {
        next(err);
      }
    };
  }
}

declare module '@backoffice/contracts' {
  interface AccessClaims {
    typ?: string;
    exp?: number;
  }
}

/** 403 (with the seed's refusal text when given) unless the user holds at least one of the permissions. */
export function requirePermission(anyOf: string | readonly string[], deniedMessage?: string): RequestHandler {
  const needed = typeof anyOf === 'string' ? [anyOf] : anyOf;
  return (req, _res, next) => {
    if (!req.user) return next(unauthorized());
    if (!needed.some((p) => hasPermission(req.user!.permissions, p))) return next(forbidden(deniedMessage));
    next();
  };
}
