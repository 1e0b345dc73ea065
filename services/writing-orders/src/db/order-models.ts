import { DataTypes, Model, type CreationOptional, type InferAttributes, type InferCreationAttributes, type Sequelize } from 'sequelize';
import type { SettlementStatus } from '../domain/settlement.js';

/** DECIMAL columns come back as strings (MariaDB) or numbers (SQLite); money.ts reads both. */
type Dec = string | number | null;

export class PaidOrder extends Model<InferAttributes<PaidOrder>, InferCreationAttributes<PaidOrder>> {
  declare order_id: string;
  declare payment_id: string | null;
  declare amount: Dec;
  declare status: string | null;
  declare create_time: Date | null;
  declare merchant_remark: string | null;
  declare refund_amount: Dec;
  declare fee: Dec;
  declare channel: string | null;
  declare confirm_time: Date | null;
  declare merchant_payment: Dec;
  declare customer_id: number | null;
  declare writer_id: string | null;
  declare writer_id_2: string | null;
  declare writer_fee: Dec;
  declare writer_fee_2: Dec;
  declare fee_per_1000: Dec;
  declare created_at: CreationOptional<Date>;
  declare updated_at: CreationOptional<Date>;
}

export class CustomerOrder extends Model<InferAttributes<CustomerOrder>, InferCreationAttributes<CustomerOrder>> {
  declare id: CreationOptional<number>;
  declare order_id: string;
  declare date: string;
  declare is_fixed: number;
  declare order_content: string | null;
  declare word_count: number | null;
  declare fee: Dec;
  declare customer_id: number | null;
  declare writer_id: string | null;
  declare fee_2: Dec;
  declare writer_id_2: string | null;
  declare dispatch_id: string | null;
  declare exchange_time: string | null;
  declare payment_channel: string | null;
  declare store_name: string | null;
  declare new_customer: number;
  declare customer_name: string | null;
  declare order_amount: Dec;
  declare refund_amount: Dec;
  declare special_situation: string | null;
  declare fee_per_1000: Dec;
  declare bill_amount: CreationOptional<Dec>;
  declare bill_refund_amount: CreationOptional<Dec>;
  declare bill_fee: CreationOptional<Dec>;
  declare customer_commission: CreationOptional<Dec>;
  declare commission_rule_version: CreationOptional<number | null>;
  declare is_locked: CreationOptional<number>;
  declare locked_by: CreationOptional<number | null>;
  declare locked_at: CreationOptional<Date | null>;
  declare settlement_status: SettlementStatus;
  declare writer_settlement_exported: CreationOptional<number>;
  declare customer_settlement_exported: CreationOptional<number>;
  declare created_by: number | null;
  declare created_at: CreationOptional<Date>;
  declare updated_at: CreationOptional<Date>;
}

export class DirectoryUser extends Model<InferAttributes<DirectoryUser>, InferCreationAttributes<DirectoryUser>> {
  declare id: number;
  declare username: string;
  declare real_name: string | null;
  declare role: string;
  declare status: number;
  declare deleted: boolean;
  declare updated_at: CreationOptional<Date>;
}

export interface OrderModels {
  PaidOrder: typeof PaidOrder;
  CustomerOrder: typeof CustomerOrder;
  DirectoryUser: typeof DirectoryUser;
}

const decimal = () => ({ type: DataTypes.DECIMAL(12, 2), allowNull: true });
const str = (n: number) => ({ type: DataTypes.STRING(n), allowNull: true });
const opts = (sequelize: Sequelize, tableName: string, modelName: string) => ({ sequelize, tableName, modelName, underscored: true, createdAt: 'created_at', updatedAt: 'updated_at' });

export function initOrderModels(sequelize: Sequelize): OrderModels {
  PaidOrder.init(
    {
      order_id: { type: DataTypes.STRING(64), primaryKey: true },
      payment_id: str(64),
      amount: decimal(),
      status: str(50),
      create_time: { type: DataTypes.DATE, allowNull: true },
      merchant_remark: str(255),
      refund_amount: decimal(),
      fee: decimal(),
      channel: str(20),
      confirm_time: { type: DataTypes.DATE, allowNull: true },
      merchant_payment: decimal(),
      customer_id: { type: DataTypes.INTEGER, allowNull: true },
      writer_id: str(32),
      writer_id_2: str(32),
      writer_fee: decimal(),
      writer_fee_2: decimal(),
      fee_per_1000: decimal(),
      created_at: DataTypes.DATE,
      updated_at: DataTypes.DATE,
    },
    opts(sequelize, 'orders', 'PaidOrder'),
  );
  CustomerOrder.init(
    {
      id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
      order_id: { type: DataTypes.STRING(64), allowNull: false },
      date: { type: DataTypes.DATEONLY, allowNull: false },
      is_fixed: { type: DataTypes.TINYINT, allowNull: false },
      order_content: { type: DataTypes.TEXT, allowNull: true },
      word_count: { type: DataTypes.INTEGER, allowNull: true },
      fee: decimal(),
      customer_id: { type: DataTypes.INTEGER, allowNull: true },
      writer_id: str(32),
      fee_2: decimal(),
      writer_id_2: str(32),
      dispatch_id: str(64),
      exchange_time: str(32),
      payment_channel: str(32),
      store_name: str(100),
      new_customer: { type: DataTypes.TINYINT, allowNull: false, defaultValue: 0 },
      customer_name: str(100),
      order_amount: decimal(),
      refund_amount: decimal(),
      special_situation: str(255),
      fee_per_1000: decimal(),
      bill_amount: decimal(),
      bill_refund_amount: decimal(),
      bill_fee: decimal(),
      customer_commission: decimal(),
      commission_rule_version: { type: DataTypes.INTEGER, allowNull: true },
      is_locked: { type: DataTypes.TINYINT, allowNull: false, defaultValue: 0 },
      locked_by: { type: DataTypes.INTEGER, allowNull: true },
      locked_at: { type: DataTypes.DATE, allowNull: true },
      settlement_status: { type: DataTypes.STRING(16), allowNull: false },
      writer_settlement_exported: { type: DataTypes.TINYINT, allowNull: false, defaultValue: 0 },
      customer_settlement_exported: { type: DataTypes.TINYINT, allowNull: false, defaultValue: 0 },
      created_by: { type: DataTypes.INTEGER, allowNull: true },
      created_at: DataTypes.DATE,
      updated_at: DataTypes.DATE,
    },
    opts(sequelize, 'customer_orders', 'CustomerOrder'),
  );
  DirectoryUser.init(
    {
      id: { type: DataTypes.INTEGER, primaryKey: true },
      username: { type: DataTypes.STRING(50), allowNull: false },
      real_name: str(50),
      role: { type: DataTypes.STRING(50), allowNull: false },
      status: { type: DataTypes.TINYINT, allowNull: false },
      deleted: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: false },
      updated_at: DataTypes.DATE,
    },
    { sequelize, tableName: 'order_directory_users', modelName: 'OrderDirectoryUser', underscored: true, createdAt: false, updatedAt: 'updated_at' },
  );
  return { PaidOrder, CustomerOrder, DirectoryUser };
}
