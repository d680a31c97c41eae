/* Store interface: dict (see store.h for conventions). */
#ifndef SX_ST_DICT_H
#define SX_ST_DICT_H
#include "store.h"

#endif
