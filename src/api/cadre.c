#include "api.h"

const struct route cadre_routes[] = {
    ROUTES_END,
};
