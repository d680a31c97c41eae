/* Store interface: cadre (see store.h for conventions). */
#ifndef SX_ST_CADRE_H
#define SX_ST_CADRE_H
#include "store.h"

#endif
