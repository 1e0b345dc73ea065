import { DataTypes, Model, type CreationOptional, type InferAttributes, type InferCreationAttributes, type Sequelize } from 'sequelize';
import type { TicketStatus } from '../domain/ticket-status.js';

export class Technician extends Model<InferAttributes<Technician>, InferCreationAttributes<Technician>> {
  declare id: string;
  declare name: string;
  declare phone_encrypted: string;
  declare phone_hash: string;
  declare phone_masked: string;
  declare center_id: string | null;
  declare skills: string | null;
  declare is_active: boolean;
  declare user_id: number | null;
  declare created_at: CreationOptional<Date>;
  declare updated_at: CreationOptional<Date>;
}

export class Ticket extends Model<InferAttributes<Ticket>, InferCreationAttributes<Ticket>> {
  declare id: string;
  declare ticket_no: string;
  declare customer_name: string;
  declare customer_phone_hash: string;
  declare customer_phone_encrypted: string;
  declare customer_phone_masked: string;
  declare address: string;
  declare appointment_date: string;
  declare appointment_time: string;
  declare issue_desc: string;
  declare center_id: string | null;
  declare status: TicketStatus;
  declare technician_id: string | null;
  declare cancel_reason: CreationOptional<string | null>;
  declare version: CreationOptional<number>;
  declare assigned_at: CreationOptional<Date | null>;
  declare completed_at: CreationOptional<Date | null>;
  declare created_at: CreationOptional<Date>;
  declare updated_at: CreationOptional<Date>;
}

export class TicketImage extends Model<InferAttributes<TicketImage>, InferCreationAttributes<TicketImage>> {
  declare id: string;
  declare ticket_id: string;
  declare type: 'RECEIPT';
  declare file_path: string;
  declare mime_type: string;
  declare size_bytes: number;
  declare original_name: string | null;
  declare checksum_sha256: string;
  declare uploaded_by: number | null;
  declare created_at: CreationOptional<Date>;
}

export class TicketEvent extends Model<InferAttributes<TicketEvent>, InferCreationAttributes<TicketEvent>> {
  declare id: string;
  declare ticket_id: string;
  declare action: string;
  declare actor_user_id: number | null;
  declare details_json: string | null;
  declare created_at: CreationOptional<Date>;
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

export interface TicketModels {
  Technician: typeof Technician;
  Ticket: typeof Ticket;
  TicketImage: typeof TicketImage;
  TicketEvent: typeof TicketEvent;
  DirectoryUser: typeof DirectoryUser;
}

const uuid = { type: DataTypes.CHAR(36), primaryKey: true };
const stamps = { createdAt: 'created_at', updatedAt: 'updated_at' } as const;

export function initModels(sequelize: Sequelize): TicketModels {
  Technician.init(
    {
      id: uuid,
      name: DataTypes.STRING(50),
      phone_encrypted: DataTypes.STRING(255),
      phone_hash: DataTypes.CHAR(64),
      phone_masked: DataTypes.STRING(20),
      center_id: DataTypes.STRING(50),
      skills: DataTypes.STRING(255),
      is_active: DataTypes.BOOLEAN,
      user_id: DataTypes.INTEGER,
      created_at: DataTypes.DATE,
      updated_at: DataTypes.DATE,
    },
    { sequelize, tableName: 'technicians', ...stamps },
  );
  Ticket.init(
    {
      id: uuid,
      ticket_no: DataTypes.STRING(20),
      customer_name: DataTypes.STRING(50),
      customer_phone_hash: DataTypes.CHAR(64),
      customer_phone_encrypted: DataTypes.STRING(255),
      customer_phone_masked: DataTypes.STRING(20),
      address: DataTypes.STRING(255),
      appointment_date: DataTypes.DATEONLY,
      appointment_time: DataTypes.STRING(11),
      issue_desc: DataTypes.TEXT,
      center_id: DataTypes.STRING(50),
      status: DataTypes.STRING(16),
      technician_id: DataTypes.CHAR(36),
      cancel_reason: DataTypes.STRING(255),
      version: DataTypes.INTEGER,
      assigned_at: DataTypes.DATE,
      completed_at: DataTypes.DATE,
      created_at: DataTypes.DATE,
      updated_at: DataTypes.DATE,
    },
    { sequelize, tableName: 'tickets', ...stamps },
  );
  TicketImage.init(
    {
      id: uuid,
      ticket_id: DataTypes.CHAR(36),
      type: DataTypes.STRING(16),
      file_path: DataTypes.STRING(255),
      mime_type: DataTypes.STRING(50),
      size_bytes: DataTypes.INTEGER,
      original_name: DataTypes.STRING(255),
      checksum_sha256: DataTypes.CHAR(64),
      uploaded_by: DataTypes.INTEGER,
      created_at: DataTypes.DATE,
    },
    { sequelize, tableName: 'ticket_images', createdAt: 'created_at', updatedAt: false },
  );
  TicketEvent.init(
    {
      id: uuid,
      ticket_id: DataTypes.CHAR(36),
      action: DataTypes.STRING(32),
      actor_user_id: DataTypes.INTEGER,
      details_json: DataTypes.TEXT,
      created_at: DataTypes.DATE(3),
    },
    { sequelize, tableName: 'ticket_events', createdAt: 'created_at', updatedAt: false },
  );
  DirectoryUser.init(
    {
      id: { type: DataTypes.INTEGER, primaryKey: true },
      username: DataTypes.STRING(50),
      real_name: DataTypes.STRING(50),
      role: DataTypes.STRING(50),
      status: DataTypes.TINYINT,
      deleted: DataTypes.BOOLEAN,
      updated_at: DataTypes.DATE,
    },
    { sequelize, tableName: 'directory_users', createdAt: false, updatedAt: 'updated_at' },
  );
  Ticket.belongsTo(Technician, { foreignKey: 'technician_id', as: 'technician' });
  return { Technician, Ticket, TicketImage, TicketEvent, DirectoryUser };
}
