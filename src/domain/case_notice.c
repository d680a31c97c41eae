#include "case_notice.h"
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

__attribute__((format(printf, 1, 2))) static char *fmt(const char *f, ...)
{
    va_list ap;
    va_start(ap, f);
    char *out = NULL;
    int n = vasprintf(&out, f, ap);
    va_end(ap);
    return n < 0 ? NULL : out;
}

static const char *nz(const char *s) { return s ? s : ""; }

/* Length of s without trailing ASCII blanks, full stops and their full-width forms. */
static size_t stop_trimmed_len(const char *s)
{
    static const char *const tails[] = {"\xe3\x80\x82" /* 。 */, "\xef\xbc\x8e" /* ． */,
                                        "\xef\xbc\x81" /* ！ */, "\xe3\x80\x80" /* ideographic space */};
    size_t n = strlen(s);
    for (;;) {
        if (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r' || s[n - 1] == '\n' || s[n - 1] == '.' ||
                  s[n - 1] == '!')) {
            n--;
            continue;
        }
        int cut = 0;
        for (size_t i = 0; i < sizeof tails / sizeof tails[0]; i++)
            if (n >= 3 && !memcmp(s + n - 3, tails[i], 3)) {
                n -= 3;
                cut = 1;
                break;
            }
        if (!cut) return n;
    }
}

char *case_notice_trim_stop(const char *text)
{
    const char *s = nz(text);
    size_t n = stop_trimmed_len(s);
    char *out = malloc(n + 1);
    if (!out) return NULL;
    memcpy(out, s, n);
    out[n] = 0;
    return out;
}

char *case_notice_accept(const char *title, const char *day)
{
    return fmt("您反映的“%s”一事，已于%s依法受理。我们将在规定期限内办理并向您答复，您可凭查询码查询办理进度。",
               nz(title), nz(day));
}

char *case_notice_decline(const char *title, const char *reason)
{
    const char *r = nz(reason);
    int n = (int)stop_trimmed_len(r);
    return fmt("您反映的“%s”一事，经审查，依据《信访工作条例》第二十二条，决定不予受理。理由：%.*s。"
               "如对本决定有异议，可依法通过其他途径反映。",
               nz(title), n, r);
}

char *case_notice_final(const char *title, const char *final_case_no)
{
    const char *no = nz(final_case_no);
    return fmt("您反映的“%s”一事，%s%s%s已经复查、复核终结。依据《信访工作条例》第三十六条，信访人对复核意见不服，"
               "仍以同一事实和理由提出投诉请求的，不再受理。",
               nz(title), *no ? "与信访事项" : "", no, *no ? "为同一事项，" : "");
}

char *case_notice_repeat_open(const char *title, const char *orig_case_no, const char *orig_status_label,
                              const char *due)
{
    const char *d = nz(due);
    return fmt("您反映的“%s”一事，与已登记的信访事项%s为同一事项，该事项正在规定期限内办理（当前状态：%s%s%s）。"
               "依据《信访工作条例》第十九条，不再作为新的信访事项受理，您可凭原事项的查询码查询办理进度。",
               nz(title), nz(orig_case_no), nz(orig_status_label), *d ? "，办理期限至" : "", d);
}

char *case_notice_extension(const char *title, const char *due, const char *reason)
{
    const char *r = nz(reason);
    int n = (int)stop_trimmed_len(r);
    return fmt("您反映的“%s”一事，因%.*s，经承办单位负责人批准，办理期限延长至%s（《信访工作条例》第三十四条）。",
               nz(title), n, r, nz(due));
}
