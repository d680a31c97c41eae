#!/usr/bin/env python3
"""Writes docs/openapi.json (OpenAPI 3.0) from the endpoint table below.
A developer tool: run it after adding an endpoint, commit the output. The API tests check the
document against the routes the binary actually registers (`sixia routes`)."""
import json
import os

ERR = {"$ref": "#/components/responses/Error"}

def obj(props, required=()):
    return {"type": "object", "properties": props, "required": list(required)} if required else \
        {"type": "object", "properties": props}

S = {"type": "string"}
I = {"type": "integer"}
B = {"type": "boolean"}
T = {"type": "string", "format": "date-time"}
IDS = {"type": "array", "items": I}
STRS = {"type": "array", "items": S}

schemas = {
    "Error": obj({"error": obj({"code": S, "message": S, "field": {"type": "string", "nullable": True}},
                               ["code", "message"])}, ["error"]),
    "Health": obj({"status": S, "version": S, "timezone": S,
                   "database": obj({"ok": B, "driver": S, "schema_version": I, "demo": B})}),
    "Login": obj({"username": S, "password": S}, ["username", "password"]),
    "Me": obj({"user": {"$ref": "#/components/schemas/User"}, "csrf_token": S, "must_change_password": B,
               "password_expired": B, "session_idle_minutes": I, "session_max_hours": I, "timezone": S}),
    "PasswordChange": obj({"old_password": S, "new_password": S}, ["old_password", "new_password"]),
    "Region": obj({"id": I, "code": S, "name": S, "level": {"type": "integer", "minimum": 1, "maximum": 4},
                   "parent_id": {"type": "integer", "nullable": True}, "parent_name": S, "path": S, "sort": I,
                   "version": I, "created_at": T, "updated_at": T}),
    "RegionInput": obj({"code": S, "name": S, "level": I, "parent_id": I, "sort": I, "version": I},
                       ["code", "name", "level"]),
    "Unit": obj({"id": I, "code": S, "name": S, "kind": {"type": "string", "enum": ["government", "department", "office", "township"]},
                 "org_type": {"type": "string", "enum": ["", "politics_law", "discipline"]},
                 "parent_id": {"type": "integer", "nullable": True}, "parent_name": S, "region_id": I, "region_name": S,
                 "path": S, "sort": I, "version": I}),
    "UnitInput": obj({"code": S, "name": S, "kind": S, "org_type": S, "parent_id": I, "region_id": I, "sort": I,
                      "version": I},
                     ["name", "kind", "region_id"]),
    "Cadre": obj({"id": I, "name": S, "unit_id": I, "unit_name": S, "title": S, "is_leader": B, "tags": STRS,
                  "version": I, "created_at": T, "updated_at": T}),
    "CadreInput": obj({"name": S, "unit_id": I, "title": S, "is_leader": B, "tags": STRS, "version": I},
                      ["name", "unit_id"]),
    "CadreStats": obj({"total": I, "leaders": I, "by_tag": {"type": "array", "items": obj({"tag": S, "count": I})},
                       "by_unit": {"type": "array", "items": obj({"unit_id": I, "unit_name": S, "count": I})}}),
    "DictType": obj({"type": S, "name": S, "count": I}),
    "DictItem": obj({"id": I, "type": S, "code": S, "label": S, "sort": I, "enabled": B, "version": I}),
    "DictItemInput": obj({"code": S, "label": S, "sort": I, "enabled": B, "version": I}, ["code", "label"]),
    "User": obj({"id": I, "username": S, "display_name": S, "unit_id": I, "unit_name": S, "cadre_id": {"type": "integer", "nullable": True},
                 "status": {"type": "string", "enum": ["active", "disabled"]}, "roles": {"type": "array", "items": obj({"id": I, "code": S, "name": S})},
                 "kind": {"type": "string", "enum": ["person", "integration"]}, "token_id": I,
                 "permissions": STRS, "must_change_password": B, "locked": B, "last_login_at": T, "version": I}),
    "UserInput": obj({"username": S, "display_name": S, "unit_id": I, "cadre_id": I, "password": S, "version": I}),
    "UserRoles": obj({"role_ids": IDS, "version": I}, ["role_ids"]),
    "ResetPassword": obj({"password": S}, ["password"]),
    "Permission": obj({"code": S, "name": S, "group": S, "admin_class": {"type": "string", "nullable": True}}),
    "Role": obj({"id": I, "code": S, "name": S, "builtin": B, "admin_class": {"type": "string", "nullable": True},
                 "permissions": STRS, "data_scope": {"type": "integer", "minimum": 1, "maximum": 5},
                 "scope_unit_ids": IDS, "user_count": I, "token_allowed": B, "version": I}),
    "RoleInput": obj({"code": S, "name": S, "permissions": STRS, "data_scope": I, "scope_unit_ids": IDS, "version": I},
                     ["code", "name"]),
    "Token": obj({"id": I, "name": S, "user_id": I, "username": S, "display_name": S, "integration": B,
                  "account_status": {"type": "string", "enum": ["active", "disabled"]}, "unit_id": I, "unit_name": S,
                  "role_id": I, "role_name": S, "data_scope": I, "prefix": S, "created_at": T,
                  "created_by": {"type": "integer", "nullable": True}, "created_by_username": {"type": "string", "nullable": True},
                  "expires_at": {"type": "string", "nullable": True}, "revoked_at": {"type": "string", "nullable": True},
                  "last_used_at": {"type": "string", "nullable": True}}),
    "TokenInput": obj({"name": S, "unit_id": I, "role_id": I, "expires_days": I}, ["name", "unit_id", "role_id"]),
    "TokenCreated": obj({"token": {"$ref": "#/components/schemas/Token"}, "secret": S}),
    "AuditRecord": obj({"id": I, "ts": T, "user_id": {"type": "integer", "nullable": True}, "username": S, "ip": S,
                        "action": S, "object_type": S, "object_id": S, "result": {"type": "string", "enum": ["success", "failure"]},
                        "details": S}),
    "SecurityPolicy": obj({"password_min_length": I, "password_max_age_days": I, "lockout_threshold": I, "lockout_minutes": I,
                           "session_idle_minutes": I, "audit_retention_days": I, "address_lockout_threshold": I,
                           "session_max_hours": I, "token_max_days": I, "version": I}),
    "Overview": obj({"regions": I, "units": I, "cadres": I, "users": I}),
    "Holiday": obj({"day": {"type": "string", "format": "date"}, "kind": {"type": "string", "enum": ["holiday", "workday"]},
                    "name": S, "weekday": {"type": "integer", "minimum": 1, "maximum": 7}, "version": I,
                    "created_at": T, "updated_at": T}),
    "HolidayInput": obj({"day": {"type": "string", "format": "date"}, "kind": {"type": "string", "enum": ["holiday", "workday"]},
                         "name": {"type": "string", "maxLength": 30}, "version": I}, ["kind"]),
    "HolidayList": obj({"items": {"type": "array", "items": {"$ref": "#/components/schemas/Holiday"}}, "years": IDS}),
    "DeadlinePreview": obj({"step": S, "step_label": S, "start": {"type": "string", "format": "date"},
                            "due": {"type": "string", "format": "date"}, "working": B, "days": I,
                            "warning": {"type": "string", "nullable": True}}),
    "ReceptionLeader": obj({"cadre_id": I, "unavailable": {"type": "array", "items": {"type": "string", "format": "date"}, "maxItems": 366},
                            "unit_ids": {"type": "array", "items": I, "maxItems": 32}}, ["cadre_id"]),
    "ReceptionPlanInput": obj({"period_start": {"type": "string", "format": "date"}, "period_end": {"type": "string", "format": "date"},
                               "visits_per_county": {"type": "integer", "minimum": 1, "maximum": 5},
                               "county_ids": {"type": "array", "items": I, "maxItems": 20},
                               "leaders": {"type": "array", "items": {"$ref": "#/components/schemas/ReceptionLeader"}, "minItems": 1, "maxItems": 30}},
                              ["period_start", "period_end", "visits_per_county", "leaders"]),
    "ReceptionVisit": obj({"date": {"type": "string", "format": "date"}, "weekday": {"type": "integer", "minimum": 1, "maximum": 7},
                           "county_id": I, "county_name": S, "leader_id": I, "leader_name": S, "unit_ids": IDS}),
    "ReceptionPlan": obj({"plan": {"type": "array", "items": {"$ref": "#/components/schemas/ReceptionVisit"}},
                          "per_leader": {"type": "array", "items": obj({"leader_id": I, "leader_name": S, "count": I})},
                          "per_county": {"type": "array", "items": obj({"county_id": I, "county_name": S, "count": I})},
                          "warning": {"type": "string", "nullable": True}}),
    "ReceptionValidateInput": obj({"period_start": {"type": "string", "format": "date"}, "period_end": {"type": "string", "format": "date"},
                                   "visits_per_county": {"type": "integer", "minimum": 1, "maximum": 5},
                                   "county_ids": {"type": "array", "items": I, "maxItems": 20},
                                   "leaders": {"type": "array", "items": {"$ref": "#/components/schemas/ReceptionLeader"}, "minItems": 1, "maxItems": 30},
                                   "plan": {"type": "array", "items": obj({"date": {"type": "string", "format": "date"}, "county_id": I, "leader_id": I},
                                                                          ["date", "county_id", "leader_id"])}},
                                  ["period_start", "period_end", "visits_per_county", "leaders", "plan"]),
    "Case": obj({"id": I, "case_no": S, "title": S, "kind": S, "kind_label": S, "channel": S, "category": S,
                 "region_id": I, "county_id": I, "status": S, "status_label": S, "received_at": T,
                 "received_day": S, "accepted_day": S, "assigned_day": S, "replied_day": S,
                 "due_step": S, "due_date": S, "deadline_state": S, "due_warning": {"type": "string", "nullable": True},
                 "supervised": B, "first_time": B, "duplicate_of": {"type": "integer", "nullable": True},
                 "matter_final": B, "open_repeat": B, "repeat_of": {"type": "object", "nullable": True},
                 "routing_hint": {"type": "object", "nullable": True}, "forward_unit_id": {"type": "integer", "nullable": True},
                 "deadlines": {"type": "array", "items": obj({"step": S, "label": S, "due_date": S, "done": B, "state": S,
                                                              "state_label": S, "warning": {"type": "string", "nullable": True}})},
                 "petitioners": {"type": "array", "items": obj({"name": S, "phone_masked": S, "id_number_masked": S})},
                 "timeline": {"type": "array", "items": {"type": "object"}},
                 "allowed_actions": {"type": "array", "items": obj({"code": S, "label": S, "needs": STRS})},
                 "version": I}),
    "CaseList": obj({"items": {"type": "array", "items": {"$ref": "#/components/schemas/Case"}}, "total": I, "page": I, "page_size": I}),
    "CaseInput": obj({"channel": S, "kind": S, "category": S, "region_id": I, "title": S, "content": S, "received_at": S,
                      "urgency": S, "head_count": I, "accused_unit_id": I, "reception_day_id": I, "duplicate_of": I,
                      "new_matter": B, "related_case_ids": IDS,
                      "petitioners": {"type": "array", "items": obj({"name": S, "id_number": S, "phone": S, "address": S, "is_representative": B})}},
                     ["channel", "kind", "category", "region_id", "title", "content", "petitioners"]),
    "CaseAction": obj({"version": I, "note": S, "reason": S, "forward_to": S, "forward_unit_id": I, "unit_id": I,
                       "handler_id": I, "deadline": S, "contact_how": S, "contact_with": S, "contact_at": S,
                       "reply_text": S, "outcome": S, "resolved": B, "satisfaction": S, "callback_how": S,
                       "extend_days": I, "kind": S, "attachment_ids": IDS}, ["version"]),
    "CaseOrgans": obj({"items": {"type": "array", "items": obj({"id": I, "name": S, "path": S, "org_type": S,
                                                                "org_type_label": S, "region_name": S})}}),
    "CalendarCoverage": obj({"years": IDS, "today": S, "current_year": I, "current_covered": B, "next_year": I,
                             "next_covered": B, "ask_next_year": B, "message": {"type": "string", "nullable": True}}),
    "CasePii": obj({"petitioners": {"type": "array", "items": obj({"id": I, "name": S, "id_number": S, "phone": S})}}),
    "CaseLinkInput": obj({"case_id": I, "note": S}, ["case_id"]),
    "QueryCode": obj({"query_code": S}),
    "CaseHandlers": obj({"items": {"type": "array", "items": obj({"unit_id": I, "unit_name": S, "users": {"type": "array", "items": obj({"id": I, "display_name": S})}})}}),
    "ReceptionValidation": obj({"ok": B, "total": I, "warning": {"type": "string", "nullable": True},
                                "violations": {"type": "array", "items": obj({"kind": S, "message": S, "index": I,
                                                                              "date": {"type": "string", "nullable": True},
                                                                              "county_id": {"type": "integer", "nullable": True},
                                                                              "leader_id": {"type": "integer", "nullable": True}})}}),
    # -- repeat detection, attachments, 我的待办, case settings (src/api/case_extra.c) --
    "CaseMatchInput": obj({"region_id": I, "category": S, "title": S, "content": S, "exclude_id": I,
                           "petitioners": {"type": "array", "items": obj({"id_number": S, "phone": S})}}),
    "CaseMatch": obj({"items": {"type": "array", "items": obj({"id": I, "case_no": S, "title": S, "status": S,
                                                               "status_label": S, "received_at": T, "region_name": S,
                                                               "due_date": S, "score": I, "same_petitioner": B,
                                                               "same_matter": B, "open": B, "final_label": S,
                                                               "reasons": STRS})},
                      "first_time": B, "repeat_of": {"type": "object", "nullable": True}, "repeat_final": B,
                      "repeat_open": B}),
    "CaseAttachment": obj({"id": I, "name": S, "mime": S, "size": I, "sha256": S}),
    "Todo": obj({"items": {"type": "array", "items": obj({
        "case_id": I, "case_no": S, "title": S, "kind": S, "kind_label": S, "status": S, "status_label": S,
        "task": {"type": "string", "enum": ["accept", "assign", "sign", "reply", "callback", "close", "approve",
                                            "supervise"]},
        "task_label": S, "due_date": S, "due_step": S, "due_step_label": S, "deadline_state": S,
        "deadline_state_label": S, "due_warning": {"type": "string", "nullable": True}, "first_time": B,
        "supervised": B, "urgency": S})}, "total": I}),
    "CaseSettings": obj({"steps": {"type": "object", "additionalProperties": obj({"days": I, "working": B, "label": S})},
                         "max_extension_days": I, "warn_days": I, "repeat_window_days": I, "similarity_percent": I,
                         "extension_approval": {"type": "string", "enum": ["unit_or_above", "unit_only", "any"]},
                         "version": I}),
}

