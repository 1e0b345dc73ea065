import { DataTypes } from 'sequelize';
import type { Migration } from '@backoffice/kit';

const id = { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true };
const stamps = {
  created_at: { type: DataTypes.DATE, allowNull: false },
  updated_at: { type: DataTypes.DATE, allowNull: false },
};

export const migrations: Migration[] = [
  {
    name: '0001-pdd-schema',
    async up({ queryInterface: qi }) {
      // which goods are virtual, how they are delivered and verified
      await qi.createTable('pdd_goods', {
        goods_id: { type: DataTypes.STRING(32), primaryKey: true },
        goods_name: { type: DataTypes.STRING(100), allowNull: false },
        is_virtual: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: true },
        delivery_method: { type: DataTypes.STRING(16), allowNull: false, defaultValue: 'card_code' },
        verify_rule: { type: DataTypes.STRING(16), allowNull: false, defaultValue: 'manual' },
        verify_delay_minutes: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
        low_stock_threshold: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 10 },
        ...stamps,
      });
      await qi.createTable('card_codes', {
        id,
        goods_id: { type: DataTypes.STRING(32), allowNull: false },
        code_encrypted: { type: DataTypes.STRING(512), allowNull: false },
        code_hash: { type: DataTypes.CHAR(64), allowNull: false, unique: true },
        code_masked: { type: DataTypes.STRING(64), allowNull: false },
        status: { type: DataTypes.STRING(16), allowNull: false, defaultValue: 'available' },
        // unique: one code per order and one order per code, whatever races
        order_sn: { type: DataTypes.STRING(64), allowNull: true, unique: true },
        batch_id: { type: DataTypes.STRING(36), allowNull: true },
        claimed_at: { type: DataTypes.DATE, allowNull: true },
        delivered_at: { type: DataTypes.DATE, allowNull: true },
        ...stamps,
      });
      await qi.addIndex('card_codes', ['goods_id', 'status', 'id'], { name: 'card_codes_stock' });
      await qi.createTable('pdd_orders', {
        id,
        order_sn: { type: DataTypes.STRING(64), allowNull: false, unique: true },
        goods_id: { type: DataTypes.STRING(32), allowNull: false },
        goods_name: { type: DataTypes.STRING(200), allowNull: false },
        goods_count: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 1 },
        pay_amount: { type: DataTypes.DECIMAL(12, 2), allowNull: false },
        platform_status: { type: DataTypes.INTEGER, allowNull: false },
        platform_updated_at: { type: DataTypes.BIGINT, allowNull: false },
        status: { type: DataTypes.STRING(20), allowNull: false },
        card_code_id: { type: DataTypes.INTEGER, allowNull: true },
        lease_until: { type: DataTypes.DATE(3), allowNull: true },
        delivery_attempts: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
        verify_attempts: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
        verify_mode: { type: DataTypes.STRING(10), allowNull: true },
        verify_record_id: { type: DataTypes.INTEGER, allowNull: true },
        next_verify_at: { type: DataTypes.DATE, allowNull: true },
        last_error: { type: DataTypes.STRING(500), allowNull: true },
        delivered_at: { type: DataTypes.DATE, allowNull: true },
        verified_at: { type: DataTypes.DATE, allowNull: true },
        ...stamps,
      });
      await qi.addIndex('pdd_orders', ['status', 'next_verify_at'], { name: 'pdd_orders_due' });
      await qi.addIndex('pdd_orders', ['goods_id', 'status'], { name: 'pdd_orders_goods' });
      await qi.addIndex('pdd_orders', ['platform_updated_at'], { name: 'pdd_orders_updated' });
      await qi.createTable('verification_records', {
        id,
        order_sn: { type: DataTypes.STRING(64), allowNull: false },
        goods_id: { type: DataTypes.STRING(32), allowNull: false },
        mode: { type: DataTypes.STRING(10), allowNull: false },
        code_masked: { type: DataTypes.STRING(64), allowNull: false },
        status: { type: DataTypes.STRING(16), allowNull: false },
        attempts: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
        error_code: { type: DataTypes.STRING(20), allowNull: true },
        reason: { type: DataTypes.STRING(500), allowNull: true },
        out_trans_no: { type: DataTypes.STRING(80), allowNull: false },
        operator_user_id: { type: DataTypes.INTEGER, allowNull: true },
        verified_at: { type: DataTypes.DATE, allowNull: true },
        ...stamps,
      });
      await qi.addIndex('verification_records', ['order_sn'], { name: 'verification_records_order' });
      await qi.addIndex('verification_records', ['status', 'created_at'], { name: 'verification_records_status' });
      // where the order pull got to (unix seconds of the last window fully stored)
      await qi.createTable('sync_cursors', {
        name: { type: DataTypes.STRING(32), primaryKey: true },
        position: { type: DataTypes.BIGINT, allowNull: false },
        updated_at: { type: DataTypes.DATE, allowNull: false },
      });
      await qi.createTable('platform_tokens', {
        platform: { type: DataTypes.STRING(16), primaryKey: true },
        access_token_encrypted: { type: DataTypes.STRING(512), allowNull: false },
        refresh_token_encrypted: { type: DataTypes.STRING(512), allowNull: false },
        expires_at: { type: DataTypes.DATE, allowNull: true },
        updated_at: { type: DataTypes.DATE, allowNull: false },
      });
      // one row per (dedupe key, time bucket): everything alike within a window makes one mail
      await qi.createTable('alerts', {
        id,
        dedupe_key: { type: DataTypes.STRING(100), allowNull: false },
        bucket: { type: DataTypes.BIGINT, allowNull: false },
        kind: { type: DataTypes.STRING(32), allowNull: false },
        subject: { type: DataTypes.STRING(200), allowNull: false },
        occurrences: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 1 },
        status: { type: DataTypes.STRING(12), allowNull: false },
        send_attempts: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
        last_error: { type: DataTypes.STRING(500), allowNull: true },
        first_at: { type: DataTypes.DATE, allowNull: false },
        last_at: { type: DataTypes.DATE, allowNull: false },
        sent_at: { type: DataTypes.DATE, allowNull: true },
      });
      await qi.addIndex('alerts', ['dedupe_key', 'bucket'], { unique: true, name: 'alerts_dedupe' });
      await qi.addIndex('alerts', ['status'], { name: 'alerts_status' });
      await qi.createTable('alert_items', {
        id,
        alert_id: { type: DataTypes.INTEGER, allowNull: false },
        line: { type: DataTypes.STRING(500), allowNull: false },
        created_at: { type: DataTypes.DATE, allowNull: false },
      });
      await qi.addIndex('alert_items', ['alert_id'], { name: 'alert_items_alert' });
    },
  },
];
