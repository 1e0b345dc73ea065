import type { Migration } from '@backoffice/kit';
import { DataTypes } from 'sequelize';

const money = (allowNull = true) => ({ type: DataTypes.DECIMAL(12, 2), allowNull });
const flag = { type: DataTypes.TINYINT, allowNull: false, defaultValue: 0 };
const timestamps = { created_at: { type: DataTypes.DATE, allowNull: false }, updated_at: { type: DataTypes.DATE, allowNull: false } };

export const orderMigrations: Migration[] = [
  {
    name: '0101-orders-schema',
    async up({ queryInterface: qi }) {
      // 六: payment bills (Alipay / WeCom) and who served them
      await qi.createTable('orders', {
        order_id: { type: DataTypes.STRING(64), primaryKey: true },
        payment_id: { type: DataTypes.STRING(64), allowNull: true },
        amount: money(),
        status: { type: DataTypes.STRING(50), allowNull: true },
        create_time: { type: DataTypes.DATE, allowNull: true },
        merchant_remark: { type: DataTypes.STRING(255), allowNull: true },
        refund_amount: money(),
        fee: money(),
        channel: { type: DataTypes.STRING(20), allowNull: true },
        confirm_time: { type: DataTypes.DATE, allowNull: true },
        merchant_payment: money(),
        customer_id: { type: DataTypes.INTEGER, allowNull: true },
        writer_id: { type: DataTypes.STRING(32), allowNull: true },
        writer_id_2: { type: DataTypes.STRING(32), allowNull: true },
        writer_fee: money(),
        writer_fee_2: money(),
        fee_per_1000: money(),
        ...timestamps,
      });
      await qi.addIndex('orders', ['payment_id']);
      await qi.addIndex('orders', ['create_time']);
      await qi.addIndex('orders', ['customer_id']);
      // 八: what customer service enters per order, and its settlement
      await qi.createTable('customer_orders', {
        id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
        order_id: { type: DataTypes.STRING(64), allowNull: false, unique: true },
        date: { type: DataTypes.DATEONLY, allowNull: false },
        is_fixed: flag,
        order_content: { type: DataTypes.TEXT, allowNull: true },
        word_count: { type: DataTypes.INTEGER, allowNull: true },
        fee: money(),
        customer_id: { type: DataTypes.INTEGER, allowNull: true },
        writer_id: { type: DataTypes.STRING(32), allowNull: true },
        fee_2: money(),
        writer_id_2: { type: DataTypes.STRING(32), allowNull: true },
        dispatch_id: { type: DataTypes.STRING(64), allowNull: true, unique: true },
        exchange_time: { type: DataTypes.STRING(32), allowNull: true },
        payment_channel: { type: DataTypes.STRING(32), allowNull: true },
        store_name: { type: DataTypes.STRING(100), allowNull: true },
        new_customer: flag,
        customer_name: { type: DataTypes.STRING(100), allowNull: true },
        order_amount: money(),
        refund_amount: money(),
        special_situation: { type: DataTypes.STRING(255), allowNull: true },
        fee_per_1000: money(),
        // the imported bill's amounts, copied here when either side arrives, so that a recalculation
        // is one single-table UPDATE (no join over a million bills)
        bill_amount: money(),
        bill_refund_amount: money(),
        bill_fee: money(),
        customer_commission: money(),
        commission_rule_version: { type: DataTypes.INTEGER, allowNull: true },
        is_locked: flag,
        locked_by: { type: DataTypes.INTEGER, allowNull: true },
        locked_at: { type: DataTypes.DATE, allowNull: true },
        settlement_status: { type: DataTypes.STRING(16), allowNull: false, defaultValue: 'Pending' },
        writer_settlement_exported: flag,
        customer_settlement_exported: flag,
        created_by: { type: DataTypes.INTEGER, allowNull: true },
        ...timestamps,
      });
      await qi.addIndex('customer_orders', ['date', 'id']);
      await qi.addIndex('customer_orders', ['customer_id']);
      await qi.addIndex('customer_orders', ['writer_id']);
      await qi.addIndex('customer_orders', ['settlement_status']);
      await qi.addIndex('customer_orders', ['is_fixed', 'customer_settlement_exported']);
      await qi.createTable('customer_order_audit', {
        id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
        customer_order_id: { type: DataTypes.INTEGER, allowNull: false },
        order_id: { type: DataTypes.STRING(64), allowNull: false },
        action: { type: DataTypes.STRING(32), allowNull: false },
        actor_user_id: { type: DataTypes.INTEGER, allowNull: true },
        details_json: { type: DataTypes.TEXT, allowNull: true },
        created_at: { type: DataTypes.DATE(3), allowNull: false },
      });
      await qi.addIndex('customer_order_audit', ['customer_order_id', 'created_at']);
      // every version of the commission rule; the highest is in force
      await qi.createTable('commission_rules', {
        version: { type: DataTypes.INTEGER, primaryKey: true },
        rate_bp: { type: DataTypes.INTEGER, allowNull: false },
        deduct_refund: { type: DataTypes.TINYINT, allowNull: false },
        deduct_payment_fee: { type: DataTypes.TINYINT, allowNull: false },
        deduct_writer_fees: { type: DataTypes.TINYINT, allowNull: false },
        note: { type: DataTypes.STRING(255), allowNull: true },
        created_by: { type: DataTypes.INTEGER, allowNull: true },
        created_at: { type: DataTypes.DATE, allowNull: false },
      });
      // identity's users as the orders area last heard of them (identity.user.* events)
      await qi.createTable('order_directory_users', {
        id: { type: DataTypes.INTEGER, primaryKey: true },
        username: { type: DataTypes.STRING(50), allowNull: false },
        real_name: { type: DataTypes.STRING(50), allowNull: true },
        role: { type: DataTypes.STRING(50), allowNull: false },
        status: { type: DataTypes.TINYINT, allowNull: false },
        deleted: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: false },
        updated_at: { type: DataTypes.DATE, allowNull: false },
      });
    },
  },
];
