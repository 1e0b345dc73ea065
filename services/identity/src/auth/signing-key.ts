import { randomUUID } from 'node:crypto';
import { exportJWK, exportPKCS8, generateKeyPair, importPKCS8, type JWK, type CryptoKey } from 'jose';
import { TOKEN_ALGORITHM } from '@backoffice/kit';
import type { IdentityModels } from '../db/models.js';

export interface SigningKeyPair {
  kid: string;
  privateKey: CryptoKey;
  publicJwk: JWK;
}

async function fromPem(kid: string, pem: string): Promise<SigningKeyPair> {
  const privateKey = await importPKCS8(pem, TOKEN_ALGORITHM, { extractable: true });
  const jwk = await exportJWK(privateKey);
  const { d: _private, ...publicJwk } = jwk;
  return { kid, privateKey, publicJwk: { ...publicJwk, kid, alg: TOKEN_ALGORITHM, use: 'sig' } };
}

/**
 * The key identity signs with: JWT_PRIVATE_KEY when set (production, from a secret store), otherwise
 * one generated at the first start and kept in `signing_keys`; replicas starting together agree on
 * the oldest row.
 */
export async function loadSigningKey(models: IdentityModels, configuredPem?: string): Promise<SigningKeyPair> {
  if (configuredPem) return fromPem('configured', configuredPem.replace(/\\n/g, '\n'));
  const existing = await models.SigningKey.findOne({ order: [['created_at', 'ASC'], ['kid', 'ASC']] });
  if (existing) return fromPem(existing.kid, existing.private_pem);
  const { privateKey, publicKey } = await generateKeyPair(TOKEN_ALGORITHM, { extractable: true });
  const kid = randomUUID();
  await models.SigningKey.create({ kid, private_pem: await exportPKCS8(privateKey), public_jwk: JSON.stringify(await exportJWK(publicKey)) });
  const oldest = await models.SigningKey.findOne({ order: [['created_at', 'ASC'], ['kid', 'ASC']] });
  return fromPem(oldest!.kid, oldest!.private_pem);
}