# Reception plans, published days, the public schedule and iCalendar feeds (docs/CASES.md).
_D = {"type": "string", "format": "date"}
_HM = {"type": "string", "pattern": "^[0-2][0-9]:[0-5][0-9]$"}
_UNITS = {"type": "array", "items": obj({"id": I, "name": S})}
_SUMMARY = obj({"visitors": I, "accepted": I, "answered_on_spot": I, "assigned": I})
schemas.update({
    "ReceptionPlanVisitInput": obj({"day_id": I, "date": _D, "county_id": I, "leader_id": I, "unit_ids": IDS,
                                    "place": {"type": "string", "maxLength": 100}, "start_time": _HM, "end_time": _HM},
                                   ["date", "county_id", "leader_id"]),
    "ReceptionPlanSave": obj({"name": {"type": "string", "maxLength": 60}, "period_start": _D, "period_end": _D,
                              "input": {"$ref": "#/components/schemas/ReceptionPlanInput"},
                              "visits": {"type": "array", "items": {"$ref": "#/components/schemas/ReceptionPlanVisitInput"}},
                              "version": I}, ["name", "period_start", "period_end", "input", "visits"]),
    "ReceptionPlanSummary": obj({"id": I, "name": S, "period_start": _D, "period_end": _D,
                                 "status": {"type": "string", "enum": ["draft", "published"]}, "days_count": I,
                                 "published_at": {"type": "string", "nullable": True}, "pending_changes": B, "version": I,
                                 "created_at": T, "updated_at": T}),
    "ReceptionPlanDetail": obj({"id": I, "name": S, "period_start": _D, "period_end": _D,
                                "status": {"type": "string", "enum": ["draft", "published"]}, "days_count": I,
                                "published_at": {"type": "string", "nullable": True}, "pending_changes": B, "version": I,
                                "input": {"$ref": "#/components/schemas/ReceptionPlanInput"},
                                "visits": {"type": "array", "items": obj({
                                    "day_id": {"type": "integer", "nullable": True}, "date": _D, "weekday": I,
                                    "county_id": I, "county_name": S, "leader_id": I, "leader_name": S, "unit_ids": IDS,
                                    "units": _UNITS, "place": S, "start_time": _HM, "end_time": _HM,
                                    "sequence": {"type": "integer", "nullable": True},
                                    "published": {"type": "boolean", "nullable": True}})}}),
    "ReceptionPublish": obj({"version": I}),
    "ReceptionDay": obj({"id": I, "plan_id": I, "day": _D, "weekday": I, "county_id": I, "county_name": S, "leader_id": I,
                         "leader_name": S, "leader_title": S, "units": _UNITS, "place": S, "start_time": _HM,
                         "end_time": _HM, "sequence": I, "summary": _SUMMARY}),
    "ReceptionDayDetail": obj({"id": I, "plan_id": I, "day": _D, "weekday": I, "county_id": I, "county_name": S,
                               "leader_id": I, "leader_name": S, "leader_title": S, "units": _UNITS, "place": S,
                               "start_time": _HM, "end_time": _HM, "sequence": I, "summary": _SUMMARY,
                               "cases": {"type": "array", "items": {"type": "object"}}, "cases_total": I}),
    "PublicReceptionDay": obj({"id": I, "day": _D, "start_time": _HM, "end_time": _HM, "place": S, "county_id": I,
                               "county_name": S, "leader_name": S, "leader_title": S, "units": STRS,
                               "matters_received": I}),
})

