import { DataTypes } from 'sequelize';
import type { QueryInterface } from 'sequelize';
import type { Migration } from './migrator.js';

/** MEDIUMTEXT on MySQL; SQLite has one TEXT and warns about options. */
const mediumText = (qi: QueryInterface) => (qi.sequelize.getDialect() === 'sqlite' ? DataTypes.TEXT : DataTypes.TEXT('medium'));

/** Tables every service has: outbox (events to publish), inbox (events handled), job_locks (scheduler). */
export const kitMigrations: Migration[] = [
  {
    name: '0000-kit-outbox-inbox-locks',
    async up({ queryInterface: qi }) {
      await qi.createTable('outbox', {
        id: { type: DataTypes.BIGINT, primaryKey: true, autoIncrement: true },
        event_id: { type: DataTypes.STRING(64), allowNull: false, unique: true },
        type: { type: DataTypes.STRING(128), allowNull: false },
        subject: { type: DataTypes.STRING(128), allowNull: false },
        envelope: { type: mediumText(qi), allowNull: false },
        status: { type: DataTypes.STRING(16), allowNull: false, defaultValue: 'pending' },
        attempts: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
        last_error: { type: DataTypes.TEXT, allowNull: true },
        available_at: { type: DataTypes.DATE(3), allowNull: false },
        created_at: { type: DataTypes.DATE(3), allowNull: false },
        sent_at: { type: DataTypes.DATE(3), allowNull: true },
      });
      await qi.addIndex('outbox', ['status', 'id'], { name: 'outbox_status_id' });
      await qi.createTable('inbox', {
        consumer: { type: DataTypes.STRING(128), primaryKey: true },
        event_id: { type: DataTypes.STRING(64), primaryKey: true },
        type: { type: DataTypes.STRING(128), allowNull: false },
        handled_at: { type: DataTypes.DATE(3), allowNull: false },
      });
      await qi.createTable('job_locks', {
        job: { type: DataTypes.STRING(128), primaryKey: true },
        tick: { type: DataTypes.STRING(32), primaryKey: true },
        owner: { type: DataTypes.STRING(128), allowNull: false },
        locked_at: { type: DataTypes.DATE(3), allowNull: false },
      });
    },
    async down({ queryInterface: qi }) {
      await qi.dropTable('job_locks');
      await qi.dropTable('inbox');
      await qi.dropTable('outbox');
    },
  },
  {
    name: '0001-kit-idempotency-keys',
    async up({ queryInterface: qi }) {
      await qi.createTable('idempotency_keys', {
        scope: { type: DataTypes.STRING(64), primaryKey: true },
        idem_key: { type: DataTypes.STRING(128), primaryKey: true },
        status: { type: DataTypes.INTEGER, allowNull: false },
        body: { type: mediumText(qi), allowNull: true },
        created_at: { type: DataTypes.DATE(3), allowNull: false },
      });
    },
    async down({ queryInterface: qi }) {
      await qi.dropTable('idempotency_keys');
    },
  },
  {
    // the prune job deletes by age (and the relay claims by status, id: `outbox_status_id` above)
    name: '0002-kit-prune-indexes',
    async up({ queryInterface: qi }) {
      await qi.addIndex('outbox', ['status', 'sent_at'], { name: 'outbox_status_sent_at' });
      await qi.addIndex('inbox', ['handled_at'], { name: 'inbox_handled_at' });
      await qi.addIndex('job_locks', ['locked_at'], { name: 'job_locks_locked_at' });
      await qi.addIndex('idempotency_keys', ['created_at'], { name: 'idempotency_keys_created_at' });
    },
    async down({ queryInterface: qi }) {
      await qi.removeIndex('idempotency_keys', 'idempotency_keys_created_at');
      await qi.removeIndex('job_locks', 'job_locks_locked_at');
      await qi.removeIndex('inbox', 'inbox_handled_at');
      await qi.removeIndex('outbox', 'outbox_status_sent_at');
    },
  },
];
