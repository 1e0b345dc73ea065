import nodemailer, { type Transporter } from 'nodemailer';
import type { PddVerifyConfig } from '../config.js';

export interface Mail {
  subject: string;
  text: string;
}

export interface Mailer {
  /** Why mails are not sent, or null when they are. */
  readonly disabledReason: string | null;
  send(mail: Mail): Promise<void>;
  close(): void;
}

/** SMTP through nodemailer from the seed's EMAIL_* settings; port 465 is implicit TLS, others STARTTLS when offered. */
export function smtpMailer(config: PddVerifyConfig): Mailer {
  const disabledReason = !config.NOTIFICATION_ENABLED
    ? 'NOTIFICATION_ENABLED=False'
    : !config.EMAIL_SMTP_SERVER
      ? 'EMAIL_SMTP_SERVER 未配置'
      : config.EMAIL_TO.length === 0
        ? 'EMAIL_TO 未配置'
        : null;
  let transport: Transporter | undefined;
  const from = config.EMAIL_FROM || config.EMAIL_USERNAME || 'pdd-verify@localhost';
  return {
    disabledReason,
    async send(mail) {
      if (disabledReason) throw new Error(disabledReason);
      transport ??= nodemailer.createTransport({
        host: config.EMAIL_SMTP_SERVER,
        port: config.EMAIL_SMTP_PORT,
        secure: config.EMAIL_SMTP_PORT === 465,
        auth: config.EMAIL_USERNAME ? { user: config.EMAIL_USERNAME, pass: config.EMAIL_PASSWORD ?? '' } : undefined,
        connectionTimeout: 10_000,
        greetingTimeout: 10_000,
        socketTimeout: 20_000,
      });
      await transport.sendMail({ from, to: config.EMAIL_TO.join(', '), subject: mail.subject, text: mail.text });
    },
    close() {
      transport?.close();
    },
  };
}
