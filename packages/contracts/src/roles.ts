import { permissions as p, SUPER_PERMISSION, type Permission } from './permissions.js';

export interface BuiltinRole {
  /** Stable key other services may rely on; never shown to people. */
  code: string;
  /** Display name (role_name). */
  name: string;
  permissions: readonly (Permission | typeof SUPER_PERMISSION)[];
}

const ticketRead = [p.ticketsRead, p.techniciansRead];

/** Seeded at first start; a shop may add roles of its own through /api/roles. */
export const builtinRoles: readonly BuiltinRole[] = [
  { code: 'super_admin', name: '超级管理员', permissions: [SUPER_PERMISSION] },
  {
    code: 'finance',
    name: '财务',
    permissions: [p.writersRead, p.writersSensitive, p.ordersRead, p.ordersWrite, p.ordersSettle, p.ordersExport, p.ordersManage, p.ordersCommissionRule, p.statisticsRead, p.usersListCustomerService],
  },
  // seed 004 十: customer service may also create and delete cases
  { code: 'customer_service', name: '客服', permissions: [p.writersRead, p.ordersRead, p.ordersWrite, p.ordersExportOwn, p.ratingsRead, p.casesRead, p.casesWrite, p.usersListCustomerService] },
  { code: 'quality_inspector', name: '质检', permissions: [p.writersRead, p.ordersRead, p.ratingsRead, p.ratingsWrite, p.casesRead, p.casesWrite, p.usersListCustomerService] },
  {
    code: 'supervisor',
    name: '主管',
    permissions: [p.usersRead, p.writersRead, p.writersWrite, p.ordersRead, p.ordersWrite, p.ordersManage, p.ratingsRead, p.ratingsWrite, p.casesRead, p.casesWrite, p.statisticsRead, p.usersListCustomerService],
  },
  // seed 002: admin has every ticket permission; agent read/write/upload; ops_manager read/assign/complete
  { code: 'admin', name: '工单管理员', permissions: [...ticketRead, p.ticketsWrite, p.ticketsAssign, p.ticketsComplete, p.ticketsUpload, p.techniciansWrite] },
  { code: 'agent', name: '工单客服', permissions: [...ticketRead, p.ticketsWrite, p.ticketsUpload] },
  { code: 'ops_manager', name: '运维主管', permissions: [...ticketRead, p.ticketsAssign, p.ticketsComplete] },
  { code: 'technician', name: '技师', permissions: [p.ticketsOwn, p.ticketsUpload] },
  // accounts opened for writers (POST /api/writers/:id/account); a shop grants what writers may see
  { code: 'writer', name: '写手', permissions: [] },
  { code: 'front_desk', name: '前台', permissions: [p.vouchersRead, p.vouchersVerify] },
  { code: 'gym_manager', name: '店长', permissions: [p.vouchersRead, p.vouchersVerify, p.vouchersCancel, p.vouchersStats, p.platformsManage] },
  { code: 'virtual_customer_service', name: '虚拟订单专用客服', permissions: [p.virtualOwnTasks] },
  // seed 003: the PDD shop's operator runs stock, delivery and verification
  { code: 'pdd_operator', name: '拼多多店铺运营', permissions: [p.pddRead, p.pddVerify, p.pddManage] },
  { code: 'virtual_manager', name: '虚拟订单管理员', permissions: [p.virtualRead, p.virtualWrite] },
];

export const roleCodes = {
  superAdmin: 'super_admin',
  customerService: 'customer_service',
  writer: 'writer',
  technician: 'technician',
  virtualCustomerService: 'virtual_customer_service',
} as const;
