#include "api.h"

const struct route unit_routes[] = {
    ROUTES_END,
};
