/* Builds a nested tree from a flat list of JSON objects with "id" and "parent_id". Pure. */
#ifndef SX_TREE_H
#define SX_TREE_H
#include <jansson.h>

/* Returns a new array of roots; each node gets "children" (an array, possibly empty). Nodes
 * whose parent is absent from the list become roots (a scoped subtree). Steals flat. */
json_t *tree_build(json_t *flat);
#endif
