import { conflict, roleCodes } from '@backoffice/contracts';
import { customAlphabet } from 'nanoid';
import type { CsRow } from './domain/cs-rows.js';
import { asDate, type Sql } from './db/sql.js';
import { CS_LEVEL, type IdentityAccount, type IdentityClient } from './identity-client.js';
import type { PersonalData } from './privacy.js';

/** Seed 000 sets 123456 for everyone; we generate a password instead (shown once) unless one is given. */
export const generatePassword = customAlphabet('ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnpqrstuvwxyz23456789', 12);

interface LocalRow {
  user_id: number;
  account: string;
  name: string;
  phone_masked: string | null;
  id_card_masked: string | null;
  phone_encrypted: string | null;
  id_card_encrypted: string | null;
  deleted_at: unknown;
  created_at: unknown;
}

export type CreateOutcome =
  | { outcome: 'created'; account: ReturnType<typeof csView>; initial_password?: string }
  | { outcome: 'existing'; account: ReturnType<typeof csView> };

export const csView = (local: Partial<LocalRow> | undefined, remote?: Partial<IdentityAccount>) => ({
  id: Number(local?.user_id ?? remote?.id),
  name: local?.name ?? remote?.real_name ?? null,
  account: local?.account ?? remote?.username ?? null,
  phone_number: local?.phone_masked ?? null,
  id_card: local?.id_card_masked ?? null,
  level: CS_LEVEL,
  role: roleCodes.virtualCustomerService,
  status: remote?.status ?? 1,
  created_at: asDate(local?.created_at ?? remote?.created_at ?? null),
});

/**
 * Dedicated customer service (level 6): the account lives in identity, the personal data (phone,
 * ID card) here, encrypted. Every step is safe to repeat: identity creates once per username.
 */
export class CsAccounts {
  constructor(
    private readonly sql: Sql,
    private readonly identity: IdentityClient,
    private readonly personal: PersonalData,
  ) {}

  private async local(userId: number): Promise<LocalRow | undefined> {
    const [row] = await this.sql.select<LocalRow>('SELECT * FROM virtual_cs_accounts WHERE user_id = ?', [userId]);
    return row;
  }

  async create(row: CsRow, suppliedPassword?: string): Promise<CreateOutcome> {
    const password = suppliedPassword ?? generatePassword();
    const result = await this.identity.createCsAccount({ username: row.account, password, realName: row.name });
    if (!result.created) {
      const existing = await this.identity.findByUsername(row.account);
      if (!existing || existing.level !== CS_LEVEL || existing.role !== roleCodes.virtualCustomerService) {
        throw conflict('该账号已被其他用户使用', 'ACCOUNT_TAKEN');
      }
    }
    const known = await this.local(result.id);
    if (!known || result.created) await this.saveLocal(result.id, row);
    const account = csView(await this.local(result.id));
    if (!result.created) return { outcome: 'existing', account };
    return { outcome: 'created', account, ...(suppliedPassword ? {} : { initial_password: password }) };
  }

  private async saveLocal(userId: number, row: CsRow) {
    const now = new Date();
    const phone = this.personal.phone(row.phone);
    const idCard = this.personal.idCard(row.idCard);
    const q = this.sql.upsertAdd(
      'virtual_cs_accounts',
      'user_id',
      ['user_id', 'account', 'name', 'phone_encrypted', 'phone_masked', 'id_card_encrypted', 'id_card_masked', 'deleted_at', 'created_at', 'updated_at'],
      [[userId, row.account, row.name, phone.encrypted, phone.masked, idCard.encrypted, idCard.masked, null, now, now]],
      [],
      { name: '$new', phone_encrypted: '$new', phone_masked: '$new', id_card_encrypted: '$new', id_card_masked: '$new', deleted_at: '$new', updated_at: '$new' },
    );
    await this.sql.run(q.sql, q.replacements);
  }

  async list(page: number, size: number) {
    const remote = await this.identity.listCs(page, size);
    const ids = remote.list.map((a) => a.id);
    const locals = ids.length ? await this.sql.select<LocalRow>(`SELECT * FROM virtual_cs_accounts WHERE user_id IN (${ids.map(() => '?').join(',')})`, ids) : [];
    const byId = new Map(locals.map((l) => [Number(l.user_id), l]));
    return { total: remote.total, list: remote.list.map((a) => csView(byId.get(a.id), a)), page, size };
  }

  async update(userId: number, body: { name?: string; phone_number?: string | null; id_card?: string | null }) {
    const remote = await this.identity.updateCs(userId, body.name !== undefined ? { real_name: body.name } : {});
    const known = await this.local(userId);
    const now = new Date();
    if (!known) {
      await this.saveLocal(userId, { account: remote.username, name: body.name ?? remote.real_name ?? remote.username, phone: body.phone_number ?? null, idCard: body.id_card ?? null });
    } else {
      const sets: string[] = ['updated_at = ?'];
      const values: unknown[] = [now];
      if (body.name !== undefined) sets.push('name = ?') && values.push(body.name);
      if (body.phone_number !== undefined) {
        const p = this.personal.phone(body.phone_number);
        sets.push('phone_encrypted = ?', 'phone_masked = ?');
        values.push(p.encrypted, p.masked);
      }
      if (body.id_card !== undefined) {
        const c = this.personal.idCard(body.id_card);
        sets.push('id_card_encrypted = ?', 'id_card_masked = ?');
        values.push(c.encrypted, c.masked);
      }
      await this.sql.run(`UPDATE virtual_cs_accounts SET ${sets.join(', ')} WHERE user_id = ?`, [...values, userId]);
    }
    return csView(await this.local(userId), remote);
  }

  async remove(userId: number) {
    const remote = await this.identity.deleteCs(userId);
    await this.sql.run('UPDATE virtual_cs_accounts SET deleted_at = ?, updated_at = ? WHERE user_id = ? AND deleted_at IS NULL', [new Date(), new Date(), userId]);
    return csView(await this.local(userId), remote);
  }
}
