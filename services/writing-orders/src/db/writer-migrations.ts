import type { Migration } from '@backoffice/kit';
import { DataTypes } from 'sequelize';

const autoId = { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true };

export const writerMigrations: Migration[] = [
  {
    name: '0001-writers-ratings-cases',
    async up({ queryInterface: qi }) {
      // named counters taken in the same transaction as the row they number (writer ids per day, case ids)
      await qi.createTable('writer_sequences', {
        name: { type: DataTypes.STRING(32), primaryKey: true },
        value: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
      });
      await qi.createTable('writers', {
        id: autoId,
        writer_id: { type: DataTypes.STRING(16), allowNull: false, unique: true },
        name: { type: DataTypes.STRING(50), allowNull: false },
        education: { type: DataTypes.STRING(50), allowNull: false },
        major: { type: DataTypes.STRING(100), allowNull: false },
        writing_experience: { type: DataTypes.STRING(20), allowNull: false },
        specialized_content: { type: DataTypes.TEXT, allowNull: true },
        phone_1: { type: DataTypes.STRING(20), allowNull: true },
        phone_2: { type: DataTypes.STRING(20), allowNull: true },
        alipay_name: { type: DataTypes.STRING(50), allowNull: true },
        alipay_account_encrypted: { type: DataTypes.STRING(512), allowNull: true },
        alipay_account_masked: { type: DataTypes.STRING(120), allowNull: true },
        id_number_encrypted: { type: DataTypes.STRING(255), allowNull: true },
        id_number_masked: { type: DataTypes.STRING(32), allowNull: true },
        ip_address: { type: DataTypes.STRING(64), allowNull: true },
        starred: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: false },
        processed: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: false },
        user_id: { type: DataTypes.INTEGER, allowNull: true, unique: true },
        created_time: { type: DataTypes.DATE, allowNull: false },
        created_by: { type: DataTypes.STRING(50), allowNull: true },
        last_modified_time: { type: DataTypes.DATE, allowNull: false },
        last_modified_by: { type: DataTypes.STRING(50), allowNull: true },
      });
      await qi.addIndex('writers', ['name']);
      await qi.createTable('writer_ratings', {
        id: autoId,
        writer_id: { type: DataTypes.INTEGER, allowNull: false, references: { model: 'writers', key: 'id' }, onDelete: 'CASCADE' },
        date: { type: DataTypes.DATEONLY, allowNull: false },
        score: { type: DataTypes.DECIMAL(3, 1), allowNull: false },
        comment: { type: DataTypes.TEXT, allowNull: false },
        quality_inspector_id: { type: DataTypes.INTEGER, allowNull: false },
        quality_inspector_name: { type: DataTypes.STRING(50), allowNull: false },
        created_at: { type: DataTypes.DATE, allowNull: false },
        updated_at: { type: DataTypes.DATE, allowNull: false },
      });
      await qi.addIndex('writer_ratings', ['writer_id', 'date'], { unique: true, name: 'writer_ratings_writer_date' });
      await qi.addIndex('writer_ratings', ['date']);
      await qi.createTable('cases', {
        id: { type: DataTypes.STRING(20), primaryKey: true },
        seq: { type: DataTypes.INTEGER, allowNull: false, unique: true },
        case_type: { type: DataTypes.STRING(50), allowNull: false },
        title: { type: DataTypes.STRING(200), allowNull: false },
        content: { type: DataTypes.TEXT, allowNull: false },
        creator_id: { type: DataTypes.INTEGER, allowNull: false },
        creator_name: { type: DataTypes.STRING(50), allowNull: false },
        created_at: { type: DataTypes.DATE, allowNull: false },
        updated_at: { type: DataTypes.DATE, allowNull: false },
      });
      await qi.addIndex('cases', ['case_type']);
      await qi.createTable('case_images', {
        id: autoId,
        case_id: { type: DataTypes.STRING(20), allowNull: false, references: { model: 'cases', key: 'id' }, onDelete: 'CASCADE' },
        position: { type: DataTypes.INTEGER, allowNull: false },
        file_path: { type: DataTypes.STRING(255), allowNull: false, unique: true },
        mime_type: { type: DataTypes.STRING(50), allowNull: false },
        size_bytes: { type: DataTypes.INTEGER, allowNull: false },
        created_at: { type: DataTypes.DATE, allowNull: false },
      });
      await qi.addIndex('case_images', ['case_id', 'position']);
    },
  },
];
