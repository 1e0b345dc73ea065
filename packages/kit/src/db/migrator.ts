import type { QueryInterface, Sequelize } from 'sequelize';
import { SequelizeStorage, Umzug } from 'umzug';
import type { Logger } from 'pino';
import { kitMigrations } from './kit-migrations.js';

export interface MigrationContext {
  queryInterface: QueryInterface;
  sequelize: Sequelize;
}

export interface Migration {
  /** Numbered, e.g. `0001-create-users`; applied in name order. */
  name: string;
  up(ctx: MigrationContext): Promise<void>;
  down?(ctx: MigrationContext): Promise<void>;
}

/** The kit's own tables (outbox, inbox, locks) come first, then the service's numbered migrations. */
export function createMigrator(sequelize: Sequelize, migrations: readonly Migration[], logger?: Logger) {
  const all = [...kitMigrations, ...migrations];
  const names = new Set<string>();
  for (const m of all) {
    if (names.has(m.name)) throw new Error(`duplicate migration name ${m.name}`);
    names.add(m.name);
  }
  return new Umzug<MigrationContext>({
    migrations: all.map((m) => ({
      name: m.name,
      up: ({ context }) => m.up(context),
      down: m.down ? ({ context }) => m.down!(context) : undefined,
    })),
    context: { queryInterface: sequelize.getQueryInterface(), sequelize },
    storage: new SequelizeStorage({ sequelize, tableName: 'schema_migrations' }),
    logger: logger
      ? { info: (m) => logger.info(m), warn: (m) => logger.warn(m), error: (m) => logger.error(m), debug: (m) => logger.debug(m) }
      : undefined,
  });
}

export async function migrateUp(sequelize: Sequelize, migrations: readonly Migration[], logger?: Logger): Promise<string[]> {
  const applied = await createMigrator(sequelize, migrations, logger).up();
  return applied.map((m) => m.name);
}
