import { DataTypes } from 'sequelize';
import type { Migration } from '@backoffice/kit';

const uuid = { type: DataTypes.CHAR(36), primaryKey: true };

export const migrations: Migration[] = [
  {
    name: '0001-tickets-schema',
    async up({ queryInterface: qi }) {
      await qi.createTable('technicians', {
        id: uuid,
        name: { type: DataTypes.STRING(50), allowNull: false },
        phone_encrypted: { type: DataTypes.STRING(255), allowNull: false },
        phone_hash: { type: DataTypes.CHAR(64), allowNull: false },
        phone_masked: { type: DataTypes.STRING(20), allowNull: false },
        center_id: { type: DataTypes.STRING(50), allowNull: true },
        skills: { type: DataTypes.STRING(255), allowNull: true },
        is_active: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: true },
        user_id: { type: DataTypes.INTEGER, allowNull: true, unique: true },
        created_at: { type: DataTypes.DATE, allowNull: false },
        updated_at: { type: DataTypes.DATE, allowNull: false },
      });
      await qi.addIndex('technicians', ['center_id', 'is_active']);
      await qi.createTable('tickets', {
        id: uuid,
        ticket_no: { type: DataTypes.STRING(20), allowNull: false, unique: true },
        customer_name: { type: DataTypes.STRING(50), allowNull: false },
        customer_phone_hash: { type: DataTypes.CHAR(64), allowNull: false },
        customer_phone_encrypted: { type: DataTypes.STRING(255), allowNull: false },
        customer_phone_masked: { type: DataTypes.STRING(20), allowNull: false },
        address: { type: DataTypes.STRING(255), allowNull: false },
        appointment_date: { type: DataTypes.DATEONLY, allowNull: false },
        appointment_time: { type: DataTypes.STRING(11), allowNull: false },
        issue_desc: { type: DataTypes.TEXT, allowNull: false },
        center_id: { type: DataTypes.STRING(50), allowNull: true },
        status: { type: DataTypes.STRING(16), allowNull: false },
        technician_id: { type: DataTypes.CHAR(36), allowNull: true, references: { model: 'technicians', key: 'id' } },
        cancel_reason: { type: DataTypes.STRING(255), allowNull: true },
        version: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 1 },
        assigned_at: { type: DataTypes.DATE, allowNull: true },
        completed_at: { type: DataTypes.DATE, allowNull: true },
        created_at: { type: DataTypes.DATE, allowNull: false },
        updated_at: { type: DataTypes.DATE, allowNull: false },
      });
      await qi.addIndex('tickets', ['status']);
      await qi.addIndex('tickets', ['appointment_date']);
      await qi.addIndex('tickets', ['technician_id', 'assigned_at']);
      await qi.addIndex('tickets', ['customer_phone_hash']);
      await qi.createTable('ticket_images', {
        id: uuid,
        ticket_id: { type: DataTypes.CHAR(36), allowNull: false, references: { model: 'tickets', key: 'id' } },
        type: { type: DataTypes.STRING(16), allowNull: false },
        file_path: { type: DataTypes.STRING(255), allowNull: false },
        mime_type: { type: DataTypes.STRING(50), allowNull: false },
        size_bytes: { type: DataTypes.INTEGER, allowNull: false },
        original_name: { type: DataTypes.STRING(255), allowNull: true },
        checksum_sha256: { type: DataTypes.CHAR(64), allowNull: false },
        uploaded_by: { type: DataTypes.INTEGER, allowNull: true },
        created_at: { type: DataTypes.DATE, allowNull: false },
      });
      await qi.addIndex('ticket_images', ['ticket_id', 'checksum_sha256'], { unique: true, name: 'ticket_images_ticket_checksum' });
      await qi.createTable('ticket_events', {
        id: uuid,
        ticket_id: { type: DataTypes.CHAR(36), allowNull: false, references: { model: 'tickets', key: 'id' } },
        action: { type: DataTypes.STRING(32), allowNull: false },
        actor_user_id: { type: DataTypes.INTEGER, allowNull: true },
        details_json: { type: DataTypes.TEXT, allowNull: true },
        created_at: { type: DataTypes.DATE(3), allowNull: false },
      });
      await qi.addIndex('ticket_events', ['ticket_id', 'created_at']);
      // identity's users as this service last heard of them (identity.user.* events)
      await qi.createTable('directory_users', {
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
