#include "api.h"

const struct route stats_routes[] = {
    ROUTES_END,
};
