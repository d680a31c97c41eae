/* The sixia command line: one binary, one subcommand per file. */
#ifndef SX_CLI_H
#define SX_CLI_H
#include "../store/store.h"
#include "../util/config.h"

/* A command-specific option: --name VALUE (val) or --name (flag). */
struct opt {
    const char *name;
    const char **val;
    int *flag;
    const char *help;
};

/* Parses argv (after the subcommand): shared config options (config.h), the command's own
 * options, positional arguments into pos (at most maxpos). --help prints usage and exits 0.
 * Returns 0, or 2 after printing an error. */
int cli_parse(int argc, char **argv, struct config *c, const struct opt *opts, const char *usage,
              const char **pos, int maxpos, int *npos);
/* Opens and migrates the database at c->db; prints errors. */
struct db *cli_open_db(const struct config *c);
/* Ensures built-in roles, dictionaries and default settings exist (idempotent). */
int cli_bootstrap(struct db *db);

int cmd_serve(int argc, char **argv);
int cmd_init(int argc, char **argv);
int cmd_demo(int argc, char **argv);
int cmd_user(int argc, char **argv);
int cmd_import(int argc, char **argv);
int cmd_backup(int argc, char **argv);
int cmd_check(int argc, char **argv);
int cmd_routes(int argc, char **argv);
#endif
