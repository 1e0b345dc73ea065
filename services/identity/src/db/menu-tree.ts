/** The menu tree seeded at first start: one branch per module of the system. */
export interface MenuSeed {
  name: string;
  path: string;
  icon?: string;
  /** Built-in role codes that see this branch (the super admin sees everything). */
  roles?: string[];
  children?: MenuSeed[];
}

export const menuTree: MenuSeed[] = [
  {
    name: '系统管理',
    path: '/system',
    icon: 'setting',
    children: [
      { name: '用户管理', path: '/system/users' },
      { name: '角色管理', path: '/system/roles' },
      { name: '菜单管理', path: '/system/menus' },
    ],
  },
  {
    name: '写作业务',
    path: '/writing',
    icon: 'edit',
    roles: ['finance', 'customer_service', 'quality_inspector', 'supervisor'],
    children: [
      { name: '写手管理', path: '/writing/writers' },
      { name: '订单总表', path: '/writing/orders' },
      { name: '客服订单', path: '/writing/customer-orders' },
      { name: '写手评分', path: '/writing/writer-ratings' },
      { name: '案例库', path: '/writing/cases' },
      { name: '数据统计', path: '/writing/statistics' },
    ],
  },
  {
    name: '虚拟订单',
    path: '/virtual-orders',
    icon: 'gift',
    roles: ['virtual_customer_service'],
    children: [
      { name: '学生补贴', path: '/virtual-orders/subsidies' },
      { name: '虚拟任务', path: '/virtual-orders/tasks' },
      { name: '专用客服', path: '/virtual-orders/customer-service' },
    ],
  },
  {
    name: '券核销',
    path: '/vouchers',
    icon: 'ticket',
    roles: ['front_desk'],
    children: [
      { name: '券码核销', path: '/vouchers/verify' },
      { name: '核销记录', path: '/vouchers/records' },
      { name: '平台配置', path: '/vouchers/platforms' },
      { name: '核销统计', path: '/vouchers/statistics' },
    ],
  },
  {
    name: '工单管理',
    path: '/tickets',
    icon: 'tool',
    roles: ['admin', 'agent', 'ops_manager', 'technician'],
    children: [
      { name: '工单列表', path: '/admin/tickets' },
      { name: '我的工单', path: '/admin/my-jobs' },
      { name: '技师管理', path: '/tickets/technicians' },
    ],
  },
  {
    name: '拼多多发货',
    path: '/pdd',
    icon: 'shop',
    children: [
      { name: '订单监控', path: '/pdd/orders' },
      { name: '卡密管理', path: '/pdd/card-codes' },
      { name: '核销记录', path: '/pdd/verifications' },
    ],
  },
];
