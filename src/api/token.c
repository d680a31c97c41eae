#include "api.h"

const struct route token_routes[] = {
    ROUTES_END,
};
