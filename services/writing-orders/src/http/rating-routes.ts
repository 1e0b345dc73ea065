import { badRequest, notFound, ok, permissions } from '@backoffice/contracts';
import { fields } from '@backoffice/kit';
import { Op, QueryTypes, type WhereOptions } from 'sequelize';
import { z } from 'zod';
import type { WriterRating } from '../db/writer-models.js';
import { checkScore } from '../domain/ratings.js';
import { dayIn, isCalendarDate } from '../domain/time.js';
import { WRITER_ID_PATTERN } from '../domain/writer-id.js';
import type { WriterDeps } from './writer-context.js';
import { ratingView, writerBrief } from './writer-views.js';

const RATERS_ONLY = '没有权限执行此操作，仅限质检人员、主管及超级管理员';
const date = (label: string) => z.string().trim().refine(isCalendarDate, `${label}格式应为 YYYY-MM-DD`);
/** :writerId is the writer's numeric id; the writer number (w24072001) is accepted too. */
const writerParams = z.object({
  writerId: z.string().refine((v) => /^[1-9]\d{0,9}$/.test(v) || WRITER_ID_PATTERN.test(v), '写手ID格式不正确'),
});

export function ratingRoutes(deps: WriterDeps) {
  const { models, store, config } = deps;
  const tz = config.BUSINESS_TIMEZONE;
  const findWriter = async (key: string) => {
    const writer = WRITER_ID_PATTERN.test(key) ? await models.Writer.findOne({ where: { writer_id: key } }) : await models.Writer.findByPk(Number(key));
    if (!writer) throw notFound('写手不存在', 'WRITER_NOT_FOUND');
    return writer;
  };
  const ratingOn = async (key: string, day: string) => {
    const writer = await findWriter(key);
    const rating = await models.WriterRating.findOne({ where: { writer_id: writer.id, date: day } });
    return ok(rating ? { ...ratingView(rating, tz), writer: writerBrief(writer) } : null, 'success');
  };

  const api = deps.router('写手评分');
  api
    .route({
      method: 'post',
      path: '/api/writers/:writerId/ratings',
      summary: '为写手添加今日评分（每日一条，已存在则更新）',
      access: { permission: permissions.ratingsWrite },
      deniedMessage: RATERS_ONLY,
      params: writerParams,
      body: z.object({ score: z.unknown().optional(), comment: z.unknown().optional() }),
      handler: async ({ params, body }, req, res) => {
        const score = checkScore(body.score);
        if ('error' in score) throw badRequest(score.error, 'SCORE_OUT_OF_RANGE');
        const comment = typeof body.comment === 'string' ? body.comment.trim() : '';
        if (!comment) throw badRequest('评价内容不能为空', 'COMMENT_REQUIRED');
        if (comment.length > 2000) throw badRequest('评价内容不能超过2000个字符', 'COMMENT_TOO_LONG');
        const writer = await findWriter(params.writerId);
        const saved = await store.saveRating({
          writer_id: writer.id,
          date: dayIn(tz),
          score: (score.tenths / 10).toFixed(1),
          comment,
          quality_inspector_id: req.user!.id,
          quality_inspector_name: req.user!.username,
        });
        res.status(saved.created ? 201 : 200).json(ok({ id: saved.id }, saved.created ? '评分保存成功' : '评分更新成功'));
      },
    })
    .route({
      method: 'get',
      path: '/api/writers/:writerId/ratings',
      summary: '获取写手评分历史（按日期倒序）',
      access: { permission: permissions.ratingsRead },
      params: writerParams,
      query: z.object({ start_date: date('开始日期').optional(), end_date: date('结束日期').optional(), page: fields.page, pageSize: fields.pageSize }),
      handler: async ({ params, query }) => {
        const writer = await findWriter(params.writerId);
        const range: Record<symbol, string> = {};
        if (query.start_date) range[Op.gte] = query.start_date;
        if (query.end_date) range[Op.lte] = query.end_date;
        const where: WhereOptions<WriterRating> = { writer_id: writer.id, ...(query.start_date || query.end_date ? { date: range } : {}) };
        const { rows, count } = await models.WriterRating.findAndCountAll({ where, order: [['date', 'DESC']], limit: query.pageSize, offset: (query.page - 1) * query.pageSize });
        return ok({ writer: writerBrief(writer), total: count, list: rows.map((r) => ratingView(r, tz)) }, 'success');
      },
    })
    .route({
      method: 'get',
      path: '/api/writers/:writerId/today-rating',
      summary: '获取写手当天评分（未评分时 data 为 null）',
      access: { permission: permissions.ratingsRead },
      params: writerParams,
      handler: async ({ params }) => ratingOn(params.writerId, dayIn(tz)),
    })
    .route({
      method: 'get',
      path: '/api/writers/:writerId/rating-by-date',
      summary: '获取写手指定日期评分（date 默认今天；未评分时 data 为 null）',
      access: { permission: permissions.ratingsRead },
      params: writerParams,
      query: z.object({ date: date('日期').optional() }),
      handler: async ({ params, query }) => ratingOn(params.writerId, query.date ?? dayIn(tz)),
    })
    .route({
      method: 'get',
      path: '/api/writer-ratings/daily',
      summary: '获取某日所有写手评分（date 默认今天）',
      access: { permission: permissions.ratingsRead },
      query: z.object({ date: date('日期').optional(), page: fields.page, pageSize: fields.pageSize }),
      handler: async ({ query }) => {
        const day = query.date ?? dayIn(tz);
        const { rows, count } = await models.WriterRating.findAndCountAll({
          where: { date: day },
          include: [{ model: models.Writer, as: 'writer', attributes: ['id', 'writer_id', 'name'] }],
          order: [['id', 'ASC']],
          limit: query.pageSize,
          offset: (query.page - 1) * query.pageSize,
        });
        const list = rows.map((r) => {
          const { id, score, comment, created_at, quality_inspector } = ratingView(r, tz);
          return { id, writer: writerBrief(r.writer!), score, comment, created_at, quality_inspector };
        });
        return ok({ date: day, total: count, list }, 'success');
      },
    })
    .route({
      method: 'get',
      path: '/api/writer-ratings/unrated',
      summary: '获取今日尚未评分的写手列表',
      access: { permission: permissions.ratingsWrite },
      deniedMessage: RATERS_ONLY,
      handler: async () => {
        const rows = await deps.sequelize.query<{ id: number; writer_id: string; name: string }>(
          `SELECT w.id, w.writer_id, w.name FROM writers w
           LEFT JOIN writer_ratings r ON r.writer_id = w.id AND r.date = ?
           WHERE r.id IS NULL ORDER BY w.id`,
          { replacements: [dayIn(tz)], type: QueryTypes.SELECT },
        );
        return ok(rows.map(writerBrief), 'success');
      },
    });
  return api.router;
}
