import { randomUUID } from 'node:crypto';
import { AppError, badRequest, conflict, notFound, unavailable, unprocessable } from '@backoffice/contracts';
import type { Logger } from 'pino';
import type { ClaimStore, Claim } from '../db/claims.js';
import type { GymProduct, Voucher, VoucherModels } from '../db/models.js';
import type { VoucherStore, VerifiedResult } from '../db/voucher-store.js';
import { businessDate, cancelWindowOpen, MESSAGES, VOUCHER_STATUS, type PlatformCode } from '../domain/rules.js';
import { verifications } from '../platforms/metrics.js';
import { parseSettings, type PlatformRegistry, type PlatformSettings } from '../platforms/registry.js';
import { timed } from '../timing.js';
import { OutcomeUnknown, type PlatformClient, type PlatformVoucher, type Refusal } from '../platforms/types.js';

export interface Operator {
  id: number;
  name: string;
}

const refusalError = (r: Refusal | 'other', platformMessage?: string): AppError => {
  switch (r) {
    case 'not_found':
      return notFound(MESSAGES.notFound, 'VOUCHER_NOT_FOUND');
    case 'used':
      return conflict(MESSAGES.alreadyVerified, 'VOUCHER_ALREADY_VERIFIED');
    case 'expired':
      return unprocessable(MESSAGES.expired, 'VOUCHER_EXPIRED');
    case 'refunded':
      return unprocessable(MESSAGES.refunded, 'VOUCHER_REFUNDED');
    default:
      return new AppError(502, `平台拒绝核销：${platformMessage ?? ''}`, 'PLATFORM_REFUSED', 1);
  }
};

/**
 * Seed 001's ten verification steps, exactly once: a local claim per code, the platform queried and
 * checked, the redemption sent with the platform's idempotency key, and the gym-side effect written in
 * one transaction. A lost answer is resolved by asking the platform before anything is sent again.
 */
export class VerificationService {
  constructor(
    private readonly models: VoucherModels,
    private readonly registry: PlatformRegistry,
    private readonly claims: ClaimStore,
    private readonly store: VoucherStore,
    private readonly logger: Logger,
    private readonly staleMs: number,
  ) {}

  /** Which platform a code belongs to: asked for, known locally, or by its prefix. */
  async platformOf(code: string, hint?: PlatformCode, local?: Voucher | null): Promise<PlatformCode> {
    if (hint) return hint;
    if (local) {
      const row = await this.models.Platform.findByPk(local.platform_id);
      if (row) return row.platform_code as PlatformCode;
    }
    if (/^MT/i.test(code)) return 'meituan';
    if (/^DY/i.test(code)) return 'douyin';
    throw badRequest('无法识别券码所属平台，请指定 platform（meituan 或 douyin）', 'PLATFORM_REQUIRED');
  }

  /** The platform named by the request or by the code's prefix (null: only the local row can tell). */
  private knownPlatform(code: string, hint?: PlatformCode): PlatformCode | null {
    if (hint) return hint;
    if (/^MT/i.test(code)) return 'meituan';
    if (/^DY/i.test(code)) return 'douyin';
    return null;
  }

  /** Gym products change rarely; read them at most every 30 s. */
  private products = { at: 0, byId: new Map<number, GymProduct>() };

  private async productById(id: number): Promise<GymProduct | undefined> {
    if (Date.now() - this.products.at > 30_000 || !this.products.byId.has(id)) {
      this.products = { at: Date.now(), byId: new Map((await this.models.GymProduct.findAll()).map((p) => [p.id, p])) };
    }
    return this.products.byId.get(id);
  }

  async product(settings: PlatformSettings, v: PlatformVoucher): Promise<GymProduct> {
    const productId = settings.deals?.[v.dealId];
    if (!productId) throw unprocessable(MESSAGES.unmapped, 'DEAL_NOT_MAPPED');
    const product = await this.productById(productId);
    if (!product) throw unprocessable(MESSAGES.unmapped, 'DEAL_NOT_MAPPED');
    if (![1, 2, 3].includes(product.product_type) || (product.product_type === 1 && !product.duration_days) || (product.product_type === 2 && !product.sessions)) {
      throw unprocessable(MESSAGES.typeMismatch, 'VOUCHER_TYPE_MISMATCH');
    }
    return product;
  }

