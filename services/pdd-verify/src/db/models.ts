import { DataTypes, Model, type CreationOptional, type InferAttributes, type InferCreationAttributes, type Sequelize } from 'sequelize';
import type { OrderStatus, VerifyMode, VerifyRule } from '../domain/rules.js';

export class Goods extends Model<InferAttributes<Goods>, InferCreationAttributes<Goods>> {
  declare goods_id: string;
  declare goods_name: string;
  declare is_virtual: boolean;
  declare delivery_method: 'card_code';
  declare verify_rule: VerifyRule;
  declare verify_delay_minutes: number;
  declare low_stock_threshold: number;
  declare created_at: CreationOptional<Date>;
  declare updated_at: CreationOptional<Date>;
}

export class CardCode extends Model<InferAttributes<CardCode>, InferCreationAttributes<CardCode>> {
  declare id: CreationOptional<number>;
  declare goods_id: string;
  declare code_encrypted: string;
  declare code_hash: string;
  declare code_masked: string;
  declare status: 'available' | 'claimed' | 'delivered';
  declare order_sn: CreationOptional<string | null>;
  declare batch_id: string | null;
  declare claimed_at: CreationOptional<Date | null>;
  declare delivered_at: CreationOptional<Date | null>;
  declare created_at: CreationOptional<Date>;
  declare updated_at: CreationOptional<Date>;
}

export class PddOrder extends Model<InferAttributes<PddOrder>, InferCreationAttributes<PddOrder>> {
  declare id: CreationOptional<number>;
  declare order_sn: string;
  declare goods_id: string;
  declare goods_name: string;
  declare goods_count: number;
  declare pay_amount: string;
  declare platform_status: number;
  declare platform_updated_at: number;
  declare status: OrderStatus;
  declare card_code_id: CreationOptional<number | null>;
  declare lease_until: CreationOptional<Date | null>;
  declare delivery_attempts: CreationOptional<number>;
  declare verify_attempts: CreationOptional<number>;
  declare verify_mode: CreationOptional<VerifyMode | null>;
  declare verify_record_id: CreationOptional<number | null>;
  declare next_verify_at: CreationOptional<Date | null>;
  declare last_error: CreationOptional<string | null>;
  declare delivered_at: CreationOptional<Date | null>;
  declare verified_at: CreationOptional<Date | null>;
  declare created_at: CreationOptional<Date>;
  declare updated_at: CreationOptional<Date>;
}

export class VerificationRecord extends Model<InferAttributes<VerificationRecord>, InferCreationAttributes<VerificationRecord>> {
  declare id: CreationOptional<number>;
  declare order_sn: string;
  declare goods_id: string;
  declare mode: VerifyMode;
  declare code_masked: string;
  declare status: 'pending' | 'retrying' | 'success' | 'failed' | 'superseded';
  declare attempts: CreationOptional<number>;
  declare error_code: CreationOptional<string | null>;
  declare reason: CreationOptional<string | null>;
  declare out_trans_no: string;
  declare operator_user_id: number | null;
  declare verified_at: CreationOptional<Date | null>;
  declare created_at: CreationOptional<Date>;
  declare updated_at: CreationOptional<Date>;
}

export class Alert extends Model<InferAttributes<Alert>, InferCreationAttributes<Alert>> {
  declare id: CreationOptional<number>;
  declare dedupe_key: string;
  declare bucket: number;
  declare kind: string;
  declare subject: string;
  declare occurrences: CreationOptional<number>;
  declare status: 'pending' | 'sending' | 'sent' | 'failed' | 'not_sent';
  declare send_attempts: CreationOptional<number>;
  declare last_error: CreationOptional<string | null>;
  declare first_at: Date;
  declare last_at: Date;
  declare sent_at: CreationOptional<Date | null>;
}

export interface PddModels {
  Goods: typeof Goods;
  CardCode: typeof CardCode;
  PddOrder: typeof PddOrder;
  VerificationRecord: typeof VerificationRecord;
  Alert: typeof Alert;
}

const pk = { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true };
const stamps = { createdAt: 'created_at', updatedAt: 'updated_at' } as const;

