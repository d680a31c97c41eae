/* One error convention for the whole code base: functions return 0 (SX_OK) or one of these
 * codes. err.c holds the one table that maps a code to its HTTP status, its machine-readable
 * name and its default Chinese message. */
#ifndef SX_ERR_H
#define SX_ERR_H

typedef enum {
    SX_OK = 0,
    SX_EBADJSON,      /* 400 */
    SX_EUTF8,         /* 400 */
    SX_EBADQUERY,     /* 400 */
    SX_EBADREQUEST,   /* 400: malformed HTTP framing (duplicate Content-Length, missing Host) */
    SX_EUNAUTH,       /* 401 */
    SX_ECREDS,        /* 401 */
    SX_ESESSION,      /* 401 */
    SX_EFORBIDDEN,    /* 403 */
    SX_ECSRF,         /* 403 */
    SX_ELOCKED,       /* 403 */
    SX_EDISABLED,     /* 403 */
    SX_EPWCHANGE,     /* 403 */
    SX_ESOD,          /* 409: separation of duties (三员分立) */
    SX_ENOTFOUND,     /* 404 */
    SX_EMETHOD,       /* 405 */
    SX_ETIMEOUT,      /* 408: headers or body not received within the time limit */
    SX_ECONFLICT,     /* 409 */
    SX_EVERSION,      /* 409 */
    SX_EREFERENCED,   /* 409 */
    SX_EDUPLICATE,    /* 409 */
    SX_ECYCLE,        /* 409 */
    SX_EPRECOND,      /* 412 */
    SX_ETOOLARGE,     /* 413 */
    SX_EMEDIA,        /* 415 */
    SX_EVALIDATION,   /* 422 */
    SX_EWEAKPASSWORD, /* 422 */
    SX_EPRECONDREQ,   /* 428 */
    SX_ERATE,         /* 429 */
    SX_EINTERNAL,     /* 500 */
    SX_EUNAVAILABLE,  /* 503 */
    SX_EBUSY,         /* 503: every password-hashing slot is taken; answered with Retry-After */
    SX_ERETRY,        /* 503: the database gave up the transaction (serialization failure,
                       * deadlock, lock timeout); app_write runs it again a bounded number
                       * of times before answering with this */
    SX__COUNT
} sx_err;

int err_status(int code);
const char *err_code(int code);
const char *err_message(int code);
#endif