def ref(name):
    return {"$ref": "#/components/schemas/" + name}

def page_of(name):
    return obj({"items": {"type": "array", "items": ref(name)}, "total": I, "page": I, "page_size": I})

def items_of(name):
    return obj({"items": {"type": "array", "items": ref(name)}})

PAGE = ["page", "page_size", "keyword", "sort"]

# (method, path, permission, summary, request schema, response status, response schema, query params)
E = [
    ("get", "/api/v1/health", None, "健康检查", None, 200, ref("Health"), []),
    ("get", "/api/v1/openapi.json", None, "OpenAPI 文档", None, 200, {"type": "object"}, []),
    ("post", "/api/v1/auth/login", None, "登录", "Login", 200, ref("Me"), []),
    ("post", "/api/v1/auth/logout", "authenticated", "退出登录", None, 204, None, []),
    ("get", "/api/v1/auth/me", "authenticated", "当前用户", None, 200, ref("Me"), []),
    ("post", "/api/v1/auth/password", "authenticated", "修改密码", "PasswordChange", 204, None, []),
    ("get", "/api/v1/regions", "region:read", "行政区划列表（tree=1 返回树）", None, 200, page_of("Region"), PAGE + ["tree", "parent_id", "level"]),
    ("post", "/api/v1/regions", "region:write", "新增行政区划", "RegionInput", 201, ref("Region"), []),
    ("get", "/api/v1/regions/{id}", "region:read", "行政区划详情", None, 200, ref("Region"), []),
    ("put", "/api/v1/regions/{id}", "region:write", "修改行政区划", "RegionInput", 200, ref("Region"), []),
    ("delete", "/api/v1/regions/{id}", "region:write", "删除行政区划", None, 204, None, []),
    ("get", "/api/v1/units", "unit:read", "单位列表（tree=1 返回树）", None, 200, page_of("Unit"), PAGE + ["tree", "parent_id", "region_id", "kind"]),
    ("post", "/api/v1/units", "unit:write", "新增单位", "UnitInput", 201, ref("Unit"), []),
    ("get", "/api/v1/units/{id}", "unit:read", "单位详情", None, 200, ref("Unit"), []),
    ("put", "/api/v1/units/{id}", "unit:write", "修改单位", "UnitInput", 200, ref("Unit"), []),
    ("delete", "/api/v1/units/{id}", "unit:write", "删除单位", None, 204, None, []),
    ("get", "/api/v1/cadres", "cadre:read", "干部列表（受数据范围限制）", None, 200, page_of("Cadre"), PAGE + ["unit_id", "tag", "is_leader"]),
    ("get", "/api/v1/cadres/export", "cadre:export", "导出干部 Excel", None, 200, {"type": "string", "format": "binary"}, ["keyword", "sort", "unit_id", "tag", "is_leader"]),
    ("get", "/api/v1/cadres/stats", "cadre:read", "干部专业特长统计", None, 200, ref("CadreStats"), []),
    ("post", "/api/v1/cadres", "cadre:write", "新增干部", "CadreInput", 201, ref("Cadre"), []),
    ("get", "/api/v1/cadres/{id}", "cadre:read", "干部详情", None, 200, ref("Cadre"), []),
    ("put", "/api/v1/cadres/{id}", "cadre:write", "修改干部", "CadreInput", 200, ref("Cadre"), []),
    ("delete", "/api/v1/cadres/{id}", "cadre:write", "删除干部", None, 204, None, []),
    ("get", "/api/v1/dicts", "dict:read", "数据字典类型", None, 200, items_of("DictType"), []),
    ("get", "/api/v1/dicts/{type}/items", "dict:read", "字典项", None, 200, items_of("DictItem"), ["enabled"]),
    ("post", "/api/v1/dicts/{type}/items", "dict:write", "新增字典项", "DictItemInput", 201, ref("DictItem"), []),
    ("put", "/api/v1/dict-items/{id}", "dict:write", "修改字典项", "DictItemInput", 200, ref("DictItem"), []),
    ("delete", "/api/v1/dict-items/{id}", "dict:write", "删除字典项", None, 204, None, []),
    ("get", "/api/v1/users", "user:read", "用户列表（受数据范围限制）", None, 200, page_of("User"), PAGE + ["unit_id", "status", "role_id"]),
    ("post", "/api/v1/users", "user:write", "新增用户", "UserInput", 201, ref("User"), []),
    ("get", "/api/v1/users/{id}", "user:read", "用户详情", None, 200, ref("User"), []),
    ("put", "/api/v1/users/{id}", "user:write", "修改用户", "UserInput", 200, ref("User"), []),
    ("post", "/api/v1/users/{id}/disable", "user:write", "停用用户", None, 200, ref("User"), []),
    ("post", "/api/v1/users/{id}/enable", "user:write", "启用用户", None, 200, ref("User"), []),
    ("post", "/api/v1/users/{id}/unlock", "user:write", "解锁用户", None, 200, ref("User"), []),
    ("post", "/api/v1/users/{id}/reset-password", "user:write", "重置密码", "ResetPassword", 200, ref("User"), []),
    ("put", "/api/v1/users/{id}/roles", "user:grant", "分配角色（三员分立校验）", "UserRoles", 200, ref("User"), []),
    ("get", "/api/v1/permissions", "role:read", "权限清单", None, 200, items_of("Permission"), []),
    ("get", "/api/v1/roles", "role:read", "角色列表", None, 200, page_of("Role"), PAGE),
    ("post", "/api/v1/roles", "role:write", "新增角色", "RoleInput", 201, ref("Role"), []),
    ("get", "/api/v1/roles/{id}", "role:read", "角色详情", None, 200, ref("Role"), []),
    ("put", "/api/v1/roles/{id}", "role:write", "修改角色", "RoleInput", 200, ref("Role"), []),
    ("delete", "/api/v1/roles/{id}", "role:write", "删除角色", None, 204, None, []),
    ("get", "/api/v1/tokens", "token:manage", "API 令牌列表", None, 200, page_of("Token"), PAGE),
    ("post", "/api/v1/tokens", "token:manage", "创建 API 令牌及其集成账号（密钥只显示一次）", "TokenInput", 201, ref("TokenCreated"), []),
    ("delete", "/api/v1/tokens/{id}", "token:manage", "吊销 API 令牌", None, 204, None, []),
    ("get", "/api/v1/audit", "audit:read", "审计日志（审计管理员）", None, 200, page_of("AuditRecord"), PAGE + ["username", "action", "result", "object_type", "from", "to"]),
    ("get", "/api/v1/login-log", "loginlog:read", "登录日志", None, 200, page_of("AuditRecord"), PAGE + ["username", "result", "from", "to"]),
    ("get", "/api/v1/settings/security", "security:read", "安全策略", None, 200, ref("SecurityPolicy"), []),
    ("put", "/api/v1/settings/security", "security:write", "修改安全策略", "SecurityPolicy", 200, ref("SecurityPolicy"), []),
    ("get", "/api/v1/stats/overview", "authenticated", "首页概况（受数据范围限制）", None, 200, ref("Overview"), []),
    ("get", "/api/v1/holidays", "dict:read", "工作日历（节假日与调休上班日）", None, 200, ref("HolidayList"), ["year"]),
    ("get", "/api/v1/holidays/coverage", "authenticated", "工作日历年度覆盖情况（11月起提示录入下一年度安排）", None, 200, ref("CalendarCoverage"), []),
    ("post", "/api/v1/holidays", "dict:write", "新增节假日或调休上班日（day 必填）", "HolidayInput", 201, ref("Holiday"), []),
    ("put", "/api/v1/holidays/{day}", "dict:write", "修改节假日或调休上班日", "HolidayInput", 200, ref("Holiday"), []),
    ("delete", "/api/v1/holidays/{day}", "dict:write", "删除节假日或调休上班日", None, 204, None, []),
    ("get", "/api/v1/deadlines/preview", "authenticated", "法定期限试算（按工作日历）", None, 200, ref("DeadlinePreview"), ["step", "start"]),
    ("post", "/api/v1/reception/plans/propose", "reception:plan", "生成接访日轮值方案（按工作日历，不保存）", "ReceptionPlanInput", 200, ref("ReceptionPlan"), []),
    ("post", "/api/v1/reception/plans/validate", "reception:plan", "检查（修改后的）接访日轮值方案", "ReceptionValidateInput", 200, ref("ReceptionValidation"), []),
    ("get", "/api/v1/reception/plans", "reception:read", "接访日方案列表（草稿/已发布）", None, 200, items_of("ReceptionPlanSummary"), []),
    ("post", "/api/v1/reception/plans", "reception:plan", "保存接访日方案（草稿；按排班规则校验）", "ReceptionPlanSave", 201, ref("ReceptionPlanDetail"), []),
    ("get", "/api/v1/reception/plans/{id}", "reception:read", "接访日方案详情", None, 200, ref("ReceptionPlanDetail"), []),
    ("put", "/api/v1/reception/plans/{id}", "reception:plan", "修改接访日方案（已发布的方案需重新发布）", "ReceptionPlanSave", 200, ref("ReceptionPlanDetail"), []),
    ("delete", "/api/v1/reception/plans/{id}", "reception:plan", "删除接访日方案（仅草稿）", None, 204, None, []),
    ("post", "/api/v1/reception/plans/{id}/publish", "reception:plan", "发布接访日方案（生成接访日，变更的接访日 SEQUENCE 加一）", "ReceptionPublish", 200, ref("ReceptionPlanDetail"), []),
    ("get", "/api/v1/reception/days", "reception:read", "已发布的接访日（含接待情况）", None, 200, page_of("ReceptionDay"), ["page", "page_size", "from", "to", "county_id", "leader_id"]),
    ("get", "/api/v1/reception/days/{id}", "reception:read", "接访日详情：接待情况与当日信访事项", None, 200, ref("ReceptionDayDetail"), []),
    ("get", "/api/v1/public/reception-days", None, "公开的接访日安排（近30天及以后）", None, 200, items_of("PublicReceptionDay"), ["county_id"]),
    ("get", "/api/v1/public/ical/county/{id}", None, "县接访日日历（iCalendar, RFC 5545）", None, 200, {"type": "string"}, []),
    ("get", "/api/v1/public/ical/leader/{id}", None, "领导接访日日历（iCalendar, RFC 5545）", None, 200, {"type": "string"}, []),
    ("get", "/api/v1/cases", "case:read", "信访事项列表", None, 200, ref("CaseList"), ["page", "page_size", "sort", "order", "keyword", "status", "county_id", "region_id", "unit_id", "category", "channel", "kind", "urgency", "deadline_state", "supervised", "first_time", "from", "to", "reception_day_id"]),
    ("post", "/api/v1/cases", "case:intake", "登记信访事项（回复含查询码）", "CaseInput", 201, ref("Case"), []),
    ("get", "/api/v1/cases/handlers", "case:assign", "可交办的承办单位和承办人", None, 200, ref("CaseHandlers"), []),
    ("get", "/api/v1/cases/organs", "case:assign", "政法机关和纪检监察机关（涉法涉诉转送、检举控告交办的对象）", None, 200, ref("CaseOrgans"), ["org_type"]),
    ("get", "/api/v1/cases/{id}", "case:read", "信访事项详情", None, 200, ref("Case"), []),
    ("get", "/api/v1/cases/{id}/pii", "case:pii", "查看信访人完整身份信息（记入审计）", None, 200, ref("CasePii"), []),
    ("post", "/api/v1/cases/{id}/actions/{action}", "case:read", "办理操作（受理、交办、签收、答复等；另需该操作的权限）", "CaseAction", 200, ref("Case"), []),
    ("post", "/api/v1/cases/{id}/links", "case:intake", "关联信访事项", "CaseLinkInput", 200, ref("Case"), []),
    ("post", "/api/v1/cases/{id}/query-code", "case:intake", "重新发放查询码", None, 200, ref("QueryCode"), []),
    # -- repeat detection, attachments, 我的待办, case settings (src/api/case_extra.c) --
    ("post", "/api/v1/cases/match", "case:intake", "查找重复信访事项（同一信访人、同一代表人、内容相似）", "CaseMatchInput", 200, ref("CaseMatch"), []),
    ("get", "/api/v1/cases/export", "case:export", "导出信访事项 Excel（证件号、电话脱敏）", None, 200, {"type": "string", "format": "binary"},
     ["keyword", "sort", "order", "status", "county_id", "region_id", "category", "channel", "kind", "urgency",
      "deadline_state", "supervised", "first_time", "from", "to"]),
    ("post", "/api/v1/cases/{id}/attachments", "case:read", "上传附件（请求体为文件内容，类型按内容识别，≤10 MiB）", "BINARY", 201, ref("CaseAttachment"), ["name"]),
    ("get", "/api/v1/cases/{id}/attachments/{aid}", "case:read", "下载附件", None, 200, {"type": "string", "format": "binary"}, []),
    ("get", "/api/v1/todo", "authenticated", "我的待办", None, 200, ref("Todo"), []),
    ("get", "/api/v1/settings/cases", "authenticated", "信访办理期限与重复件设置", None, 200, ref("CaseSettings"), []),
    ("put", "/api/v1/settings/cases", "case:settings", "修改信访办理期限与重复件设置", "CaseSettings", 200, ref("CaseSettings"), []),
]