/** Models are bound to one Sequelize instance; each replica (and each test engine) gets its own classes. */
export function initModels(sequelize: Sequelize): PddModels {
  class G extends Goods {}
  class C extends CardCode {}
  class O extends PddOrder {}
  class V extends VerificationRecord {}
  class A extends Alert {}
  G.init(
    {
      goods_id: { type: DataTypes.STRING(32), primaryKey: true },
      goods_name: DataTypes.STRING(100),
      is_virtual: DataTypes.BOOLEAN,
      delivery_method: DataTypes.STRING(16),
      verify_rule: DataTypes.STRING(16),
      verify_delay_minutes: DataTypes.INTEGER,
      low_stock_threshold: DataTypes.INTEGER,
      created_at: DataTypes.DATE,
      updated_at: DataTypes.DATE,
    },
    { sequelize, tableName: 'pdd_goods', modelName: 'Goods', ...stamps },
  );
  C.init(
    {
      id: pk,
      goods_id: DataTypes.STRING(32),
      code_encrypted: DataTypes.STRING(512),
      code_hash: DataTypes.CHAR(64),
      code_masked: DataTypes.STRING(64),
      status: DataTypes.STRING(16),
      order_sn: DataTypes.STRING(64),
      batch_id: DataTypes.STRING(36),
      claimed_at: DataTypes.DATE,
      delivered_at: DataTypes.DATE,
      created_at: DataTypes.DATE,
      updated_at: DataTypes.DATE,
    },
    { sequelize, tableName: 'card_codes', modelName: 'CardCode', ...stamps },
  );
  O.init(
    {
      id: pk,
      order_sn: DataTypes.STRING(64),
      goods_id: DataTypes.STRING(32),
      goods_name: DataTypes.STRING(200),
      goods_count: DataTypes.INTEGER,
      pay_amount: DataTypes.DECIMAL(12, 2),
      platform_status: DataTypes.INTEGER,
      platform_updated_at: DataTypes.BIGINT,
      status: DataTypes.STRING(20),
      card_code_id: DataTypes.INTEGER,
      lease_until: DataTypes.DATE(3),
      delivery_attempts: DataTypes.INTEGER,
      verify_attempts: DataTypes.INTEGER,
      verify_mode: DataTypes.STRING(10),
      verify_record_id: DataTypes.INTEGER,
      next_verify_at: DataTypes.DATE,
      last_error: DataTypes.STRING(500),
      delivered_at: DataTypes.DATE,
      verified_at: DataTypes.DATE,
      created_at: DataTypes.DATE,
      updated_at: DataTypes.DATE,
    },
    { sequelize, tableName: 'pdd_orders', modelName: 'PddOrder', ...stamps },
  );
  V.init(
    {
      id: pk,
      order_sn: DataTypes.STRING(64),
      goods_id: DataTypes.STRING(32),
      mode: DataTypes.STRING(10),
      code_masked: DataTypes.STRING(64),
      status: DataTypes.STRING(16),
      attempts: DataTypes.INTEGER,
      error_code: DataTypes.STRING(20),
      reason: DataTypes.STRING(500),
      out_trans_no: DataTypes.STRING(80),
      operator_user_id: DataTypes.INTEGER,
      verified_at: DataTypes.DATE,
      created_at: DataTypes.DATE,
      updated_at: DataTypes.DATE,
    },
    { sequelize, tableName: 'verification_records', modelName: 'VerificationRecord', ...stamps },
  );
  A.init(
    {
      id: pk,
      dedupe_key: DataTypes.STRING(100),
      bucket: DataTypes.BIGINT,
      kind: DataTypes.STRING(32),
      subject: DataTypes.STRING(200),
      occurrences: DataTypes.INTEGER,
      status: DataTypes.STRING(12),
      send_attempts: DataTypes.INTEGER,
      last_error: DataTypes.STRING(500),
      first_at: DataTypes.DATE,
      last_at: DataTypes.DATE,
      sent_at: DataTypes.DATE,
    },
    { sequelize, tableName: 'alerts', modelName: 'Alert', timestamps: false },
  );
  return { Goods: G, CardCode: C, PddOrder: O, VerificationRecord: V, Alert: A };
}