  private refuseByLocalState(local: Voucher | null) {
    if (!local) return;
    if (local.status === VOUCHER_STATUS.verified) throw conflict(MESSAGES.alreadyVerified, 'VOUCHER_ALREADY_VERIFIED');
    if (local.status === VOUCHER_STATUS.refunded) throw unprocessable(MESSAGES.refunded, 'VOUCHER_REFUNDED');
    if (local.status === VOUCHER_STATUS.expired || (local.expire_date && local.expire_date < businessDate(new Date()))) {
      throw unprocessable(MESSAGES.expired, 'VOUCHER_EXPIRED');
    }
  }

  /** Steps 1–4 without redeeming: what the desk sees before confirming. */
  async preview(code: string, hint?: PlatformCode) {
    const local = await this.models.Voucher.findOne({ where: { voucher_no: code } });
    const platform = await this.platformOf(code, hint, local);
    const { client, row, settings } = await this.registry.client(platform);
    const q = await client.query(code);
    if (!q.ok) throw refusalError(q.refusal);
    const productId = settings.deals?.[q.voucher.dealId];
    const product = productId ? ((await this.productById(productId)) ?? null) : null;
    return { platform: row, voucher: q.voucher, product };
  }

  async verify(code: string, operator: Operator, hint?: PlatformCode): Promise<VerifiedResult> {
    const requestId = randomUUID().replace(/-/g, '');
    const readLocal = () => timed('local', () => this.models.Voucher.findOne({ where: { voucher_no: code } }));
    const takeClaim = (platformId: number) => timed('claim', () => this.claims.take({ voucher_no: code, operation: 'verify', platform_id: platformId, request_id: requestId, operator_id: operator.id }));
    const known = this.knownPlatform(code, hint);
    let local: Voucher | null;
    let claimed: boolean;
    let platform: PlatformCode;
    let resolved: Awaited<ReturnType<PlatformRegistry['client']>>;
    if (known) {
      // the platform is known without the local row: read it and take the claim side by side (one wait fewer)
      platform = known;
      resolved = await this.registry.client(platform).catch(async (err) => {
        this.refuseByLocalState(await readLocal()); // a code settled here is refused as such, platform or not
        throw err;
      });
      [local, claimed] = await Promise.all([readLocal(), takeClaim(resolved.row.id)]);
      if (claimed) {
        try {
          this.refuseByLocalState(local);
        } catch (err) {
          await this.releaseQuietly(code, requestId);
          throw err;
        }
      }
    } else {
      local = await readLocal();
      this.refuseByLocalState(local);
      platform = await this.platformOf(code, hint, local);
      resolved = await this.registry.client(platform);
      claimed = await takeClaim(resolved.row.id);
    }
    const { client, row, settings } = resolved;
    if (!claimed) {
      this.refuseByLocalState(local);
      verifications.inc({ platform, operation: 'verify', outcome: 'busy' });
      await this.resolveIfStale(code);
      const now = await this.models.Voucher.findOne({ where: { voucher_no: code } });
      this.refuseByLocalState(now);
      throw conflict(MESSAGES.inProgress, 'VOUCHER_BUSY');
    }
    let voucher: PlatformVoucher | undefined;
    let product: GymProduct | undefined;
    let redeemedOnPlatform = false;
    try {
      const q = await client.query(code);
      if (!q.ok) throw refusalError(q.refusal);
      voucher = q.voucher;
      product = await this.product(settings, voucher);
      // the member is looked up while the platform redeems, so the effect transaction has one read fewer
      const memberRead = this.store.findMember(voucher).catch(() => undefined);
      const redeemed = await this.redeemResolving(client, voucher, requestId, operator);
      redeemedOnPlatform = true;
      const known = { voucherAbsent: !local, member: await memberRead };
      const completion = { platform: { id: row.id, code: platform }, voucher, product, operatorId: operator.id, verifyId: redeemed, requestId, known };
      const result = await timed('effect', () => this.store.completeVerification(completion));
      verifications.inc({ platform, operation: 'verify', outcome: 'ok' });
      return result;
    } catch (err) {
      if (err instanceof OutcomeUnknown) {
        // the claim stays: the resolver finishes it once the platform answers again
        verifications.inc({ platform, operation: 'verify', outcome: 'unknown' });
        this.logger.warn({ err, code }, 'verification outcome unknown; left for the resolver');
        throw unavailable(MESSAGES.outcomeUnknown(platform), 'VERIFICATION_PENDING');
      }
      if (redeemedOnPlatform) {
        // redeemed but our transaction failed: the claim stays, so the resolver grants the effect later
        verifications.inc({ platform, operation: 'verify', outcome: 'effect_pending' });
        this.logger.error({ err, code }, 'voucher redeemed on the platform but the effect was not written; left for the resolver');
        throw unavailable(MESSAGES.effectPending, 'EFFECT_PENDING');
      }
      await this.releaseQuietly(code, requestId);
      verifications.inc({ platform, operation: 'verify', outcome: 'refused' });
      throw err;
    }
  }

