import { DataTypes } from 'sequelize';
// ids are INTEGER rather than the seed's BIGINT: SQLite only auto-increments INTEGER keys, and MySQL BIGINTs come back as strings
import type { Migration } from '@backoffice/kit';

const id = { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true };
const stamp = { type: DataTypes.DATE, allowNull: false };
const money = { type: DataTypes.DECIMAL(10, 2), allowNull: true };

/** Gym products the platforms' deals map to (editable; these are the shop's starting catalogue). */
const PRODUCTS = [
  { id: 1, product_type: 1, name: '月卡', duration_days: 30, sessions: null, class_name: null },
  { id: 2, product_type: 1, name: '季卡', duration_days: 90, sessions: null, class_name: null },
  { id: 3, product_type: 2, name: '私教课10节', duration_days: null, sessions: 10, class_name: null },
  { id: 4, product_type: 3, name: '瑜伽团课', duration_days: null, sessions: 1, class_name: '瑜伽' },
  { id: 5, product_type: 3, name: '燃脂团课', duration_days: null, sessions: 1, class_name: '燃脂' },
];

export const migrations: Migration[] = [
  {
    name: '0001-vouchers-schema',
    async up({ queryInterface: qi }) {
      // seed 001 tables, names kept; extra columns are marked
      await qi.createTable('third_party_platforms', {
        id,
        platform_name: { type: DataTypes.STRING(50), allowNull: false },
        platform_code: { type: DataTypes.STRING(20), allowNull: false, unique: true },
        app_id: { type: DataTypes.STRING(100), allowNull: true },
        app_secret: { type: DataTypes.STRING(255), allowNull: true }, // SecretBox ciphertext
        api_url: { type: DataTypes.STRING(255), allowNull: true },
        status: { type: DataTypes.TINYINT, allowNull: false, defaultValue: 1 },
        config: { type: DataTypes.TEXT, allowNull: true }, // JSON: shop/poi id, deal → product map
        created_at: stamp,
        updated_at: stamp,
      });
      await qi.createTable('vouchers', {
        id,
        voucher_no: { type: DataTypes.STRING(50), allowNull: false, unique: true },
        platform_id: { type: DataTypes.INTEGER, allowNull: false, references: { model: 'third_party_platforms', key: 'id' } },
        platform_order_no: { type: DataTypes.STRING(100), allowNull: true },
        voucher_type: { type: DataTypes.TINYINT, allowNull: false },
        product_id: { type: DataTypes.INTEGER, allowNull: true },
        product_name: { type: DataTypes.STRING(100), allowNull: true },
        original_price: money,
        paid_price: money,
        user_phone: { type: DataTypes.STRING(11), allowNull: true }, // masked (138****8000)
        user_name: { type: DataTypes.STRING(50), allowNull: true },
        status: { type: DataTypes.TINYINT, allowNull: false, defaultValue: 1 },
        expire_date: { type: DataTypes.DATEONLY, allowNull: true },
        verified_at: { type: DataTypes.DATE, allowNull: true },
        verified_by: { type: DataTypes.INTEGER, allowNull: true },
        user_id: { type: DataTypes.INTEGER, allowNull: true },
        remark: { type: DataTypes.TEXT, allowNull: true },
        // extra: phone encrypted + lookup hash, the platform's deal and redemption references
        user_phone_encrypted: { type: DataTypes.STRING(255), allowNull: true },
        user_phone_hash: { type: DataTypes.CHAR(64), allowNull: true },
        platform_deal_id: { type: DataTypes.STRING(64), allowNull: true },
        platform_certificate_id: { type: DataTypes.STRING(64), allowNull: true },
        platform_verify_id: { type: DataTypes.STRING(128), allowNull: true },
        created_at: stamp,
        updated_at: stamp,
      });
      await qi.addIndex('vouchers', ['platform_order_no']);
      await qi.addIndex('vouchers', ['user_phone_hash']);
      await qi.addIndex('vouchers', ['status']);
      await qi.addIndex('vouchers', ['platform_id', 'created_at']);
      await qi.addIndex('vouchers', ['verified_at']);
      await qi.createTable('voucher_verification_logs', {
        id,
        voucher_id: { type: DataTypes.INTEGER, allowNull: false, references: { model: 'vouchers', key: 'id' }, onDelete: 'CASCADE' },
        operation_type: { type: DataTypes.TINYINT, allowNull: false },
        operator_id: { type: DataTypes.INTEGER, allowNull: false },
        result_type: { type: DataTypes.TINYINT, allowNull: true },
        result_id: { type: DataTypes.INTEGER, allowNull: true },
        remark: { type: DataTypes.STRING(255), allowNull: true },
        // extra: what the effect changed (days added to a card), so a cancel can undo exactly that
        effect_days: { type: DataTypes.INTEGER, allowNull: true },
        created_at: stamp,
      });
      await qi.addIndex('voucher_verification_logs', ['voucher_id']);
      // one in-flight verify/cancel per code across replicas: the primary key is the claim
      await qi.createTable('voucher_claims', {
        voucher_no: { type: DataTypes.STRING(50), primaryKey: true },
        operation: { type: DataTypes.STRING(16), allowNull: false },
        platform_id: { type: DataTypes.INTEGER, allowNull: false },
        request_id: { type: DataTypes.STRING(64), allowNull: false },
        operator_id: { type: DataTypes.INTEGER, allowNull: false },
        created_at: { type: DataTypes.DATE(3), allowNull: false },
      });
      await qi.createTable('platform_tokens', {
        platform_id: { type: DataTypes.INTEGER, primaryKey: true },
        access_token: { type: DataTypes.STRING(512), allowNull: false }, // encrypted
        expires_at: { type: DataTypes.DATE, allowNull: false },
        refresh_token: { type: DataTypes.STRING(512), allowNull: true }, // encrypted
        updated_at: stamp,
      });
      // the gym side: members, their cards, course orders, class bookings, products
      await qi.createTable('gym_products', {
        id,
        product_type: { type: DataTypes.TINYINT, allowNull: false },
        name: { type: DataTypes.STRING(100), allowNull: false },
        duration_days: { type: DataTypes.INTEGER, allowNull: true },
        sessions: { type: DataTypes.INTEGER, allowNull: true },
        class_name: { type: DataTypes.STRING(50), allowNull: true },
        created_at: stamp,
        updated_at: stamp,
      });
      await qi.createTable('members', {
        id,
        name: { type: DataTypes.STRING(50), allowNull: true },
        phone_hash: { type: DataTypes.CHAR(64), allowNull: false, unique: true },
        phone_encrypted: { type: DataTypes.STRING(255), allowNull: false },
        phone_masked: { type: DataTypes.STRING(20), allowNull: false },
        source: { type: DataTypes.STRING(20), allowNull: true },
        created_at: stamp,
        updated_at: stamp,
      });
      await qi.createTable('member_cards', {
        id,
        member_id: { type: DataTypes.INTEGER, allowNull: false, references: { model: 'members', key: 'id' } },
        product_id: { type: DataTypes.INTEGER, allowNull: false },
        card_name: { type: DataTypes.STRING(100), allowNull: false },
        start_date: { type: DataTypes.DATEONLY, allowNull: false },
        end_date: { type: DataTypes.DATEONLY, allowNull: false },
        status: { type: DataTypes.TINYINT, allowNull: false, defaultValue: 1 }, // 1 active, 2 revoked
        created_at: stamp,
        updated_at: stamp,
      });
      await qi.addIndex('member_cards', ['member_id', 'status']);
      await qi.createTable('course_orders', {
        id,
        member_id: { type: DataTypes.INTEGER, allowNull: false, references: { model: 'members', key: 'id' } },
        product_id: { type: DataTypes.INTEGER, allowNull: false },
        course_name: { type: DataTypes.STRING(100), allowNull: false },
        sessions_total: { type: DataTypes.INTEGER, allowNull: false },
        sessions_left: { type: DataTypes.INTEGER, allowNull: false },
        voucher_id: { type: DataTypes.INTEGER, allowNull: true },
        status: { type: DataTypes.TINYINT, allowNull: false, defaultValue: 1 }, // 1 active, 2 cancelled
        created_at: stamp,
        updated_at: stamp,
      });
      await qi.createTable('class_bookings', {
        id,
        member_id: { type: DataTypes.INTEGER, allowNull: false, references: { model: 'members', key: 'id' } },
        product_id: { type: DataTypes.INTEGER, allowNull: false },
        class_name: { type: DataTypes.STRING(100), allowNull: false },
        voucher_id: { type: DataTypes.INTEGER, allowNull: true },
        status: { type: DataTypes.TINYINT, allowNull: false, defaultValue: 1 }, // 1 booked, 2 cancelled
        created_at: stamp,
        updated_at: stamp,
      });
      await qi.createTable('voucher_sync_logs', {
        id,
        platform_id: { type: DataTypes.INTEGER, allowNull: false },
        kind: { type: DataTypes.STRING(16), allowNull: false }, // sync | reconcile
        started_at: stamp,
        finished_at: { type: DataTypes.DATE, allowNull: true },
        fetched: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
        created: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
        updated: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
        mismatches: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
        status: { type: DataTypes.STRING(16), allowNull: false },
        error: { type: DataTypes.STRING(500), allowNull: true },
      });
      await qi.addIndex('voucher_sync_logs', ['platform_id', 'started_at']);
      await qi.createTable('voucher_reconciliation_issues', {
        id,
        sync_log_id: { type: DataTypes.INTEGER, allowNull: false },
        platform_id: { type: DataTypes.INTEGER, allowNull: false },
        voucher_no: { type: DataTypes.STRING(50), allowNull: false },
        local_status: { type: DataTypes.TINYINT, allowNull: true },
        platform_status: { type: DataTypes.TINYINT, allowNull: false },
        created_at: stamp,
      });
      await qi.addIndex('voucher_reconciliation_issues', ['sync_log_id', 'voucher_no'], { unique: true, name: 'recon_issue_run_voucher' });
      const now = new Date();
      await qi.bulkInsert('gym_products', PRODUCTS.map((p) => ({ ...p, created_at: now, updated_at: now })));
    },
  },
];
