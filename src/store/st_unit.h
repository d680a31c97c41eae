/* Store interface: unit (see store.h for conventions). */
#ifndef SX_ST_UNIT_H
#define SX_ST_UNIT_H
#include "store.h"

#endif
