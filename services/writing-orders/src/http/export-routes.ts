import { hasPermission, ok, permissions } from '@backoffice/contracts';
import type { Request } from 'express';
import { exportRows, exportSummaries, type ExportFilter, type ExportRow } from '../db/export-queries.js';
import { moneyText } from '../domain/money.js';
import { cellMoney, XlsxResponse, type SheetColumn } from '../exports/xlsx-stream.js';
import { FINANCE_ONLY, type OrderDeps } from './order-context.js';
import { exportQuery } from './order-schemas.js';

const isSettled = (commission: unknown) => {
  const text = moneyText(commission);
  return text !== null && text !== '0.00';
};

/** The commission export (seed 八 6) and the customer-order export; JSON as in the seed, or a streamed xlsx. */
export function exportRoutes(deps: OrderDeps) {
  const { sequelize } = deps;
  const api = deps.router('导出');
  // a few hundred writers appear on thousands of rows: decrypt each account once per export
  const revealer = () => {
    const seen = new Map<string, string | null>();
    return (encrypted: string | null) => {
      if (!encrypted) return null;
      let clear = seen.get(encrypted);
      if (clear === undefined) {
        clear = deps.revealAccount(encrypted);
        if (seen.size < 50_000) seen.set(encrypted, clear);
      }
      return clear;
    };
  };

  const commissionRow = (revealAccount: (e: string | null) => string | null) => (r: ExportRow) => ({
    id: r.id,
    order_id: r.order_id,
    dispatch_id: r.dispatch_id,
    date: r.date,
    customer_id: r.customer_id,
    customer_service_name: r.customer_service_name,
    customer_commission: moneyText(r.customer_commission),
    writer_id: r.writer_id,
    writer_name: r.writer_name,
    fee: moneyText(r.fee),
    writer_alipay_name: r.writer_alipay_name,
    writer_alipay_account: revealAccount(r.writer_alipay_account_encrypted),
    writer_id_2: r.writer_id_2,
    writer_name_2: r.writer_name_2,
    fee_2: moneyText(r.fee_2),
    writer2_alipay_name: r.writer2_alipay_name,
    writer2_alipay_account: revealAccount(r.writer2_alipay_account_encrypted),
    settlement_status: r.settlement_status,
  });
  const orderRow = (r: ExportRow) => ({
    id: r.id,
    order_id: r.order_id,
    dispatch_id: r.dispatch_id,
    date: r.date,
    customer_id: r.customer_id,
    customer_service_name: r.customer_service_name,
    writer_id: r.writer_id,
    writer_name: r.writer_name,
    writer_id_2: r.writer_id_2,
    writer_name_2: r.writer_name_2,
    order_amount: moneyText(r.order_amount),
    refund_amount: moneyText(r.refund_amount),
    fee: moneyText(r.fee),
    fee_2: moneyText(r.fee_2),
    fee_per_1000: moneyText(r.fee_per_1000),
    customer_commission: moneyText(r.customer_commission),
    settlement_status: r.settlement_status,
    is_settled: isSettled(r.customer_commission),
  });

  /** Money cells as numbers: DECIMAL text from the database ("51.85") is already exact to two places. */
  const num = (v: unknown) => (v === null || v === undefined ? null : Number(v));
  // one object per row, built directly: the workbook needs no text money
  const commissionCells = (reveal: (e: string | null) => string | null) => (r: ExportRow) => ({
    id: r.id,
    order_id: r.order_id,
    dispatch_id: r.dispatch_id,
    date: r.date,
    customer_id: r.customer_id,
    customer_service_name: r.customer_service_name,
    customer_commission: num(r.customer_commission),
    writer_id: r.writer_id,
    writer_name: r.writer_name,
    fee: num(r.fee),
    writer_alipay_name: r.writer_alipay_name,
    writer_alipay_account: reveal(r.writer_alipay_account_encrypted),
    writer_id_2: r.writer_id_2,
    writer_name_2: r.writer_name_2,
    fee_2: num(r.fee_2),
    writer2_alipay_name: r.writer2_alipay_name,
    writer2_alipay_account: reveal(r.writer2_alipay_account_encrypted),
    settlement_status: r.settlement_status,
  });
  const orderCells = (r: ExportRow) => ({
    ...orderRow(r),
    order_amount: num(r.order_amount),
    refund_amount: num(r.refund_amount),
    fee: num(r.fee),
    fee_2: num(r.fee_2),
    fee_per_1000: num(r.fee_per_1000),
    customer_commission: num(r.customer_commission),
    is_settled: isSettled(r.customer_commission) ? '是' : '否',
  });

  const summaries = async (filter: ExportFilter) => {
    const revealAccount = revealer();
    const s = await exportSummaries(sequelize, filter);
    return {
      summary: {
        order_count: Number(s.summary.order_count),
        customer_commission_total: moneyText(s.summary.customer_commission_total),
        writer_fee_total: moneyText(s.summary.writer_fee_total),
      },
      customer_summary: s.customers.map((c) => ({
        customer_id: c.customer_id,
        customer_service_name: c.customer_service_name,
        order_count: Number(c.order_count),
        customer_commission_total: moneyText(c.customer_commission_total),
      })),
      writer_summary: s.writers.map((w) => ({
        writer_id: w.writer_id,
        writer_name: w.writer_name,
        writer_alipay_name: w.writer_alipay_name,
        writer_alipay_account: revealAccount(w.alipay_account_encrypted),
        order_count: Number(w.order_count),
        writer_fee_total: moneyText(w.writer_fee_total),
      })),
    };
  };

  const allRows = async <T>(filter: ExportFilter, shape: (r: ExportRow) => T) => {
    const out: T[] = [];
    for await (const page of exportRows(sequelize, filter)) for (const r of page) out.push(shape(r));
    return out;
  };

  const streamSheet = async <T extends Record<string, unknown>>(book: XlsxResponse, name: string, columns: SheetColumn[], filter: ExportFilter, shape: (r: ExportRow) => T) => {
    const sheet = book.sheet(name, columns);
    let n = 0;
    for await (const page of exportRows(sequelize, filter)) {
      for (const r of page) {
        sheet.add(shape(r));
        // small bursts: the compressor's callbacks run between them
        if (++n % 250 === 0) await book.drained();
      }
    }
    sheet.done();
  };

  const table = <T extends Record<string, unknown>>(book: XlsxResponse, name: string, columns: SheetColumn[], rows: T[]) => {
    const sheet = book.sheet(name, columns);
    for (const r of rows) sheet.add(Object.fromEntries(Object.entries(r).map(([k, v]) => [k, columns.find((c) => c.key === k)?.money ? cellMoney(v as string | null) : v])));
    sheet.done();
  };

  api
    .route({
      method: 'get',
      path: '/api/customer-orders/export-commission-data',
      summary: '导出客服佣金明细（含全局/客服/写手汇总；防重复导出；format=xlsx 流式工作簿）',
      access: { permission: permissions.ordersExport },
      deniedMessage: FINANCE_ONLY,
      query: exportQuery,
      handler: async ({ query }, _req, res) => {
        const filter: ExportFilter = { start: query.start, end: query.end, statuses: query.settlement_status, commission: true };
        if (query.format === 'json') return ok({ orders: await allRows(filter, commissionRow(revealer())), ...(await summaries(filter)) }, '导出成功');
        // the database sums while the detail sheet is being written
        const pending = summaries(filter);
        pending.catch(() => undefined);
        const book = new XlsxResponse(res, `客服佣金明细_${query.start}_${query.end}.xlsx`);
        await streamSheet(book, '佣金明细', COMMISSION_COLUMNS, filter, commissionCells(revealer()));
        const totals = await pending;
        table(book, '汇总', SUMMARY_COLUMNS, [totals.summary]);
        table(book, '客服汇总', CUSTOMER_COLUMNS, totals.customer_summary);
        table(book, '写手汇总', WRITER_COLUMNS, totals.writer_summary);
        await book.finish();
      },
    })
    .route({
      method: 'get',
      path: '/api/customer-orders/export',
      summary: '导出客服订单（超级管理员/财务全部；客服仅自己录入的；format=xlsx 流式工作簿）',
      access: { anyOf: [permissions.ordersExport, permissions.ordersExportOwn] },
      query: exportQuery,
      handler: async ({ query }, req: Request, res) => {
        const own = !hasPermission(req.user!.permissions, permissions.ordersExport);
        const filter: ExportFilter = { start: query.start, end: query.end, statuses: query.settlement_status, commission: false, ...(own ? { enteredBy: req.user!.id } : {}) };
        if (query.format === 'json') return ok({ orders: await allRows(filter, orderRow) }, '导出成功');
        const book = new XlsxResponse(res, `客服订单_${query.start}_${query.end}.xlsx`);
        await streamSheet(book, '客服订单', ORDER_COLUMNS, filter, orderCells);
        await book.finish();
      },
    });
  return api.router;
}