  /**
   * Redeems; when the answer is lost, asks the platform whether the code is now redeemed and, only if it
   * is not, sends the same request (same idempotency key) once more. Returns the platform's verify id.
   */
  private async redeemResolving(client: PlatformClient, v: PlatformVoucher, requestId: string, operator: Operator): Promise<string | null> {
    for (let attempt = 1; ; attempt++) {
      try {
        const r = await client.redeem(v, requestId, operator);
        if (r.ok) return r.verifyId;
        throw refusalError(r.refusal, r.message);
      } catch (err) {
        if (!(err instanceof OutcomeUnknown)) throw err;
        const state = await client.redemptionState(v).catch((e) => {
          throw e instanceof AppError ? new OutcomeUnknown(e.message) : e;
        });
        if (state.redeemed) {
          // Meituan tells whose request redeemed it; someone else's redemption is not ours to grant
          if (client.code === 'meituan' && state.verifyId && state.verifyId !== requestId) throw refusalError('used');
          return state.verifyId ?? requestId;
        }
        if (attempt >= 2) throw err;
      }
    }
  }

  async cancel(code: string, operator: Operator): Promise<{ voucher_id: number; message: string }> {
    const local = await this.models.Voucher.findOne({ where: { voucher_no: code } });
    if (!local) throw notFound(MESSAGES.notFound, 'VOUCHER_NOT_FOUND');
    if (local.status !== VOUCHER_STATUS.verified) throw conflict(MESSAGES.notVerified, 'VOUCHER_NOT_VERIFIED');
    const platformRow = await this.models.Platform.findByPk(local.platform_id);
    const platform = platformRow!.platform_code as PlatformCode;
    if (!local.verified_at || !cancelWindowOpen(platform, new Date(local.verified_at), new Date())) throw unprocessable(MESSAGES.cancelWindow(platform), 'CANCEL_WINDOW_PASSED');
    const { client } = await this.registry.client(platform);
    const requestId = randomUUID().replace(/-/g, '');
    if (!(await this.claims.take({ voucher_no: code, operation: 'cancel', platform_id: local.platform_id, request_id: requestId, operator_id: operator.id }))) {
      throw conflict(MESSAGES.inProgress, 'VOUCHER_BUSY');
    }
    const target = { code, dealId: local.platform_deal_id, certificateId: local.platform_certificate_id, verifyId: local.platform_verify_id };
    const asVoucher = { code, certificateId: local.platform_certificate_id } as PlatformVoucher;
    try {
      try {
        const r = await client.reverse(target, requestId, operator);
        if (!r.ok) {
          if (r.refusal === 'window') throw unprocessable(MESSAGES.cancelWindow(platform), 'CANCEL_WINDOW_PASSED');
          if (r.refusal === 'not_verified') throw conflict('平台显示该券未核销，请先同步对账后再处理', 'PLATFORM_NOT_VERIFIED');
          throw new AppError(502, `平台拒绝撤销：${r.message}`, 'PLATFORM_REFUSED', 1);
        }
      } catch (err) {
        if (!(err instanceof OutcomeUnknown)) throw err;
        const state = await client.redemptionState(asVoucher).catch(() => {
          throw err;
        });
        if (state.redeemed) throw unavailable(MESSAGES.unreachable(platform), 'PLATFORM_UNAVAILABLE');
      }
      const result = await this.store.completeCancel(code, platform, operator.id, requestId).catch((err) => {
        // reversed on the platform but not here: keep the claim for the resolver
        this.logger.error({ err, code }, 'voucher reversed on the platform but the local revert failed; left for the resolver');
        throw new OutcomeUnknown('local revert failed');
      });
      verifications.inc({ platform, operation: 'cancel', outcome: 'ok' });
      return result;
    } catch (err) {
      if (err instanceof OutcomeUnknown) {
        verifications.inc({ platform, operation: 'cancel', outcome: 'unknown' });
        throw unavailable(MESSAGES.outcomeUnknown(platform).replace('核销', '撤销'), 'CANCEL_PENDING');
      }
      await this.releaseQuietly(code, requestId);
      verifications.inc({ platform, operation: 'cancel', outcome: 'refused' });
      throw err;
    }
  }

