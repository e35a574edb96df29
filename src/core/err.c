/* err.c — result code names and the diagnostic list. */
#include "core/err.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#define HD_ERR_TEXT_(name, text) text,
static const char *const err_text[] = {HD_ERRORS(HD_ERR_TEXT_)};
#undef HD_ERR_TEXT_

#define HD_ERR_NAME_(name, text) #name,
static const char *const err_name[] = {HD_ERRORS(HD_ERR_NAME_)};
#undef HD_ERR_NAME_

const char *hd_strerror(hd_err err)
{
    if ((int)err < 0 || err >= HD_ERR_COUNT_)
        return "unknown error";
    return err_text[err];
}

const char *hd_err_name(hd_err err)
{
    if ((int)err < 0 || err >= HD_ERR_COUNT_)
        return "HD_E?";
    return err_name[err];
}

void hd_diag_init(hd_diag *d, const char *file)
{
    memset(d, 0, sizeof *d);
    d->file = file;
}

void hd_diag_add(hd_diag *d, int line, int col, const char *fmt, ...)
{
    if (d->n >= HD_DIAG_MAX) {
        d->dropped++;
        return;
    }
    hd_diag_item *it = &d->item[d->n++];
    it->line = line;
    it->col = col;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(it->msg, sizeof it->msg, fmt, ap);
    va_end(ap);
}

int hd_diag_format(const hd_diag *d, int i, char *buf, size_t cap)
{
    const hd_diag_item *it = &d->item[i];
    const char *file = d->file ? d->file : "<input>";
    if (it->line > 0)
        return snprintf(buf, cap, "%s:%d:%d: %s", file, it->line, it->col, it->msg);
    return snprintf(buf, cap, "%s: %s", file, it->msg);
}
