/* The shipped working-day calendar (data/holidays.csv), embedded in the binary as a
 * NUL-terminated string. st_bootstrap copies it into the holidays table of a new database;
 * administrators edit the table afterwards. The path is relative to the repository root, where
 * the compiler runs (the Makefile makes this object depend on the CSV). */
#include "st_holiday.h"

__asm__(".section .rodata\n"
        ".global sx_holidays_csv\n"
        "sx_holidays_csv:\n"
        ".incbin \"data/holidays.csv\"\n"
        ".byte 0\n"
        ".previous\n");

extern const char sx_holidays_csv[];

const char *holidays_shipped_csv(void) { return sx_holidays_csv; }
