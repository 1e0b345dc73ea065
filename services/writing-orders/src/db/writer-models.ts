import { DataTypes, Model, type CreationOptional, type InferAttributes, type InferCreationAttributes, type Sequelize } from 'sequelize';

export class Writer extends Model<InferAttributes<Writer>, InferCreationAttributes<Writer>> {
  declare id: CreationOptional<number>;
  declare writer_id: string;
  declare name: string;
  declare education: string;
  declare major: string;
  declare writing_experience: string;
  declare specialized_content: string | null;
  declare phone_1: string | null;
  declare phone_2: string | null;
  declare alipay_name: string | null;
  declare alipay_account_encrypted: string | null;
  declare alipay_account_masked: string | null;
  declare id_number_encrypted: string | null;
  declare id_number_masked: string | null;
  declare ip_address: string | null;
  declare starred: CreationOptional<boolean>;
  declare processed: CreationOptional<boolean>;
  declare user_id: CreationOptional<number | null>;
  declare created_time: CreationOptional<Date>;
  declare created_by: string | null;
  declare last_modified_time: CreationOptional<Date>;
  declare last_modified_by: string | null;
}

export class WriterRating extends Model<InferAttributes<WriterRating>, InferCreationAttributes<WriterRating>> {
  declare id: CreationOptional<number>;
  declare writer_id: number;
  declare date: string;
  /** DECIMAL(3,1): a string from MySQL, a number from SQLite. */
  declare score: string | number;
  declare comment: string;
  declare quality_inspector_id: number;
  declare quality_inspector_name: string;
  declare created_at: CreationOptional<Date>;
  declare updated_at: CreationOptional<Date>;
  declare writer?: Writer;
}

export class Case extends Model<InferAttributes<Case>, InferCreationAttributes<Case>> {
  declare id: string;
  declare seq: number;
  declare case_type: string;
  declare title: string;
  declare content: string;
  declare creator_id: number;
  declare creator_name: string;
  declare created_at: CreationOptional<Date>;
  declare updated_at: CreationOptional<Date>;
  declare images?: CaseImage[];
}

export class CaseImage extends Model<InferAttributes<CaseImage>, InferCreationAttributes<CaseImage>> {
  declare id: CreationOptional<number>;
  declare case_id: string;
  declare position: number;
  declare file_path: string;
  declare mime_type: string;
  declare size_bytes: number;
  declare created_at: CreationOptional<Date>;
}

export interface WriterModels {
  Writer: typeof Writer;
  WriterRating: typeof WriterRating;
  Case: typeof Case;
  CaseImage: typeof CaseImage;
}

const autoId = { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true };

export function initWriterModels(sequelize: Sequelize): WriterModels {
  Writer.init(
    {
      id: autoId,
      writer_id: DataTypes.STRING(16),
      name: DataTypes.STRING(50),
      education: DataTypes.STRING(50),
      major: DataTypes.STRING(100),
      writing_experience: DataTypes.STRING(20),
      specialized_content: DataTypes.TEXT,
      phone_1: DataTypes.STRING(20),
      phone_2: DataTypes.STRING(20),
      alipay_name: DataTypes.STRING(50),
      alipay_account_encrypted: DataTypes.STRING(512),
      alipay_account_masked: DataTypes.STRING(120),
      id_number_encrypted: DataTypes.STRING(255),
      id_number_masked: DataTypes.STRING(32),
      ip_address: DataTypes.STRING(64),
      starred: { type: DataTypes.BOOLEAN, defaultValue: false },
      processed: { type: DataTypes.BOOLEAN, defaultValue: false },
      user_id: DataTypes.INTEGER,
      created_time: DataTypes.DATE,
      created_by: DataTypes.STRING(50),
      last_modified_time: DataTypes.DATE,
      last_modified_by: DataTypes.STRING(50),
    },
    { sequelize, tableName: 'writers', createdAt: 'created_time', updatedAt: 'last_modified_time' },
  );
  WriterRating.init(
    {
      id: autoId,
      writer_id: DataTypes.INTEGER,
      date: DataTypes.DATEONLY,
      score: DataTypes.DECIMAL(3, 1),
      comment: DataTypes.TEXT,
      quality_inspector_id: DataTypes.INTEGER,
      quality_inspector_name: DataTypes.STRING(50),
      created_at: DataTypes.DATE,
      updated_at: DataTypes.DATE,
    },
    { sequelize, tableName: 'writer_ratings', createdAt: 'created_at', updatedAt: 'updated_at' },
  );
  Case.init(
    {
      id: { type: DataTypes.STRING(20), primaryKey: true },
      seq: DataTypes.INTEGER,
      case_type: DataTypes.STRING(50),
      title: DataTypes.STRING(200),
      content: DataTypes.TEXT,
      creator_id: DataTypes.INTEGER,
      creator_name: DataTypes.STRING(50),
      created_at: DataTypes.DATE,
      updated_at: DataTypes.DATE,
    },
    { sequelize, tableName: 'cases', createdAt: 'created_at', updatedAt: 'updated_at' },
  );
  CaseImage.init(
    {
      id: autoId,
      case_id: DataTypes.STRING(20),
      position: DataTypes.INTEGER,
      file_path: DataTypes.STRING(255),
      mime_type: DataTypes.STRING(50),
      size_bytes: DataTypes.INTEGER,
      created_at: DataTypes.DATE,
    },
    { sequelize, tableName: 'case_images', createdAt: 'created_at', updatedAt: false },
  );
  WriterRating.belongsTo(Writer, { foreignKey: 'writer_id', as: 'writer' });
  Case.hasMany(CaseImage, { foreignKey: 'case_id', as: 'images' });
  return { Writer, WriterRating, Case, CaseImage };
}
