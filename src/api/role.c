#include "api.h"

const struct route role_routes[] = {
    ROUTES_END,
};
