#include "api.h"

const struct route user_routes[] = {
    ROUTES_END,
};
