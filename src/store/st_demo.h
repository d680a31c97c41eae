/* Store interface: demo (see store.h for conventions). */
#ifndef SX_ST_DEMO_H
#define SX_ST_DEMO_H
#include "store.h"

#endif
