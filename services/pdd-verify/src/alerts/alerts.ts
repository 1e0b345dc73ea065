import type { Logger } from 'pino';
import { Op, QueryTypes, UniqueConstraintError, type Sequelize } from 'sequelize';
import { affectedRows } from '@backoffice/kit';
import type { PddModels } from '../db/models.js';
import { alertMails, alertsRaised } from '../metrics.js';
import type { Mailer } from './mailer.js';

export type AlertKind = 'platform_outage' | 'auth_failed' | 'out_of_stock' | 'low_stock' | 'verification_failed' | 'delivery_failed';

const SUBJECTS: Record<AlertKind, string> = {
  platform_outage: '拼多多接口不可用',
  auth_failed: '拼多多授权失效，请重新授权',
  out_of_stock: '卡密库存不足，订单等待发货',
  low_stock: '卡密库存偏低',
  verification_failed: '订单核销失败',
  delivery_failed: '订单发货失败',
};

/** Lines kept per alert for the mail; the count goes on. */
const MAX_LINES = 50;
const MAX_SEND_ATTEMPTS = 5;

export interface RaiseInput {
  kind: AlertKind;
  /** Occurrences with the same key in the same window make one alert (one mail); default: the kind. */
  key?: string;
  /** e.g. the goods, for the subject. */
  about?: string;
  line: string;
}

/**
 * Alerts are grouped, not sent one by one: an occurrence lands in the alert of its dedupe key opened
 * within the last ALERT_WINDOW_MINUTES, or opens one (a unique key decides between replicas). `flush` mails each row once; later occurrences in the same window only add to its count.
 */
export class Alerts {
  constructor(
    private readonly sequelize: Sequelize,
    private readonly models: PddModels,
    private readonly mailer: Mailer,
    private readonly windowMinutes: number,
    private readonly logger: Logger,
  ) {}

  async raise(input: RaiseInput): Promise<void> {
    alertsRaised.inc({ kind: input.kind });
    const key = input.key ?? input.kind;
    const now = new Date();
    const windowMs = this.windowMinutes * 60_000;
    // a sliding window: the alert opened within the last window takes the occurrence; the bucket only
    // lets the unique key decide when two replicas open one at the same moment
    const bucket = Math.floor(now.getTime() / windowMs);
    const subject = `[拼多多告警] ${SUBJECTS[input.kind]}${input.about ? `：${input.about}` : ''}`;
    try {
      const open = () => this.models.Alert.findOne({ where: { dedupe_key: key, first_at: { [Op.gte]: new Date(now.getTime() - windowMs) } }, order: [['id', 'DESC']] });
      let alert = await open();
      if (!alert) {
        try {
          alert = await this.models.Alert.create({ dedupe_key: key, bucket, kind: input.kind, subject, occurrences: 1, status: 'pending', first_at: now, last_at: now });
        } catch (err) {
          if (!(err instanceof UniqueConstraintError)) throw err;
          alert = await open();
          if (!alert) throw err;
          await this.count(alert.id, now);
        }
      } else await this.count(alert.id, now);
      const lines = await this.sequelize.query('SELECT COUNT(*) AS n FROM alert_items WHERE alert_id = ?', { replacements: [alert.id], plain: true });
      if (Number((lines as { n: number } | null)?.n ?? 0) < MAX_LINES) {
        await this.sequelize.query('INSERT INTO alert_items (alert_id, line, created_at) VALUES (?, ?, ?)', { replacements: [alert.id, input.line.slice(0, 500), now] });
      }
    } catch (err) {
      // an alert must never break the work that raised it
      this.logger.error({ err, kind: input.kind }, 'could not record alert');
    }
  }

  private async count(id: number, now: Date) {
    await this.sequelize.query('UPDATE alerts SET occurrences = occurrences + 1, last_at = ? WHERE id = ?', { type: QueryTypes.UPDATE, replacements: [now, id] });
  }

  /** Mails every alert not mailed yet (each claimed first, so two replicas never send the same one). */
  async flush(): Promise<{ sent: number; failed: number }> {
    const pending = await this.models.Alert.findAll({ where: { status: 'pending' }, order: [['id', 'ASC']], limit: 50 });
    let sent = 0;
    let failed = 0;
    for (const alert of pending) {
      const [, meta] = await this.sequelize.query("UPDATE alerts SET status = 'sending', send_attempts = send_attempts + 1 WHERE id = ? AND status = 'pending'", { type: QueryTypes.UPDATE, replacements: [alert.id],
      });
      if (!affectedRows(meta)) continue;
      if (this.mailer.disabledReason) {
        await this.models.Alert.update({ status: 'not_sent', last_error: this.mailer.disabledReason }, { where: { id: alert.id } });
        alertMails.inc({ outcome: 'not_sent' });
        continue;
      }
      try {
        await this.mailer.send(await this.compose(alert.id));
        await this.models.Alert.update({ status: 'sent', sent_at: new Date(), last_error: null }, { where: { id: alert.id } });
        alertMails.inc({ outcome: 'sent' });
        sent += 1;
      } catch (err) {
        const attempts = alert.send_attempts + 1;
        const message = err instanceof Error ? err.message : String(err);
        await this.models.Alert.update({ status: attempts >= MAX_SEND_ATTEMPTS ? 'failed' : 'pending', last_error: message.slice(0, 500) }, { where: { id: alert.id } });
        alertMails.inc({ outcome: 'failed' });
        this.logger.warn({ err, alert: alert.id }, 'alert mail not sent');
        failed += 1;
      }
    }
    return { sent, failed };
  }

  private async compose(id: number) {
    const alert = (await this.models.Alert.findByPk(id))!;
    const items = await this.sequelize.query<{ line: string; created_at: Date | string }>('SELECT line, created_at FROM alert_items WHERE alert_id = ? ORDER BY id', {
      replacements: [id],
      type: QueryTypes.SELECT,
    });
    const when = (d: Date | string) => new Date(d).toISOString().replace('T', ' ').slice(0, 19);
    const text = [
      alert.subject.replace(/^\[拼多多告警\] /, ''),
      '',
      `告警类型: ${alert.kind}`,
      `发生次数: ${alert.occurrences}（${this.windowMinutes} 分钟内相同告警合并为一封邮件）`,
      `首次: ${when(alert.first_at)} UTC    最近: ${when(alert.last_at)} UTC`,
      '',
      ...items.map((i) => `- ${i.line}`),
      ...(alert.occurrences > items.length ? [`…… 另有 ${alert.occurrences - items.length} 条`] : []),
    ].join('\n');
    return { subject: alert.subject, text };
  }

  /** Recent alerts, newest first. */
  list(page: number, pageSize: number, kind?: string) {
    return this.models.Alert.findAndCountAll({ where: kind ? { kind } : {}, order: [['id', 'DESC']], limit: pageSize, offset: (page - 1) * pageSize });
  }

  /** Alerts past their window and already handled, older than `days`, are forgotten. */
  async prune(days = 30) {
    return this.models.Alert.destroy({ where: { last_at: { [Op.lt]: new Date(Date.now() - days * 86_400_000) }, status: { [Op.ne]: 'pending' } } });
  }
}
