import { SecretBox } from '@backoffice/kit';
import { QueryTypes, type Sequelize } from 'sequelize';

export interface StoredToken {
  token: string;
  expiresAt: Date;
  refresh: string | null;
  issuedAt?: Date;
}

/**
 * Refresh this long before expiry: `margin`, but never more than a tenth of the token's life, so a
 * short-lived token is not refreshed on every call.
 */
export function refreshDue(t: StoredToken, marginMs: number, now = Date.now()): boolean {
  const life = t.issuedAt ? t.expiresAt.getTime() - t.issuedAt.getTime() : Number.POSITIVE_INFINITY;
  return t.expiresAt.getTime() - now <= Math.min(marginMs, life / 10);
}

/**
 * Platform access tokens kept in the database (encrypted), so a restart or another replica reuses
 * the live one instead of fetching a new one.
 */
export class TokenStore {
  /** The last token read or written per platform; the database stays the source shared by replicas. */
  private readonly cache = new Map<number, StoredToken>();

  constructor(
    private readonly sequelize: Sequelize,
    private readonly box: SecretBox,
  ) {}

  /** The cached token unless `fresh`, when the database is read again (after the platform refused the cached one). */
  async get(platformId: number, fresh = false): Promise<StoredToken | null> {
    const cached = this.cache.get(platformId);
    if (cached && !fresh) return cached;
    const [row] = await this.sequelize.query<{ access_token: string; expires_at: Date | string; refresh_token: string | null; updated_at: Date | string }>(
      'SELECT access_token, expires_at, refresh_token, updated_at FROM platform_tokens WHERE platform_id = ?',
      { replacements: [platformId], type: QueryTypes.SELECT },
    );
    if (!row) {
      this.cache.delete(platformId);
      return null;
    }
    const token = {
      token: this.box.decrypt(row.access_token),
      expiresAt: new Date(row.expires_at),
      refresh: row.refresh_token ? this.box.decrypt(row.refresh_token) : null,
      issuedAt: new Date(row.updated_at),
    };
    this.cache.set(platformId, token);
    return token;
  }

  async save(platformId: number, token: StoredToken): Promise<void> {
    const issuedAt = token.issuedAt ?? new Date();
    this.cache.set(platformId, { ...token, issuedAt });
    const values = [this.box.encrypt(token.token), token.expiresAt, token.refresh ? this.box.encrypt(token.refresh) : null, issuedAt];
    await this.sequelize.transaction(async (transaction) => {
      await this.sequelize.query('DELETE FROM platform_tokens WHERE platform_id = ?', { replacements: [platformId], transaction });
      await this.sequelize.query('INSERT INTO platform_tokens (platform_id, access_token, expires_at, refresh_token, updated_at) VALUES (?, ?, ?, ?, ?)', {
        replacements: [platformId, ...values],
        transaction,
      });
    });
  }

  async clear(platformId: number, token: string): Promise<void> {
    this.cache.delete(platformId);
    const current = await this.get(platformId, true);
    if (current?.token === token) {
      this.cache.delete(platformId);
      await this.sequelize.query('DELETE FROM platform_tokens WHERE platform_id = ?', { replacements: [platformId] });
    }
  }
}
