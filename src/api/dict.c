#include "api.h"

const struct route dict_routes[] = {
    ROUTES_END,
};
