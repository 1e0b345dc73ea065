import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { AppError } from '@backoffice/contracts';
import {
  assertKeepsASuperAdmin,
  assertMayAssignRole,
  assertMayDefineRole,
  assertMayManageUser,
  leavesActiveSuperAdmins,
  missingPermissions,
} from '../src/domain/grants.js';

const hr = ['users.read', 'users.write', 'roles.read', 'roles.write'];
const refused = (reason: string, message?: RegExp) => (err: unknown) =>
  err instanceof AppError && err.status === 403 && err.reason === reason && (!message || message.test(err.message));

test('missing permissions: what is asked and not held, once each; `*` holds everything', () => {
  assert.deepEqual(missingPermissions(hr, ['users.read', 'orders.settle', 'tickets.write', 'orders.settle']), ['orders.settle', 'tickets.write']);
  assert.deepEqual(missingPermissions(['*'], ['orders.settle', '*']), []);
  assert.deepEqual(missingPermissions(hr, ['*']), ['*']);
});

test('a role may only be created or edited with permissions the caller holds', () => {
  assert.doesNotThrow(() => assertMayDefineRole(hr, { next: ['users.read', 'roles.read'] }));
  assert.throws(() => assertMayDefineRole(hr, { next: ['tickets.write', 'orders.settle'] }), refused('PERMISSION_NOT_HELD', /不能授予自己没有的权限：tickets.write、orders.settle/));
  // editing (or deleting) a role that has more than the caller holds, even without adding anything
  assert.throws(() => assertMayDefineRole(hr, { current: ['orders.settle'], next: ['orders.settle'] }), refused('ROLE_EXCEEDS_CALLER', /orders.settle/));
  assert.throws(() => assertMayDefineRole(hr, { current: ['users.read', 'orders.settle'], next: [] }), refused('ROLE_EXCEEDS_CALLER'));
  assert.throws(() => assertMayDefineRole(hr, { current: ['*'], next: ['*'] }), refused('SUPER_ADMIN_ONLY', /只有超级管理员/));
  assert.throws(() => assertMayDefineRole(hr, { next: ['*'] }), refused('SUPER_ADMIN_ONLY'));
  assert.doesNotThrow(() => assertMayDefineRole(['*'], { current: ['*'], next: ['*'] }));
  assert.doesNotThrow(() => assertMayDefineRole(['*'], { next: ['orders.settle'] }));
});

test('a role may only be assigned by someone who holds all of it; the super-admin role only by a super admin', () => {
  assert.doesNotThrow(() => assertMayAssignRole(hr, ['users.read']));
  assert.doesNotThrow(() => assertMayAssignRole(hr, []));
  assert.throws(() => assertMayAssignRole(hr, ['*']), refused('SUPER_ADMIN_ONLY', /只有超级管理员可以分配超级管理员角色/));
  assert.throws(() => assertMayAssignRole(hr, ['users.read', 'orders.settle']), refused('ROLE_EXCEEDS_CALLER', /缺少：orders.settle/));
  assert.doesNotThrow(() => assertMayAssignRole(['*'], ['*']));
});

test('an account may only be managed by someone who holds all of its role; a super admin only by a super admin', () => {
  assert.doesNotThrow(() => assertMayManageUser(hr, hr));
  assert.throws(() => assertMayManageUser(hr, ['*']), refused('SUPER_ADMIN_ONLY', /只有超级管理员可以修改、禁用、删除超级管理员或重置其密码/));
  assert.throws(() => assertMayManageUser(hr, ['orders.settle']), refused('USER_EXCEEDS_CALLER'));
  assert.doesNotThrow(() => assertMayManageUser(['*'], ['*']));
});

test('the last active super admin can be neither demoted, disabled nor deleted', () => {
  const superActive = { super: true, active: true };
  assert.equal(leavesActiveSuperAdmins(superActive, { super: true, active: true }), false);
  assert.equal(leavesActiveSuperAdmins(superActive, { super: false, active: true }), true);
  assert.equal(leavesActiveSuperAdmins(superActive, { super: true, active: false }), true);
  assert.equal(leavesActiveSuperAdmins(superActive, 'deleted'), true);
  assert.equal(leavesActiveSuperAdmins({ super: true, active: false }, 'deleted'), false, 'a disabled one is not counted');
  assert.equal(leavesActiveSuperAdmins({ super: false, active: true }, 'deleted'), false);
  for (const after of [{ super: false, active: true }, { super: true, active: false }, 'deleted'] as const) {
    assert.throws(() => assertKeepsASuperAdmin(1, superActive, after), refused('LAST_SUPER_ADMIN', /至少保留一个启用的超级管理员/));
    assert.doesNotThrow(() => assertKeepsASuperAdmin(2, superActive, after));
  }
  assert.doesNotThrow(() => assertKeepsASuperAdmin(1, superActive, { super: true, active: true }));
});

test('property: assigning a role passes exactly when the caller holds every permission of it', () => {
  const perm = fc.constantFrom('users.read', 'users.write', 'roles.read', 'roles.write', 'orders.settle', 'tickets.write', '*');
  fc.assert(
    fc.property(fc.uniqueArray(perm, { maxLength: 5 }), fc.uniqueArray(perm, { maxLength: 5 }), (caller, role) => {
      const holdsAll = caller.includes('*') || role.every((p) => caller.includes(p));
      let passed = true;
      try {
        assertMayAssignRole(caller, role);
      } catch (err) {
        assert.ok(err instanceof AppError && err.status === 403);
        passed = false;
      }
      assert.equal(passed, holdsAll);
    }),
    { numRuns: 300 },
  );
});
