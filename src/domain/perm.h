/* Permissions, the built-in roles and the separation of the three administrators (三员分立).
 * Pure data and logic: no I/O. */
#ifndef SX_PERM_H
#define SX_PERM_H
#include <stdint.h>

enum perm {
    P_REGION_READ,
    P_REGION_WRITE,
    P_UNIT_READ,
    P_UNIT_WRITE,
    P_CADRE_READ,
    P_CADRE_WRITE,
    P_CADRE_EXPORT,
    P_DICT_READ,
    P_DICT_WRITE,
    P_USER_READ,
    P_USER_WRITE,
    P_USER_GRANT,
    P_ROLE_READ,
    P_ROLE_WRITE,
    P_TOKEN_MANAGE,
    P_SECURITY_READ,
    P_SECURITY_WRITE,
    P_AUDIT_READ,
    P_LOGINLOG_READ,
    P_RECEPTION_PLAN,
    /* Petition cases (信访事项, issue 3). The action permissions are named by case_flow's table. */
    P_CASE_READ,
    P_CASE_INTAKE,
    P_CASE_ACCEPT,
    P_CASE_ASSIGN,
    P_CASE_SIGN,
    P_CASE_HANDLE,
    P_CASE_REPLY,
    P_CASE_CALLBACK,
    P_CASE_CLOSE,
    P_CASE_EXTEND_REQUEST,
    P_CASE_EXTEND_APPROVE,
    P_CASE_SUPERVISE,
    P_CASE_REVIEW,
    P_CASE_PII,      /* see full ID numbers and phones (each view audited) */
    P_CASE_REPORT,   /* see and handle 检举控告 cases */
    P_CASE_EXPORT,
    P_CASE_SETTINGS, /* time limits and detection settings */
    P_RECEPTION_READ,
    P__COUNT,
    /* Pseudo permissions for routes. */
    P_PUBLIC = 62,
    P_AUTHENTICATED = 63,
};

/* Administrator classes of 三员分立. A permission belongs to at most one class. */
enum admin_class { AC_NONE = 0, AC_SYS = 1, AC_SEC = 2, AC_AUDIT = 4 };

struct perm_info {
    const char *code;  /* "cadre:read" */
    const char *name;  /* Chinese */
    const char *group; /* Chinese menu group */
    int admin_class;
};

extern const struct perm_info perm_table[P__COUNT];

/* Index of a permission code, or -1. */
int perm_from_code(const char *code);
static inline uint64_t perm_bit(int p) { return (uint64_t)1 << p; }
/* The union of admin classes of the permissions in mask (AC_* bits). */
int perm_classes(uint64_t mask);
/* 1 when mask mixes two or more administrator classes (forbidden by 三员分立). */
int perm_violates_sod(uint64_t mask);
const char *admin_class_code(int ac); /* "sys", "sec", "audit" or NULL */
/* Why a role (its permission mask) cannot be given to an API token's integration account:
 * administrator permissions (三员分立), or the permissions that reach people's personal data
 * and the 检举控告 cases (PERM_TOKEN_PERSONAL), which only named people may hold. */
enum token_role_check { TOKEN_ROLE_OK = 0, TOKEN_ROLE_ADMIN = 1, TOKEN_ROLE_PERSONAL = 2 };
#define PERM_TOKEN_PERSONAL (((uint64_t)1 << P_CASE_PII) | ((uint64_t)1 << P_CASE_REPORT))
enum token_role_check perm_token_role_check(uint64_t mask);
int admin_class_from_code(const char *code);

/* Data scopes (DOMAIN.md §5). */
enum data_scope { DS_ALL = 1, DS_CUSTOM = 2, DS_OWN_UNIT = 3, DS_UNIT_AND_BELOW = 4, DS_SELF = 5 };

/* Built-in roles created by init/demo. */
struct builtin_role {
    const char *code, *name;
    int admin_class;
    int data_scope;
    uint64_t perms;
};
extern const struct builtin_role builtin_roles[];
extern const int builtin_role_count;
#endif