# The citizens' public page (no account; src/api/public.c).
schemas.update({
    "PublicCounties": obj({"items": {"type": "array", "items": obj({"id": I, "name": S})}}),
    "PublicRegions": obj({"items": {"type": "array", "items": obj({"id": I, "name": S, "level": I})}}),
    "PublicCategories": obj({"items": {"type": "array", "items": obj({"code": S, "label": S})}}),
    "PublicCaseInput": obj({"region_id": I, "kind": {"type": "string", "enum": ["suggestion", "appeal", "report", "legal"]},
                            "category": S, "title": {"type": "string", "maxLength": 100},
                            "content": {"type": "string", "maxLength": 3000}, "name": {"type": "string", "maxLength": 30},
                            "phone": S, "id_number": S, "address": {"type": "string", "maxLength": 200},
                            "website": {"type": "string", "description": "防机器人字段，须为空"}},
                           ["region_id", "category", "title", "content", "name", "phone"]),
    "PublicReceipt": obj({"case_no": S, "query_code": S, "received_at": T, "lookup_url": S}),
    "PublicLookupInput": obj({"query_code": S, "phone_last4": S}, ["query_code", "phone_last4"]),
    "PublicRateInput": obj({"query_code": S, "phone_last4": S,
                            "satisfaction": {"type": "string", "enum": ["satisfied", "basically_satisfied", "unsatisfied"]}},
                           ["query_code", "phone_last4", "satisfaction"]),
    "PublicCase": obj({"case_no": S, "title": S, "kind": S, "kind_label": S, "status": S, "status_label": S,
                       "received_at": T, "due_date": S, "due_step_label": S, "deadline_state": S,
                       "deadline_state_label": S, "merged": B, "reply_text": S, "outcome_label": S,
                       "can_rate": B, "rating": S, "rating_label": S, "rated_at": S,
                       "timeline": {"type": "array", "items": obj({"at": T, "action": S, "label": S, "text": S,
                                                                  "outcome_label": S})}}),
})
E += [
    ("get", "/api/v1/public/counties", None, "公众：县（市、区）列表", None, 200, ref("PublicCounties"), []),
    ("get", "/api/v1/public/regions", None, "公众：下级乡镇、村（社区）", None, 200, ref("PublicRegions"), ["parent_id"]),
    ("get", "/api/v1/public/categories", None, "公众：信访事项分类", None, 200, ref("PublicCategories"), []),
    ("post", "/api/v1/public/cases", None, "公众：网上提交信访事项（每个地址10分钟内至多5次）", "PublicCaseInput", 201, ref("PublicReceipt"), []),
    ("post", "/api/v1/public/lookup", None, "公众：凭查询码和手机号后四位查询办理进度（每个地址每分钟至多10次）", "PublicLookupInput", 200, ref("PublicCase"), []),
    ("post", "/api/v1/public/rate", None, "公众：答复后对办理结果评价一次", "PublicRateInput", 200, ref("PublicCase"), []),
]

