/* /api/v1/cases (repeat matching, attachments, export), /api/v1/todo, /api/v1/settings/cases. */
#include "api.h"

const struct route case_extra_routes[] = {
    ROUTES_END,
};
