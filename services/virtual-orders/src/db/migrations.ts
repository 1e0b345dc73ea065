import { DataTypes } from 'sequelize';
import type { Migration } from '@backoffice/kit';

const money = { type: DataTypes.DECIMAL(12, 2), allowNull: false, defaultValue: 0 };
const count = { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 };
const stamp = { type: DataTypes.DATE, allowNull: false };

export const migrations: Migration[] = [
  {
    name: '0001-virtual-orders-schema',
    async up({ queryInterface: qi }) {
      await qi.createTable('virtual_students', {
        id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
        name: { type: DataTypes.STRING(50), allowNull: false, unique: true },
        /** The subsidy file's other columns (学号, 班级, 手机号 …) as the last import gave them. */
        info_json: { type: DataTypes.TEXT, allowNull: false },
        created_at: stamp,
        updated_at: stamp,
      });
      // seed 000: virtual_order_pool, one per student
      await qi.createTable('virtual_order_pool', {
        id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
        student_id: { type: DataTypes.INTEGER, allowNull: false, unique: true, references: { model: 'virtual_students', key: 'id' } },
        total_amount: money,
        allocated_amount: money,
        completed_amount: money,
        remaining_amount: money,
        task_count: count,
        completed_count: count,
        status: { type: DataTypes.STRING(12), allowNull: false, defaultValue: 'active' },
        valid_until: { type: DataTypes.DATE, allowNull: true },
        created_at: stamp,
        updated_at: stamp,
      });
      await qi.addIndex('virtual_order_pool', ['status']);
      // seed 000: the tasks table with is_virtual
      await qi.createTable('tasks', {
        id: { type: DataTypes.BIGINT, primaryKey: true, autoIncrement: true },
        order_number: { type: DataTypes.CHAR(10), allowNull: false, unique: true },
        is_virtual: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: true },
        source: { type: DataTypes.STRING(20), allowNull: false },
        summary: { type: DataTypes.STRING(100), allowNull: false },
        requirement: { type: DataTypes.STRING(500), allowNull: false },
        amount: { type: DataTypes.DECIMAL(10, 2), allowNull: false },
        commission_unit: { type: DataTypes.STRING(8), allowNull: false },
        student_id: { type: DataTypes.INTEGER, allowNull: false },
        pool_id: { type: DataTypes.INTEGER, allowNull: false },
        status: { type: DataTypes.STRING(12), allowNull: false },
        accepted_by: { type: DataTypes.INTEGER, allowNull: true },
        accepted_at: { type: DataTypes.DATE, allowNull: true },
        completed_at: { type: DataTypes.DATE, allowNull: true },
        end_date: stamp,
        delivery_date: stamp,
        created_at: stamp,
      });
      await qi.addIndex('tasks', ['status', 'created_at']);
      await qi.addIndex('tasks', ['pool_id', 'status']);
      await qi.addIndex('tasks', ['student_id']);
      await qi.addIndex('tasks', ['accepted_by']);
      await qi.createTable('virtual_imports', {
        id: { type: DataTypes.CHAR(36), primaryKey: true },
        kind: { type: DataTypes.STRING(20), allowNull: false },
        file_sha256: { type: DataTypes.CHAR(64), allowNull: false },
        idempotency_key: { type: DataTypes.STRING(100), allowNull: true, unique: true },
        file_name: { type: DataTypes.STRING(255), allowNull: true },
        state: { type: DataTypes.STRING(12), allowNull: false },
        rows_read: count,
        rows_accepted: count,
        rows_rejected: count,
        rows_skipped: count,
        /** The last file row whose effect is committed: a failed import resumes after it. */
        committed_through: count,
        total_amount: money,
        tasks_generated: count,
        error_message: { type: DataTypes.STRING(500), allowNull: true },
        created_by: { type: DataTypes.INTEGER, allowNull: true },
        created_at: stamp,
        updated_at: stamp,
        finished_at: { type: DataTypes.DATE, allowNull: true },
      });
      await qi.addIndex('virtual_imports', ['kind', 'file_sha256'], { unique: true, name: 'virtual_imports_kind_file' });
      await qi.createTable('virtual_import_errors', {
        import_id: { type: DataTypes.CHAR(36), primaryKey: true },
        row_no: { type: DataTypes.INTEGER, primaryKey: true },
        reason: { type: DataTypes.STRING(255), allowNull: false },
      });
      await qi.createTable('virtual_cs_accounts', {
        user_id: { type: DataTypes.INTEGER, primaryKey: true },
        account: { type: DataTypes.STRING(50), allowNull: false, unique: true },
        name: { type: DataTypes.STRING(50), allowNull: false },
        phone_encrypted: { type: DataTypes.STRING(255), allowNull: true },
        phone_masked: { type: DataTypes.STRING(20), allowNull: true },
        id_card_encrypted: { type: DataTypes.STRING(255), allowNull: true },
        id_card_masked: { type: DataTypes.STRING(20), allowNull: true },
        deleted_at: { type: DataTypes.DATE, allowNull: true },
        created_at: stamp,
        updated_at: stamp,
      });
      // what happened per business day, for the daily report (tasks are deleted on expiry)
      await qi.createTable('virtual_daily_counters', {
        day: { type: DataTypes.STRING(10), primaryKey: true },
        tasks_generated: count,
        tasks_expired: count,
        tasks_completed: count,
      });
      await qi.createTable('virtual_order_reports', {
        id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
        report_date: { type: DataTypes.STRING(10), allowNull: false, unique: true },
        total_students: count,
        total_subsidy_amount: money,
        tasks_generated: count,
        tasks_completed: count,
        tasks_expired: count,
        open_tasks: count,
        accepted_tasks: count,
        total_tasks: count,
        completed_tasks: count,
        completion_rate: { type: DataTypes.DECIMAL(5, 2), allowNull: false, defaultValue: 0 },
        pools_active: count,
        pools_completed: count,
        pools_expired: count,
        remaining_amount: money,
        created_at: stamp,
      });
    },
  },
];
