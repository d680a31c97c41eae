/* Store interface: role (see store.h for conventions). */
#ifndef SX_ST_ROLE_H
#define SX_ST_ROLE_H
#include "store.h"

#endif
