/* SQL text shared by migration 6 and `sixia check` (st_audit_triggers compares the stored
 * CREATE TRIGGER text with it). Never change a released text: add a migration. */
#ifndef SX_ST_AUDIT_SQL_H
#define SX_ST_AUDIT_SQL_H

/* The switch point to the keyed chain is fixed once recorded. */
#define AUDIT_KEYED_FROM_NO_UPDATE                                                                 \
    "CREATE TRIGGER audit_keyed_from_no_update BEFORE UPDATE ON settings"                          \
    " WHEN old.key = 'audit_keyed_from' BEGIN SELECT RAISE(ABORT, 'audit_keyed_from is fixed'); END"
#define AUDIT_KEYED_FROM_NO_DELETE                                                                 \
    "CREATE TRIGGER audit_keyed_from_no_delete BEFORE DELETE ON settings"                          \
    " WHEN old.key = 'audit_keyed_from' BEGIN SELECT RAISE(ABORT, 'audit_keyed_from is fixed'); END"
#endif
