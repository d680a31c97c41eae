/* /api/v1/public: the citizens' page (submit, look up, rate) without an account. */
#include "api.h"

const struct route public_routes[] = {
    ROUTES_END,
};
