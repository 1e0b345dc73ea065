import { ApiRouter, Authenticator, type ServiceModule } from '@backoffice/kit';
import { loadSigningKey } from './auth/signing-key.js';
import { TokenIssuer } from './auth/tokens.js';
import { identityConfigSchema } from './config.js';
import { migrations } from './db/migrations.js';
import { initModels } from './db/models.js';
import { seedIdentity } from './db/seed.js';
import { UserEvents } from './events/user-events.js';
import { authRoutes } from './http/auth-routes.js';
import type { IdentityDeps } from './http/context.js';
import { internalRoutes } from './http/internal-routes.js';
import { menuRoutes } from './http/menus-routes.js';
import { roleRoutes } from './http/roles-routes.js';
import { userRoutes } from './http/users-routes.js';

/** identity: sign-in and tokens, users, roles, menus, permissions (seed 004 一–四). */
export const identityService: ServiceModule<typeof identityConfigSchema> = {
  name: 'identity',
  title: '认证与用户 (identity)',
  defaultPort: 8081,
  configSchema: identityConfigSchema,
  migrations,
  async build({ config, sequelize, outbox, logger, docs }) {
    const models = initModels(sequelize);
    await seedIdentity(sequelize, models, { username: config.ADMIN_USERNAME, password: config.ADMIN_PASSWORD }, logger);
    const key = await loadSigningKey(models, config.JWT_PRIVATE_KEY);
    const tokens = new TokenIssuer(key, { accessSeconds: config.ACCESS_TOKEN_TTL_SECONDS, refreshSeconds: config.REFRESH_TOKEN_TTL_SECONDS });
    // identity verifies its own tokens with the key it holds, not over HTTP
    const auth = Authenticator.fromJwks(tokens.jwks);
    const deps: IdentityDeps = {
      config,
      sequelize,
      models,
      tokens,
      outbox,
      events: new UserEvents(outbox),
      router: (tag) => new ApiRouter(auth, docs, tag),
    };
    return { routers: [authRoutes(deps), userRoutes(deps), roleRoutes(deps), menuRoutes(deps), internalRoutes(deps)] };
  },
};