def param(name, where="query"):
    t = "integer" if name in ("page", "page_size", "parent_id", "level", "region_id", "unit_id", "role_id", "id", "year", "aid") else "string"
    return {"name": name, "in": where, "required": where == "path", "schema": {"type": t}}

paths = {}
for method, path, perm, summary, body, status, resp, q in E:
    if resp is None:
        ok = {"description": "成功"}
    else:
        ctype = ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" if "export" in path
                 else "text/calendar" if "/ical/" in path
                 else "application/octet-stream" if resp.get("format") == "binary"
                 else "application/json")
        ok = {"description": "成功", "content": {ctype: {"schema": resp}}}
    op = {"summary": summary, "x-permission": perm or "public",
          "responses": {str(status): ok, "default": ERR}}
    if perm is None:
        op["security"] = []
    params = [param(p) for p in q]
    for seg in path.split("/"):
        if seg.startswith("{"):
            params.append(param(seg[1:-1], "path"))
    if params:
        op["parameters"] = params
    if body == "BINARY":
        op["requestBody"] = {"required": True, "content": {"application/octet-stream": {
            "schema": {"type": "string", "format": "binary"}}}}
    elif body:
        op["requestBody"] = {"required": True, "content": {"application/json": {"schema": ref(body)}}}
    if method == "put":
        op.setdefault("parameters", []).append({"name": "If-Match", "in": "header", "required": False,
                                                "schema": {"type": "string"}, "description": "版本号（ETag），或在请求体中给出 version"})
    paths.setdefault(path, {})[method] = op

doc = {
    "openapi": "3.0.3",
    "info": {"title": "sixia 四下基层工作平台 API", "version": "0.1.0",
             "description": "错误格式 {error:{code,message,field}}；写操作需 X-CSRF-Token（会话）或 Bearer 令牌。"},
    "servers": [{"url": "/"}],
    "paths": paths,
    "components": {
        "schemas": schemas,
        "responses": {"Error": {"description": "错误", "content": {"application/json": {"schema": ref("Error")}}}},
        "securitySchemes": {
            "session": {"type": "apiKey", "in": "cookie", "name": "sixia_session"},
            "bearer": {"type": "http", "scheme": "bearer"},
        },
    },
    "security": [{"session": []}, {"bearer": []}],
}
out = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "docs", "openapi.json")
with open(out, "w", encoding="utf-8") as f:
    json.dump(doc, f, ensure_ascii=False, indent=1)
    f.write("\n")
print(f"wrote {out}: {sum(len(v) for v in paths.values())} operations")
