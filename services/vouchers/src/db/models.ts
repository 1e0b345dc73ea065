import { DataTypes, Model, type CreationOptional, type InferAttributes, type InferCreationAttributes, type Sequelize } from 'sequelize';

export class Platform extends Model<InferAttributes<Platform>, InferCreationAttributes<Platform>> {
  declare id: CreationOptional<number>;
  declare platform_name: string;
  declare platform_code: string;
  declare app_id: string | null;
  declare app_secret: string | null;
  declare api_url: string | null;
  declare status: CreationOptional<number>;
  declare config: string | null;
  declare created_at: CreationOptional<Date>;
  declare updated_at: CreationOptional<Date>;
}

export class Voucher extends Model<InferAttributes<Voucher>, InferCreationAttributes<Voucher>> {
  declare id: CreationOptional<number>;
  declare voucher_no: string;
  declare platform_id: number;
  declare platform_order_no: string | null;
  declare voucher_type: number;
  declare product_id: number | null;
  declare product_name: string | null;
  declare original_price: string | null;
  declare paid_price: string | null;
  declare user_phone: string | null;
  declare user_name: string | null;
  declare status: CreationOptional<number>;
  declare expire_date: string | null;
  declare verified_at: CreationOptional<Date | null>;
  declare verified_by: CreationOptional<number | null>;
  declare user_id: CreationOptional<number | null>;
  declare remark: CreationOptional<string | null>;
  declare user_phone_encrypted: string | null;
  declare user_phone_hash: string | null;
  declare platform_deal_id: string | null;
  declare platform_certificate_id: string | null;
  declare platform_verify_id: CreationOptional<string | null>;
  declare created_at: CreationOptional<Date>;
  declare updated_at: CreationOptional<Date>;
}

export class VerificationLog extends Model<InferAttributes<VerificationLog>, InferCreationAttributes<VerificationLog>> {
  declare id: CreationOptional<number>;
  declare voucher_id: number;
  declare operation_type: number;
  declare operator_id: number;
  declare result_type: number | null;
  declare result_id: number | null;
  declare remark: string | null;
  declare effect_days: number | null;
  declare created_at: CreationOptional<Date>;
}

export class GymProduct extends Model<InferAttributes<GymProduct>, InferCreationAttributes<GymProduct>> {
  declare id: CreationOptional<number>;
  declare product_type: number;
  declare name: string;
  declare duration_days: number | null;
  declare sessions: number | null;
  declare class_name: string | null;
  declare created_at: CreationOptional<Date>;
  declare updated_at: CreationOptional<Date>;
}

export class Member extends Model<InferAttributes<Member>, InferCreationAttributes<Member>> {
  declare id: CreationOptional<number>;
  declare name: string | null;
  declare phone_hash: string;
  declare phone_encrypted: string;
  declare phone_masked: string;
  declare source: string | null;
  declare created_at: CreationOptional<Date>;
  declare updated_at: CreationOptional<Date>;
}

export class MemberCard extends Model<InferAttributes<MemberCard>, InferCreationAttributes<MemberCard>> {
  declare id: CreationOptional<number>;
  declare member_id: number;
  declare product_id: number;
  declare card_name: string;
  declare start_date: string;
  declare end_date: string;
  declare status: CreationOptional<number>;
  declare created_at: CreationOptional<Date>;
  declare updated_at: CreationOptional<Date>;
}

export class CourseOrder extends Model<InferAttributes<CourseOrder>, InferCreationAttributes<CourseOrder>> {
  declare id: CreationOptional<number>;
  declare member_id: number;
  declare product_id: number;
  declare course_name: string;
  declare sessions_total: number;
  declare sessions_left: number;
  declare voucher_id: number | null;
  declare status: CreationOptional<number>;
  declare created_at: CreationOptional<Date>;
  declare updated_at: CreationOptional<Date>;
}

export class ClassBooking extends Model<InferAttributes<ClassBooking>, InferCreationAttributes<ClassBooking>> {
  declare id: CreationOptional<number>;
  declare member_id: number;
  declare product_id: number;
  declare class_name: string;
  declare voucher_id: number | null;
  declare status: CreationOptional<number>;
  declare created_at: CreationOptional<Date>;
  declare updated_at: CreationOptional<Date>;
}

export interface VoucherModels {
  Platform: typeof Platform;
  Voucher: typeof Voucher;
  VerificationLog: typeof VerificationLog;
  GymProduct: typeof GymProduct;
  Member: typeof Member;
  MemberCard: typeof MemberCard;
  CourseOrder: typeof CourseOrder;
  ClassBooking: typeof ClassBooking;
}

