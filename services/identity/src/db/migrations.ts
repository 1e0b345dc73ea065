import { DataTypes } from 'sequelize';
import type { Migration } from '@backoffice/kit';

const timestamps = {
  created_at: { type: DataTypes.DATE, allowNull: false },
  updated_at: { type: DataTypes.DATE, allowNull: false },
};

export const migrations: Migration[] = [
  {
    name: '0001-identity-schema',
    async up({ queryInterface: qi }) {
      await qi.createTable('roles', {
        id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
        role_name: { type: DataTypes.STRING(50), allowNull: false, unique: true },
        code: { type: DataTypes.STRING(50), allowNull: true, unique: true },
        permissions: { type: DataTypes.TEXT, allowNull: false },
        builtin: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: false },
        ...timestamps,
      });
      await qi.createTable('menus', {
        id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
        name: { type: DataTypes.STRING(50), allowNull: false },
        path: { type: DataTypes.STRING(200), allowNull: false },
        icon: { type: DataTypes.STRING(100), allowNull: true },
        sort: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
        parent_id: { type: DataTypes.INTEGER, allowNull: true },
        created_time: { type: DataTypes.DATE, allowNull: false },
      });
      await qi.createTable('role_menus', {
        role_id: { type: DataTypes.INTEGER, primaryKey: true, references: { model: 'roles', key: 'id' }, onDelete: 'CASCADE' },
        menu_id: { type: DataTypes.INTEGER, primaryKey: true, references: { model: 'menus', key: 'id' }, onDelete: 'CASCADE' },
      });
      await qi.createTable('users', {
        id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
        username: { type: DataTypes.STRING(50), allowNull: false, unique: true },
        password_hash: { type: DataTypes.STRING(255), allowNull: false },
        role_id: { type: DataTypes.INTEGER, allowNull: false, references: { model: 'roles', key: 'id' } },
        real_name: { type: DataTypes.STRING(50), allowNull: true },
        email: { type: DataTypes.STRING(100), allowNull: true },
        status: { type: DataTypes.TINYINT, allowNull: false, defaultValue: 1 },
        level: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
        ...timestamps,
        deleted_at: { type: DataTypes.DATE, allowNull: true },
      });
      await qi.addIndex('users', ['role_id']);
      await qi.createTable('refresh_tokens', {
        jti: { type: DataTypes.STRING(36), primaryKey: true },
        user_id: { type: DataTypes.INTEGER, allowNull: false },
        family: { type: DataTypes.STRING(36), allowNull: false },
        expires_at: { type: DataTypes.DATE, allowNull: false },
        used_at: { type: DataTypes.DATE, allowNull: true },
        revoked_at: { type: DataTypes.DATE, allowNull: true },
        created_at: { type: DataTypes.DATE, allowNull: false },
      });
      await qi.addIndex('refresh_tokens', ['user_id']);
      await qi.addIndex('refresh_tokens', ['family']);
      await qi.createTable('login_failures', {
        id: { type: DataTypes.BIGINT, primaryKey: true, autoIncrement: true },
        username: { type: DataTypes.STRING(50), allowNull: false },
        ip: { type: DataTypes.STRING(64), allowNull: false },
        created_at: { type: DataTypes.DATE, allowNull: false },
      });
      await qi.addIndex('login_failures', ['username', 'created_at']);
      await qi.addIndex('login_failures', ['ip', 'created_at']);
      await qi.createTable('signing_keys', {
        kid: { type: DataTypes.STRING(64), primaryKey: true },
        private_pem: { type: DataTypes.TEXT, allowNull: false },
        public_jwk: { type: DataTypes.TEXT, allowNull: false },
        created_at: { type: DataTypes.DATE, allowNull: false },
      });
    },
  },
  {
    // a deleted role stays (soft-deleted, renamed) so the records of its deleted users still resolve
    name: '0002-roles-soft-delete',
    async up({ queryInterface: qi }) {
      await qi.addColumn('roles', 'deleted_at', { type: DataTypes.DATE, allowNull: true });
    },
  },
];
