/* Flat list → nested tree (domain/tree.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include "domain/tree.h"

static json_t *node(int id, int parent)
{
    return parent ? json_pack("{s:i,s:i}", "id", id, "parent_id", parent) : json_pack("{s:i,s:n}", "id", id, "parent_id");
}

static int id_of(json_t *n) { return (int)json_integer_value(json_object_get(n, "id")); }
static json_t *kids(json_t *n) { return json_object_get(n, "children"); }

static void nesting(void **state)
{
    (void)state;
    /* children may come before their parents in the list */
    json_t *flat = json_array();
    json_array_append_new(flat, node(4, 2));
    json_array_append_new(flat, node(1, 0));
    json_array_append_new(flat, node(2, 1));
    json_array_append_new(flat, node(3, 1));
    json_array_append_new(flat, node(5, 4));
    json_t *roots = tree_build(flat);
    assert_int_equal(json_array_size(roots), 1);
    json_t *r = json_array_get(roots, 0);
    assert_int_equal(id_of(r), 1);
    assert_int_equal(json_array_size(kids(r)), 2);
    json_t *n2 = json_array_get(kids(r), 0), *n3 = json_array_get(kids(r), 1);
    assert_int_equal(id_of(n2), 2);
    assert_int_equal(id_of(n3), 3);
    assert_int_equal(json_array_size(kids(n3)), 0); /* leaves get an empty array */
    assert_int_equal(json_array_size(kids(n2)), 1);
    json_t *n4 = json_array_get(kids(n2), 0);
    assert_int_equal(id_of(n4), 4);
    assert_int_equal(id_of(json_array_get(kids(n4), 0)), 5);
    json_decref(roots);
}

static void orphans_become_roots(void **state)
{
    (void)state;
    /* a scoped subtree: the parent (1) is not in the list */
    json_t *flat = json_array();
    json_array_append_new(flat, node(7, 1));
    json_array_append_new(flat, node(8, 7));
    json_array_append_new(flat, node(9, 1));
    json_array_append_new(flat, json_pack("{s:i}", "id", 10)); /* no parent_id at all */
    json_t *roots = tree_build(flat);
    assert_int_equal(json_array_size(roots), 3);
    assert_int_equal(id_of(json_array_get(roots, 0)), 7);
    assert_int_equal(id_of(json_array_get(roots, 1)), 9);
    assert_int_equal(id_of(json_array_get(roots, 2)), 10);
    assert_int_equal(id_of(json_array_get(kids(json_array_get(roots, 0)), 0)), 8);
    json_decref(roots);
}

static void self_parent_and_empty(void **state)
{
    (void)state;
    json_t *flat = json_array();
    json_array_append_new(flat, node(3, 3));
    json_t *roots = tree_build(flat);
    assert_int_equal(json_array_size(roots), 1);
    assert_int_equal(json_array_size(kids(json_array_get(roots, 0))), 0);
    json_decref(roots);
    roots = tree_build(json_array());
    assert_int_equal(json_array_size(roots), 0);
    json_decref(roots);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(nesting), cmocka_unit_test(orphans_become_roots), cmocka_unit_test(self_parent_and_empty),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
