import { randomUUID } from 'node:crypto';
import { errors, jwtVerify, SignJWT, createLocalJWKSet } from 'jose';
import { unauthorized, type AccessClaims } from '@backoffice/contracts';
import { TOKEN_ALGORITHM, TOKEN_AUDIENCE, TOKEN_ISSUER } from '@backoffice/kit';
import type { SigningKeyPair } from './signing-key.js';

export interface TokenSubject {
  id: number;
  username: string;
  role_id: number;
  role: string;
  level: number;
  permissions: string[];
}

/** Signs short-lived access tokens and refresh tokens (JWTs whose jti is a row in refresh_tokens). */
export class TokenIssuer {
  private readonly verifyKeys;

  constructor(
    private readonly key: SigningKeyPair,
    private readonly ttl: { accessSeconds: number; refreshSeconds: number },
  ) {
    this.verifyKeys = createLocalJWKSet({ keys: [key.publicJwk] });
  }

  get jwks() {
    return { keys: [this.key.publicJwk] };
  }

  async access(subject: TokenSubject): Promise<{ token: string; expires: number }> {
    const expires = Date.now() + this.ttl.accessSeconds * 1000;
    const claims: Omit<AccessClaims, 'sub'> & { typ: string } = {
      typ: 'access',
      username: subject.username,
      role_id: subject.role_id,
      role: subject.role,
      level: subject.level,
      perms: subject.permissions,
    };
    const token = await this.sign(claims, String(subject.id), Math.floor(expires / 1000));
    return { token, expires };
  }

  async refresh(userId: number, family: string): Promise<{ token: string; jti: string; expiresAt: Date }> {
    const jti = randomUUID();
    const expiresAt = new Date(Date.now() + this.ttl.refreshSeconds * 1000);
    const token = await this.sign({ typ: 'refresh', fam: family }, String(userId), Math.floor(expiresAt.getTime() / 1000), jti);
    return { token, jti, expiresAt };
  }

  /** Checks a refresh token's signature and expiry; the caller checks its row. */
  async verifyRefresh(token: string): Promise<{ userId: number; jti: string; family: string }> {
    try {
      const { payload } = await jwtVerify(token, this.verifyKeys, { issuer: TOKEN_ISSUER, audience: TOKEN_AUDIENCE, algorithms: [TOKEN_ALGORITHM] });
      if (payload.typ !== 'refresh' || !payload.jti || typeof payload.fam !== 'string') throw unauthorized('无效的刷新令牌', 'REFRESH_INVALID');
      return { userId: Number(payload.sub), jti: payload.jti, family: payload.fam };
    } catch (err) {
      if (err instanceof errors.JWTExpired) throw unauthorized('登录已过期，请重新登录', 'REFRESH_EXPIRED');
      if (err instanceof errors.JOSEError) throw unauthorized('无效的刷新令牌', 'REFRESH_INVALID');
      throw err;
    }
  }

  private sign(claims: Record<string, unknown>, subject: string, exp: number, jti?: string) {
    const jwt = new SignJWT(claims)
      .setProtectedHeader({ alg: TOKEN_ALGORITHM, kid: this.key.kid })
      .setIssuer(TOKEN_ISSUER)
      .setAudience(TOKEN_AUDIENCE)
      .setSubject(subject)
      .setIssuedAt()
      .setExpirationTime(exp);
    if (jti) jwt.setJti(jti);
    return jwt.sign(this.key.privateKey);
  }
}
