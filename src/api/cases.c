/* /api/v1/cases: petition case intake, list, detail, workflow actions, personal data view. */
#include "api.h"

const struct route case_routes[] = {
    ROUTES_END,
};
