/* Store interface: token (see store.h for conventions). */
#ifndef SX_ST_TOKEN_H
#define SX_ST_TOKEN_H
#include "store.h"

#endif
