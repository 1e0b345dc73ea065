/** Seed 000: the `level` attribute of a user. */
export const USER_LEVELS = {
  admin: 0,
  firstLevelAgent: 1,
  secondLevelAgent: 2,
  student: 3,
  enterpriseAgent: 4,
  personalAgent: 5,
  virtualOrderCustomerService: 6,
  commercialLoan: -1,
  soleProprietor: -2,
} as const;
export const LEVEL_VALUES: readonly number[] = Object.values(USER_LEVELS);

export const USER_STATUS = { disabled: 0, enabled: 1 } as const;

export const EMAIL_PATTERN = /^[^\s@]+@[^\s@]+\.[^\s@]{2,}$/;
export const USERNAME_PATTERN = /^[A-Za-z0-9_.@-]{3,50}$/;

/** Throttling decision from recent failure counts. */
export function loginThrottle(
  failures: { account: number; ip: number },
  limits: { account: number; ip: number; windowMinutes: number },
): string | null {
  if (failures.account >= limits.account) return `登录失败次数过多，请${limits.windowMinutes}分钟后再试`;
  if (failures.ip >= limits.ip) return `该IP登录失败次数过多，请${limits.windowMinutes}分钟后再试`;
  return null;
}
