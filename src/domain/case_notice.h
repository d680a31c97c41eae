/* The written notices a petitioner receives (告知书 and the like), as one place for their wording:
 * the console's case detail and the citizens' lookup show the same text. Pure: no I/O.
 *
 * Every function returns a malloc'd NUL-terminated UTF-8 string the caller frees, or NULL when
 * memory runs out. Inputs are texts the clerk or the system gave (a NULL text counts as ""); a
 * reason's own closing full stop is not doubled ("理由：……。。" never appears). */
#ifndef SX_CASE_NOTICE_H
#define SX_CASE_NOTICE_H

/* 受理告知: accepted on day ("YYYY-MM-DD"). */
char *case_notice_accept(const char *title, const char *day);
/* 不予受理告知 with the clerk's reason (2022 art. 22). */
char *case_notice_decline(const char *title, const char *reason);
/* 不再受理: the same facts and reasons already went through 复查 and 复核 (2022 art. 36);
 * final_case_no names the matter that was closed by 复核 ("" when unknown). */
char *case_notice_final(const char *title, const char *final_case_no);
/* A repeat of a matter still within its time limits (2022 art. 19): not accepted again, the
 * petitioner is told the original's number, status and next deadline (due "" when none). */
char *case_notice_repeat_open(const char *title, const char *orig_case_no, const char *orig_status_label,
                              const char *due);
/* 延期告知: the time limit of the matter is extended to due because of reason (art. 34). */
char *case_notice_extension(const char *title, const char *due, const char *reason);
/* Copies text without its trailing full stops and blanks (。．.!！ spaces) into a new string. */
char *case_notice_trim_stop(const char *text);
#endif
