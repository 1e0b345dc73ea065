import { createCipheriv, createDecipheriv, createHmac, randomBytes, scryptSync } from 'node:crypto';

/**
 * Encryption at rest for personal data and platform secrets: AES-256-GCM with a random nonce;
 * the stored text is `v1.<nonce>.<tag>.<ciphertext>` (base64url).
 */
export class SecretBox {
  private readonly key: Buffer;

  /** `secret` is any long random string (an env variable); the key is derived from it. */
  constructor(secret: string, purpose = 'data') {
    if (secret.length < 16) throw new Error('encryption secret must be at least 16 characters');
    this.key = scryptSync(secret, `backoffice:${purpose}`, 32);
  }

  encrypt(plain: string): string {
    const nonce = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, nonce);
    const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    return ['v1', nonce.toString('base64url'), cipher.getAuthTag().toString('base64url'), body.toString('base64url')].join('.');
  }

  decrypt(stored: string): string {
    const [version, nonce, tag, body] = stored.split('.');
    if (version !== 'v1' || !nonce || !tag || body === undefined) throw new Error('not an encrypted value');
    const decipher = createDecipheriv('aes-256-gcm', this.key, Buffer.from(nonce, 'base64url'));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8');
  }
}

/** A keyed hash for looking up personal data without storing it in clear (HMAC-SHA256, hex). */
export function keyedHash(secret: string, value: string): string {
  return createHmac('sha256', `backoffice:lookup:${secret}`).update(value).digest('hex');
}
