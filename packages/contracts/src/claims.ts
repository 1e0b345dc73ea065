/** What identity puts in an access token and every service reads back. */
export interface AccessClaims {
  sub: string;
  username: string;
  role_id: number;
  role: string;
  level: number;
  perms: string[];
}

export interface AuthUser {
  id: number;
  username: string;
  roleId: number;
  role: string;
  level: number;
  permissions: string[];
}
