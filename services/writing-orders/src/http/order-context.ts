import { hasPermission, permissions, SUPER_PERMISSION, type AuthUser } from '@backoffice/contracts';
import type { CustomerOrderStore, Actor } from '../db/customer-order-store.js';
import type { OrderModels } from '../db/order-models.js';
import type { PaidOrderStore } from '../db/paid-order-store.js';
import type { WritingDeps } from './context.js';

/** What the orders-area routers share. */
export interface OrderDeps extends WritingDeps {
  models: OrderModels;
  customerOrders: CustomerOrderStore;
  paidOrders: PaidOrderStore;
  /** Clear Alipay account of a writer from the writers area's encrypted column (finance exports). */
  revealAccount: (encrypted: string | null) => string | null;
}

export const FINANCE_ONLY = '您没有权限执行此操作，仅限超级管理员和财务角色';

export function actorOf(user: AuthUser): Actor {
  return {
    userId: user.id,
    manages: hasPermission(user.permissions, permissions.ordersManage),
    settles: hasPermission(user.permissions, permissions.ordersSettle),
    superAdmin: user.permissions.includes(SUPER_PERMISSION),
  };
}
