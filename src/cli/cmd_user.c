#include "cli.h"
#include <stdio.h>

int cmd_user(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fprintf(stderr, "not yet\n");
    return 1;
}
