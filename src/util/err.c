#include "err.h"

static const struct {
    int status;
    const char *code;
    const char *message;
} table[SX__COUNT] = {
    [SX_OK] = {200, "ok", "成功"},
    [SX_EBADJSON] = {400, "bad_json", "请求内容不是合法的 JSON"},
    [SX_EUTF8] = {400, "invalid_utf8", "请求内容不是合法的 UTF-8 编码"},
    [SX_EBADQUERY] = {400, "bad_query", "查询参数不正确"},
    [SX_EBADREQUEST] = {400, "bad_request", "请求格式不正确"},
    [SX_EUNAUTH] = {401, "unauthenticated", "请先登录"},
    [SX_ECREDS] = {401, "invalid_credentials", "用户名或密码错误"},
    [SX_ESESSION] = {401, "session_expired", "登录已超时，请重新登录"},
    [SX_EFORBIDDEN] = {403, "forbidden", "没有执行此操作的权限"},
    [SX_ECSRF] = {403, "csrf_failed", "请求校验失败，请刷新页面后重试"},
    [SX_ELOCKED] = {403, "account_locked", "账号已被锁定，请稍后再试"},
    [SX_EDISABLED] = {403, "account_disabled", "账号已停用"},
    [SX_EPWCHANGE] = {403, "password_change_required", "请先修改密码"},
    [SX_ESOD] = {409, "separation_of_duties", "违反三员分立：同一用户不能兼任系统管理员、安全管理员、审计管理员中的两个"},
    [SX_ENOTFOUND] = {404, "not_found", "记录不存在"},
    [SX_EMETHOD] = {405, "method_not_allowed", "不支持的请求方法"},
    [SX_ETIMEOUT] = {408, "request_timeout", "请求发送超时，请检查网络后重试"},
    [SX_ECONFLICT] = {409, "conflict", "操作与当前数据冲突"},
    [SX_EVERSION] = {409, "version_conflict", "数据已被他人修改，请刷新后重试"},
    [SX_EREFERENCED] = {409, "referenced", "该记录仍被引用，不能删除"},
    [SX_EDUPLICATE] = {409, "duplicate", "记录已存在"},
    [SX_ECYCLE] = {409, "cycle", "不能将节点移动到其自身或其下级之下"},
    [SX_EPRECOND] = {412, "precondition_failed", "数据已被他人修改，请刷新后重试"},
    [SX_ETOOLARGE] = {413, "body_too_large", "请求内容过大"},
    [SX_EMEDIA] = {415, "unsupported_media_type", "请求内容类型必须是 application/json"},
    [SX_EVALIDATION] = {422, "validation_failed", "输入内容不符合要求"},
    [SX_EWEAKPASSWORD] = {422, "weak_password", "密码至少8位，且包含大写字母、小写字母、数字、特殊字符中的三类"},
    [SX_EPRECONDREQ] = {428, "precondition_required", "更新时必须提供版本号（If-Match 或 version）"},
    [SX_ERATE] = {429, "rate_limited", "请求过于频繁，请稍后再试"},
    [SX_EINTERNAL] = {500, "internal", "服务器内部错误"},
    [SX_EUNAVAILABLE] = {503, "unavailable", "服务暂不可用"},
    [SX_EBUSY] = {503, "busy", "服务器繁忙，请稍后再试"},
    [SX_ERETRY] = {503, "retry", "数据正忙，请稍后重试"},
};

static int valid(int code)
{
    return code >= 0 && code < SX__COUNT;
}

int err_status(int code)
{
    return valid(code) ? table[code].status : 500;
}

const char *err_code(int code)
{
    return valid(code) ? table[code].code : "internal";
}

const char *err_message(int code)
{
    return valid(code) ? table[code].message : "服务器内部错误";
}