  /** On the way out of a refusal: a failed release leaves the claim to the resolver, not a 500 to the desk. */
  private async releaseQuietly(code: string, requestId: string) {
    await this.claims.release(code, requestId).catch((err) => this.logger.warn({ err, code }, 'claim not released; the resolver will'));
  }

  private async resolveIfStale(code: string) {
    const claim = await this.claims.get(code);
    if (claim && Date.now() - new Date(claim.created_at).getTime() > this.staleMs) await this.resolve(claim).catch(() => undefined);
  }

  /** Finishes or drops claims whose request died or whose answer was lost, by asking the platform. */
  async resolveStale(): Promise<number> {
    const stale = await this.claims.staleSince(new Date(Date.now() - this.staleMs));
    let done = 0;
    for (const claim of stale) {
      try {
        await this.resolve(claim);
        done += 1;
      } catch (err) {
        this.logger.warn({ err, voucher_no: claim.voucher_no }, 'could not resolve a pending claim yet');
      }
    }
    return done;
  }

  /**
   * A claim whose request died: the platform says whether the code is redeemed (and, for Meituan, by
   * whose request id); a redeemed verification is finished from the platform's description of the voucher.
   */
  private async resolve(claim: Claim) {
    const row = await this.models.Platform.findByPk(claim.platform_id);
    const client = this.registry.forRow(row!);
    const platform = row!.platform_code as PlatformCode;
    const local = await this.models.Voucher.findOne({ where: { voucher_no: claim.voucher_no } });
    const state = await client.redemptionState({ code: claim.voucher_no, certificateId: local?.platform_certificate_id ?? null } as PlatformVoucher);
    if (claim.operation === 'verify') {
      const ours = !(platform === 'meituan' && state.verifyId && state.verifyId !== claim.request_id);
      if (!state.redeemed || !ours || !state.voucher) return this.claims.release(claim.voucher_no, claim.request_id);
      const product = await this.product(parseSettings(row!), state.voucher);
      await this.store.completeVerification({
        platform: { id: row!.id, code: platform },
        voucher: state.voucher,
        product,
        operatorId: Number(claim.operator_id),
        verifyId: state.verifyId ?? claim.request_id,
        requestId: claim.request_id,
      });
      return;
    }
    if (state.redeemed) return this.claims.release(claim.voucher_no, claim.request_id);
    await this.store.completeCancel(claim.voucher_no, platform, Number(claim.operator_id), claim.request_id);
  }
}
