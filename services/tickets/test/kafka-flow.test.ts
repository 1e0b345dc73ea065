/**
 * One cross-service flow end to end on each real bus: identity's user events reach the tickets
 * directory, and a ticket's status changes (written through the tickets outbox, relayed in batches)
 * reach a subscriber of another service through its inbox, once each, in order.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { identityService } from '@backoffice/identity';
import { connectBus, KafkaBus, migrateUp, NatsBus, openDatabase, withInbox, type EventBus } from '@backoffice/kit';
import { apiClient, createTestDatabase, eventually, kafkaSkipReason, testKafkaUrl, testNatsUrl, type TestDatabase } from '@backoffice/kit/testing';
import { startStack, type RunningStack } from '@backoffice/standalone';
import { QueryTypes, type Sequelize } from 'sequelize';
import { ticketsService } from '../src/index.js';
import { ADMIN_PASSWORD, booking } from './stack.js';

const buses: Array<{ name: string; url: () => string }> = [{ name: 'nats', url: () => testNatsUrl('flow') }];
if (process.env.KAFKA_BROKERS) buses.push({ name: 'kafka', url: () => testKafkaUrl('flow') });
else test(`ticket status flow on Kafka: ${kafkaSkipReason()}`, () => console.log(`# ticket status flow on Kafka ${kafkaSkipReason()}`));

for (const { name, url } of buses) {
  describe(`ticket status changes reach another service through its inbox: ${name}`, () => {
    const busUrl = url();
    const dbs: TestDatabase[] = [];
    let stack: RunningStack;
    let subscriberBus: EventBus;
    let subscriberDb: Sequelize;
    let uploadRoot: string;

    before(async () => {
      const [identityDb, ticketsDb, otherDb] = await Promise.all(['identity', 'tickets', 'subscriber'].map((s) => createTestDatabase(`flow_${name}_${s}`)));
      dbs.push(identityDb, ticketsDb, otherDb);
      uploadRoot = mkdtempSync(join(tmpdir(), 'flow-uploads-'));
      stack = await startStack({
        services: [identityService, ticketsService],
        databaseUrl: (service) => (service === 'identity' ? identityDb.url : ticketsDb.url),
        busUrl,
        ports: 'ephemeral',
        gateway: true,
        accessLog: false,
        env: { ADMIN_PASSWORD, DATA_ENCRYPTION_KEY: 'tickets-test-encryption-key-0123456789', UPLOAD_ROOT: uploadRoot, LOG_LEVEL: 'silent', PUBLIC_RATE_LIMIT_PER_MINUTE: '1000' },
      });
      // the subscriber: another service's consumer group, its own database and inbox
      subscriberDb = openDatabase(otherDb.url);
      await migrateUp(subscriberDb, []);
      await subscriberDb.query('CREATE TABLE ticket_log (id INT AUTO_INCREMENT PRIMARY KEY, ticket_id VARCHAR(64) NOT NULL, status VARCHAR(32) NOT NULL, event_id VARCHAR(64) NOT NULL)');
      subscriberBus = await connectBus(busUrl, 'subscriber');
      await subscriberBus.subscribe({
        group: 'subscriber',
        types: ['tickets.ticket.status-changed.v1'],
        handler: withInbox(subscriberDb, 'subscriber', async (event, transaction) => {
          const data = event.data as { ticket_id: string; to: string };
          await subscriberDb.query('INSERT INTO ticket_log (ticket_id, status, event_id) VALUES (?, ?, ?)', { replacements: [data.ticket_id, data.to, event.id], transaction });
        }),
      });
    });
    after(async () => {
      await subscriberBus?.close();
      await stack?.stop();
      const cleanup = await connectBus(busUrl);
      if (cleanup instanceof NatsBus) await cleanup.destroyStream();
      if (cleanup instanceof KafkaBus) await cleanup.deletePrefixedTopics();
      await cleanup.close();
      await subscriberDb?.close();
      await Promise.all(dbs.map((d) => d.drop()));
      rmSync(uploadRoot, { recursive: true, force: true });
    });

    test('booked, confirmed and cancelled: the subscriber records each change once, in order; identity users reach the tickets directory', async () => {
      const api = apiClient(stack.gateway!.url);
      const admin = (await api.post('/api/auth/login', { username: 'admin', password: ADMIN_PASSWORD })).body.data.token as string;
      const roles = (await api.get('/api/roles', admin)).body.data as Array<{ id: number; code: string }>;
      const user = await api.post('/api/users', { username: `flow_${name}`, password: 'secret123', role_id: roles.find((r) => r.code === 'agent')!.id, real_name: '流程' }, admin);
      assert.equal(user.status, 201, JSON.stringify(user.body));

      const booked = await api.post('/api/public/booking', booking());
      assert.equal(booked.status, 201, JSON.stringify(booked.body));
      const tickets = stack.services.tickets.sequelize;
      const [{ id }] = await tickets.query<{ id: string }>('SELECT id FROM tickets WHERE ticket_no = ?', { replacements: [booked.body.data.ticket_no], type: QueryTypes.SELECT });
      assert.equal((await api.post(`/api/tickets/${id}/confirm`, {}, admin)).status, 200);
      const cancelled = await api.post(`/api/tickets/${id}/cancel`, { reason: '客户取消' }, admin);
      assert.equal(cancelled.status, 200, JSON.stringify(cancelled.body));

      const log = await eventually(
        async () => {
          const rows = await subscriberDb.query<{ status: string; event_id: string }>('SELECT status, event_id FROM ticket_log WHERE ticket_id = ? ORDER BY id', { replacements: [id], type: QueryTypes.SELECT });
          return rows.length >= 3 && rows;
        },
        20_000,
        'three status changes at the subscriber',
      );
      assert.deepEqual(log.map((r) => r.status), ['BOOKED', 'CONFIRMED', 'CANCELED']);
      assert.equal(new Set(log.map((r) => r.event_id)).size, 3);
      const [{ n }] = await subscriberDb.query<{ n: number }>(`SELECT COUNT(*) AS n FROM inbox WHERE consumer = 'subscriber'`, { type: QueryTypes.SELECT });
      assert.equal(Number(n), 3);

      await eventually(
        async () => (await tickets.query('SELECT id FROM directory_users WHERE id = ?', { replacements: [user.body.data.id], type: QueryTypes.SELECT })).length > 0,
        20_000,
        'the new identity user in the tickets directory',
      );
    });
  });
}
