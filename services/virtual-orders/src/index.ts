export { createVirtualOrdersService, virtualOrdersService, EXPIRY_JOB, REPORT_JOB, type VirtualOrdersOptions } from './service.js';
export { allocateAmounts, seededRandom, UNIT_FEN } from './domain/allocation.js';
export { newOrderNumber, ORDER_NUMBER_ALPHABET, ORDER_NUMBER_LENGTH, ORDER_NUMBER_PATTERN } from './domain/order-number.js';
export { TaskWriter, TASK_INSERT_HEAD } from './db/task-writer.js';
export { Sql } from './db/sql.js';
export { writeIncomeWorkbook } from './files/income-export.js';
export { migrations } from './db/migrations.js';
export { SubsidyImports } from './db/subsidy-import.js';
export { taskTemplate, virtualOrdersConfigSchema } from './config.js';
