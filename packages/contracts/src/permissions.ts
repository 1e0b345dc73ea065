/**
 * Permission strings carried in access tokens. A route names exactly one; a role is a set of them.
 * `*` (super admin only) grants every permission.
 */
export const permissions = {
  // identity
  usersRead: 'users.read',
  usersWrite: 'users.write',
  usersListCustomerService: 'users.list-cs',
  rolesRead: 'roles.read',
  rolesWrite: 'roles.write',
  menusRead: 'menus.read',
  menusWrite: 'menus.write',
  // writing studio
  writersRead: 'writers.read',
  writersWrite: 'writers.write',
  /** See writers' ID numbers and Alipay accounts unmasked. */
  writersSensitive: 'writers.sensitive',
  ordersRead: 'orders.read',
  ordersWrite: 'orders.write',
  ordersSettle: 'orders.settle',
  ordersExport: 'orders.export',
  /** Export the customer orders one entered oneself (customer service). */
  ordersExportOwn: 'orders.export-own',
  /** Edit any customer order, and change 定稿 of orders whose fee is 100 or more (管理/财务). */
  ordersManage: 'orders.manage',
  /** Read and change the commission rule. */
  ordersCommissionRule: 'orders.commission-rule',
  ratingsRead: 'ratings.read',
  ratingsWrite: 'ratings.write',
  casesRead: 'cases.read',
  casesWrite: 'cases.write',
  statisticsRead: 'statistics.read',
  // virtual orders
  virtualRead: 'virtual.read',
  virtualWrite: 'virtual.write',
  virtualOwnTasks: 'virtual.own-tasks',
  // vouchers
  vouchersRead: 'vouchers.read',
  vouchersVerify: 'vouchers.verify',
  vouchersCancel: 'vouchers.cancel',
  platformsManage: 'platforms.manage',
  vouchersStats: 'vouchers.stats',
  // tickets (seed 002)
  ticketsRead: 'tickets.read',
  ticketsWrite: 'tickets.write',
  ticketsAssign: 'tickets.assign',
  ticketsComplete: 'tickets.complete',
  ticketsUpload: 'tickets.upload',
  /** Read and work the tickets assigned to oneself (technicians). */
  ticketsOwn: 'tickets.own',
  techniciansRead: 'technicians.read',
  techniciansWrite: 'technicians.write',
  // pdd
  pddRead: 'pdd.read',
  pddVerify: 'pdd.verify',
  pddManage: 'pdd.manage',
} as const;

export type Permission = (typeof permissions)[keyof typeof permissions];
export const allPermissions: readonly Permission[] = Object.values(permissions);
export const SUPER_PERMISSION = '*';

export function hasPermission(granted: readonly string[], needed: string): boolean {
  return granted.includes(SUPER_PERMISSION) || granted.includes(needed);
}
