#include "tree.h"
#include <stdio.h>

json_t *tree_build(json_t *flat)
{
    json_t *byid = json_object(), *roots = json_array();
    size_t i;
    json_t *n;
    char key[32];
    json_array_foreach(flat, i, n)
    {
        json_object_set_new(n, "children", json_array());
        snprintf(key, sizeof key, "%lld", (long long)json_integer_value(json_object_get(n, "id")));
        json_object_set(byid, key, n);
    }
    json_array_foreach(flat, i, n)
    {
        json_t *p = json_object_get(n, "parent_id");
        json_t *parent = NULL;
        if (json_is_integer(p)) {
            snprintf(key, sizeof key, "%lld", (long long)json_integer_value(p));
            parent = json_object_get(byid, key);
        }
        json_array_append(parent && parent != n ? json_object_get(parent, "children") : roots, n);
    }
    json_decref(byid);
    json_decref(flat);
    return roots;
}