/** The columns both order sheets start with. */
const ORDER_KEY_COLUMNS: SheetColumn[] = [
  { header: 'ID', key: 'id', width: 8 },
  { header: '订单编号', key: 'order_id', width: 30 },
  { header: '派单编号', key: 'dispatch_id', width: 16 },
  { header: '日期', key: 'date', width: 12 },
  { header: '客服ID', key: 'customer_id', width: 8 },
  { header: '客服', key: 'customer_service_name' },
];
const COMMISSION_COLUMNS: SheetColumn[] = [
  ...ORDER_KEY_COLUMNS,
  { header: '客服佣金', key: 'customer_commission', money: true },
  { header: '写手ID', key: 'writer_id' },
  { header: '写手', key: 'writer_name' },
  { header: '稿费', key: 'fee', money: true },
  { header: '支付宝姓名', key: 'writer_alipay_name' },
  { header: '支付宝账号', key: 'writer_alipay_account', width: 22 },
  { header: '第二写手ID', key: 'writer_id_2' },
  { header: '第二写手', key: 'writer_name_2' },
  { header: '第二写手稿费', key: 'fee_2', money: true },
  { header: '第二写手支付宝姓名', key: 'writer2_alipay_name' },
  { header: '第二写手支付宝账号', key: 'writer2_alipay_account', width: 22 },
  { header: '结算状态', key: 'settlement_status' },
];
const SUMMARY_COLUMNS: SheetColumn[] = [
  { header: '订单数量', key: 'order_count' },
  { header: '客服佣金总和', key: 'customer_commission_total', money: true },
  { header: '写手稿费总和', key: 'writer_fee_total', money: true },
];
const CUSTOMER_COLUMNS: SheetColumn[] = [
  { header: '客服ID', key: 'customer_id' },
  { header: '客服', key: 'customer_service_name' },
  { header: '订单数', key: 'order_count' },
  { header: '客服佣金总和', key: 'customer_commission_total', money: true },
];
const WRITER_COLUMNS: SheetColumn[] = [
  { header: '写手ID', key: 'writer_id' },
  { header: '写手', key: 'writer_name' },
  { header: '支付宝姓名', key: 'writer_alipay_name' },
  { header: '支付宝账号', key: 'writer_alipay_account', width: 22 },
  { header: '订单数', key: 'order_count' },
  { header: '写手稿费总和', key: 'writer_fee_total', money: true },
];
const ORDER_COLUMNS: SheetColumn[] = [
  ...ORDER_KEY_COLUMNS,
  { header: '写手ID', key: 'writer_id' },
  { header: '写手', key: 'writer_name' },
  { header: '第二写手ID', key: 'writer_id_2' },
  { header: '第二写手', key: 'writer_name_2' },
  { header: '订单金额', key: 'order_amount', money: true },
  { header: '退款金额', key: 'refund_amount', money: true },
  { header: '稿费', key: 'fee', money: true },
  { header: '第二写手稿费', key: 'fee_2', money: true },
  { header: '每千字费用', key: 'fee_per_1000', money: true },
  { header: '客服佣金', key: 'customer_commission', money: true },
  { header: '结算状态', key: 'settlement_status' },
  { header: '是否已结算', key: 'is_settled', width: 10 },
];
