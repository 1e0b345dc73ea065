import { forbidden, hasPermission, SUPER_PERMISSION } from '@backoffice/contracts';

/**
 * No one grants more than they hold. A caller's permissions decide which roles they may define and
 * assign and which accounts they may manage; the super admin (`*`) is touched only by a super admin,
 * and at least one active super admin always remains. Every refusal is a 403.
 */

export const isSuperRole = (rolePermissions: readonly string[]) => rolePermissions.includes(SUPER_PERMISSION);

/** The permissions in `wanted` the caller does not hold (in the order asked, once each). */
export function missingPermissions(caller: readonly string[], wanted: readonly string[]): string[] {
  return [...new Set(wanted)].filter((p) => !hasPermission(caller, p));
}

const list = (perms: string[]) => perms.join('、');

/** Creating a role (`current` absent) or editing one: the caller must hold every permission it has and will have. */
export function assertMayDefineRole(caller: readonly string[], role: { current?: readonly string[]; next: readonly string[] }): void {
  if ((isSuperRole(role.next) || (role.current && isSuperRole(role.current))) && !isSuperRole(caller)) {
    throw forbidden('只有超级管理员可以创建或修改超级管理员角色', 'SUPER_ADMIN_ONLY');
  }
  const held = missingPermissions(caller, role.current ?? []);
  if (held.length) throw forbidden(`不能修改或删除拥有自己没有的权限的角色（缺少：${list(held)}）`, 'ROLE_EXCEEDS_CALLER');
  const granted = missingPermissions(caller, role.next);
  if (granted.length) throw forbidden(`不能授予自己没有的权限：${list(granted)}`, 'PERMISSION_NOT_HELD');
}

/** Giving a role to a user (create or update): the caller must hold every permission of that role. */
export function assertMayAssignRole(caller: readonly string[], rolePermissions: readonly string[]): void {
  if (isSuperRole(rolePermissions) && !isSuperRole(caller)) throw forbidden('只有超级管理员可以分配超级管理员角色', 'SUPER_ADMIN_ONLY');
  const missing = missingPermissions(caller, rolePermissions);
  if (missing.length) throw forbidden(`不能分配超出自身权限的角色（缺少：${list(missing)}）`, 'ROLE_EXCEEDS_CALLER');
}

/**
 * Changing, disabling, deleting or resetting the password of an account: the caller must hold every
 * permission of the account's role (otherwise a password reset would hand the caller that account).
 */
export function assertMayManageUser(caller: readonly string[], targetRolePermissions: readonly string[]): void {
  if (isSuperRole(targetRolePermissions) && !isSuperRole(caller)) {
    throw forbidden('只有超级管理员可以修改、禁用、删除超级管理员或重置其密码', 'SUPER_ADMIN_ONLY');
  }
  const missing = missingPermissions(caller, targetRolePermissions);
  if (missing.length) throw forbidden(`不能修改权限高于自己的用户（缺少：${list(missing)}）`, 'USER_EXCEEDS_CALLER');
}

export interface AccountState {
  super: boolean;
  active: boolean;
}

/** Whether a change takes an account out of the set of active super admins. */
export function leavesActiveSuperAdmins(before: AccountState, after: AccountState | 'deleted'): boolean {
  if (!before.super || !before.active) return false;
  return after === 'deleted' || !after.super || !after.active;
}

/** `activeSuperAdmins` counted (and locked) in the transaction of the change, before it. */
export function assertKeepsASuperAdmin(activeSuperAdmins: number, before: AccountState, after: AccountState | 'deleted'): void {
  if (leavesActiveSuperAdmins(before, after) && activeSuperAdmins <= 1) {
    throw forbidden('必须至少保留一个启用的超级管理员，不能禁用、删除或降级最后一个超级管理员', 'LAST_SUPER_ADMIN');
  }
}
