/* Store interface: user (see store.h for conventions). */
#ifndef SX_ST_USER_H
#define SX_ST_USER_H
#include "store.h"

#endif
