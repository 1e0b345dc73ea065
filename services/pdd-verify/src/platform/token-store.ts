import { affectedRows, SecretBox } from '@backoffice/kit';
import type { Logger } from 'pino';
import { QueryTypes, type Sequelize } from 'sequelize';
import { PddApiError } from './errors.js';
import type { TokenSource } from './pdd-client.js';

interface StoredToken {
  access: string;
  refresh: string;
  expiresAt: Date | null;
}

type Refresher = (refreshToken: string) => Promise<{ access_token: string; refresh_token: string; expires_in?: number; expires_at?: number }>;

/** Renew this long before a known expiry, so calls do not run into 10019 at all. */
const EARLY_SECONDS = 600;

/**
 * The shop's PDD tokens. Starts from PDD_ACCESS_TOKEN/PDD_REFRESH_TOKEN; every refresh is kept
 * encrypted in `platform_tokens`, so replicas and restarts share it. Refreshes are single-flight in a
 * process, and a replica that finds a newer token in the table uses it instead of refreshing again.
 */
export class PddTokenStore implements TokenSource {
  private cached?: StoredToken;
  private renewing?: Promise<string>;
  private readonly box: SecretBox;
  refresher?: Refresher;

  constructor(
    private readonly sequelize: Sequelize,
    secret: string,
    private readonly initial: { access: string; refresh: string },
    private readonly logger: Logger,
  ) {
    this.box = new SecretBox(secret, 'pdd-token');
  }

  async current(): Promise<string> {
    const token = (this.cached ??= await this.load());
    if (token.expiresAt && token.expiresAt.getTime() - Date.now() < EARLY_SECONDS * 1000) return this.renew(token.access);
    return token.access;
  }

  renew(used: string): Promise<string> {
    return (this.renewing ??= this.doRenew(used).finally(() => (this.renewing = undefined)));
  }

  /** When the token in use expires, if known (it is after our first refresh). */
  expiresAt(): Date | null {
    return this.cached?.expiresAt ?? null;
  }

  private async doRenew(used: string): Promise<string> {
    const stored = await this.load();
    // another replica (or an earlier call) already renewed it
    if (stored.access !== used && (!stored.expiresAt || stored.expiresAt.getTime() > Date.now() + EARLY_SECONDS * 1000)) {
      this.cached = stored;
      return stored.access;
    }
    if (!this.refresher) throw new Error('no token refresher configured');
    const candidates = [...new Set([stored.refresh, this.initial.refresh].filter(Boolean))];
    let lastError: unknown;
    for (const refresh of candidates) {
      try {
        const fresh = await this.refresher(refresh);
        const expiresAt = fresh.expires_at ? new Date(fresh.expires_at * 1000) : fresh.expires_in ? new Date(Date.now() + fresh.expires_in * 1000) : null;
        const token = { access: fresh.access_token, refresh: fresh.refresh_token || refresh, expiresAt };
        await this.save(token);
        this.cached = token;
        this.logger.info({ expiresAt }, 'PDD access token refreshed');
        return token.access;
      } catch (err) {
        lastError = err;
        // a refresh token the platform no longer knows: try the configured one before giving up
        if (!(err instanceof PddApiError)) throw err;
      }
    }
    throw lastError;
  }

  private async load(): Promise<StoredToken> {
    const [row] = await this.sequelize.query<{ access_token_encrypted: string; refresh_token_encrypted: string; expires_at: Date | string | null }>(
      "SELECT access_token_encrypted, refresh_token_encrypted, expires_at FROM platform_tokens WHERE platform = 'pdd'",
      { type: QueryTypes.SELECT },
    );
    if (!row) return { access: this.initial.access, refresh: this.initial.refresh, expiresAt: null };
    return {
      access: this.box.decrypt(row.access_token_encrypted),
      refresh: this.box.decrypt(row.refresh_token_encrypted),
      expiresAt: row.expires_at ? new Date(row.expires_at) : null,
    };
  }

  private async save(token: StoredToken): Promise<void> {
    const values = [this.box.encrypt(token.access), this.box.encrypt(token.refresh), token.expiresAt, new Date()];
    const [, meta] = await this.sequelize.query(
      "UPDATE platform_tokens SET access_token_encrypted = ?, refresh_token_encrypted = ?, expires_at = ?, updated_at = ? WHERE platform = 'pdd'",
      { type: QueryTypes.UPDATE, replacements: values },
    );
    if (affectedRows(meta)) return;
    await this.sequelize
      .query("INSERT INTO platform_tokens (platform, access_token_encrypted, refresh_token_encrypted, expires_at, updated_at) VALUES ('pdd', ?, ?, ?, ?)", { replacements: values })
      .catch(() =>
        // a replica inserted it at the same moment: ours is as fresh; overwrite
        this.sequelize.query("UPDATE platform_tokens SET access_token_encrypted = ?, refresh_token_encrypted = ?, expires_at = ?, updated_at = ? WHERE platform = 'pdd'", { type: QueryTypes.UPDATE, replacements: values }),
      );
  }
}
