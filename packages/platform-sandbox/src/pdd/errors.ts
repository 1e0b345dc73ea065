/** A PDD `error_response`: HTTP 200 with this body, as the real gateway answers. */
export class PddError extends Error {
  constructor(
    readonly error_code: number,
    readonly error_msg: string,
    readonly sub_code?: string,
    readonly sub_msg?: string,
  ) {
    super(error_msg);
  }
}

export const commonParamError = (sub: string) => new PddError(10001, '公共参数错误', '10001', sub);
export const tokenExpired = (sub = 'access_token已过期') => new PddError(10019, 'access_token已过期', '10019', sub);
export const signFailed = () => new PddError(20004, '签名校验失败', '20004', 'sign 不正确');
export const noPermission = (type: string) => new PddError(20031, '用户没有该接口的权限', '20031', `无权调用 ${type}`);
export const bizParamWrong = (sub: string) => new PddError(21001, '业务参数错误', '21001', sub);
export const bizParamMissing = (name: string) => new PddError(21002, '业务参数缺失', '21002', `缺少参数 ${name}`);
export const throttled = (type: string) => new PddError(52101, '接口调用超过限制', '52101', `${type} 调用过于频繁，请稍后再试`);