const id = { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true };
// ids fit in a JS number here; INTEGER keeps them numbers on both dialects when read back
const bigint = (allowNull = false) => ({ type: DataTypes.INTEGER, allowNull });
const str = (n: number, allowNull = true) => ({ type: DataTypes.STRING(n), allowNull });
const options = (sequelize: Sequelize, tableName: string, timestamps: 'both' | 'created' = 'both') => ({
  sequelize,
  tableName,
  underscored: true,
  timestamps: true,
  createdAt: 'created_at',
  updatedAt: timestamps === 'both' ? 'updated_at' : false,
});

export function initModels(sequelize: Sequelize): VoucherModels {
  Platform.init(
    {
      id,
      platform_name: str(50, false),
      platform_code: str(20, false),
      app_id: str(100),
      app_secret: str(255),
      api_url: str(255),
      status: { type: DataTypes.TINYINT, allowNull: false, defaultValue: 1 },
      config: { type: DataTypes.TEXT, allowNull: true },
      created_at: DataTypes.DATE,
      updated_at: DataTypes.DATE,
    },
    options(sequelize, 'third_party_platforms'),
  );
  Voucher.init(
    {
      id,
      voucher_no: str(50, false),
      platform_id: bigint(),
      platform_order_no: str(100),
      voucher_type: { type: DataTypes.TINYINT, allowNull: false },
      product_id: bigint(true),
      product_name: str(100),
      original_price: { type: DataTypes.DECIMAL(10, 2), allowNull: true },
      paid_price: { type: DataTypes.DECIMAL(10, 2), allowNull: true },
      user_phone: str(11),
      user_name: str(50),
      status: { type: DataTypes.TINYINT, allowNull: false, defaultValue: 1 },
      expire_date: { type: DataTypes.DATEONLY, allowNull: true },
      verified_at: { type: DataTypes.DATE, allowNull: true },
      verified_by: bigint(true),
      user_id: bigint(true),
      remark: { type: DataTypes.TEXT, allowNull: true },
      user_phone_encrypted: str(255),
      user_phone_hash: str(64),
      platform_deal_id: str(64),
      platform_certificate_id: str(64),
      platform_verify_id: str(128),
      created_at: DataTypes.DATE,
      updated_at: DataTypes.DATE,
    },
    options(sequelize, 'vouchers'),
  );
  VerificationLog.init(
    {
      id,
      voucher_id: bigint(),
      operation_type: { type: DataTypes.TINYINT, allowNull: false },
      operator_id: bigint(),
      result_type: { type: DataTypes.TINYINT, allowNull: true },
      result_id: bigint(true),
      remark: str(255),
      effect_days: { type: DataTypes.INTEGER, allowNull: true },
      created_at: DataTypes.DATE,
    },
    options(sequelize, 'voucher_verification_logs', 'created'),
  );
  GymProduct.init(
    {
      id,
      product_type: { type: DataTypes.TINYINT, allowNull: false },
      name: str(100, false),
      duration_days: { type: DataTypes.INTEGER, allowNull: true },
      sessions: { type: DataTypes.INTEGER, allowNull: true },
      class_name: str(50),
      created_at: DataTypes.DATE,
      updated_at: DataTypes.DATE,
    },
    options(sequelize, 'gym_products'),
  );
  Member.init(
    {
      id,
      name: str(50),
      phone_hash: str(64, false),
      phone_encrypted: str(255, false),
      phone_masked: str(20, false),
      source: str(20),
      created_at: DataTypes.DATE,
      updated_at: DataTypes.DATE,
    },
    options(sequelize, 'members'),
  );
  MemberCard.init(
    {
      id,
      member_id: bigint(),
      product_id: bigint(),
      card_name: str(100, false),
      start_date: { type: DataTypes.DATEONLY, allowNull: false },
      end_date: { type: DataTypes.DATEONLY, allowNull: false },
      status: { type: DataTypes.TINYINT, allowNull: false, defaultValue: 1 },
      created_at: DataTypes.DATE,
      updated_at: DataTypes.DATE,
    },
    options(sequelize, 'member_cards'),
  );
  CourseOrder.init(
    {
      id,
      member_id: bigint(),
      product_id: bigint(),
      course_name: str(100, false),
      sessions_total: { type: DataTypes.INTEGER, allowNull: false },
      sessions_left: { type: DataTypes.INTEGER, allowNull: false },
      voucher_id: bigint(true),
      status: { type: DataTypes.TINYINT, allowNull: false, defaultValue: 1 },
      created_at: DataTypes.DATE,
      updated_at: DataTypes.DATE,
    },
    options(sequelize, 'course_orders'),
  );
  ClassBooking.init(
    {
      id,
      member_id: bigint(),
      product_id: bigint(),
      class_name: str(100, false),
      voucher_id: bigint(true),
      status: { type: DataTypes.TINYINT, allowNull: false, defaultValue: 1 },
      created_at: DataTypes.DATE,
      updated_at: DataTypes.DATE,
    },
    options(sequelize, 'class_bookings'),
  );
  return { Platform, Voucher, VerificationLog, GymProduct, Member, MemberCard, CourseOrder, ClassBooking };
}
