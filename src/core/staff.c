/* staff.c — the staff PIN lockout policy (see staff.h). */
#include "core/staff.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

/* Far enough for any real clock, small enough that adding a lockout to it
 * cannot overflow: the year 9999. */
#define LATEST_S INT64_C(253402300799)
#define MAX_LOCKOUTS 1000000

void hd_staff_init(hd_staff_lock *s)
{
    s->failures = 0;
    s->lockouts = 0;
    s->locked_until_s = 0;
}

int hd_staff_lock_seconds(int n)
{
    if (n < 1)
        return 0;
    int secs = HD_STAFF_LOCK_FIRST_S;
    /* Doubling stops at the cap, so a large n cannot overflow. */
    for (int i = 1; i < n && secs < HD_STAFF_LOCK_MAX_S; i++)
        secs *= 2;
    return secs < HD_STAFF_LOCK_MAX_S ? secs : HD_STAFF_LOCK_MAX_S;
}

bool hd_staff_locked(hd_staff_lock *s, int64_t now_s, int64_t *seconds_left)
{
    if (seconds_left)
        *seconds_left = 0;
    if (s->lockouts < 1 || now_s >= s->locked_until_s)
        return false;
    int64_t len = hd_staff_lock_seconds(s->lockouts);
    if (s->locked_until_s - now_s > len)
        s->locked_until_s = now_s + len; /* the clock went back: restart */
    if (seconds_left)
        *seconds_left = s->locked_until_s - now_s;
    return true;
}

bool hd_staff_record_failure(hd_staff_lock *s, int64_t now_s)
{
    if (hd_staff_locked(s, now_s, NULL))
        return true;
    if (++s->failures < HD_STAFF_MAX_FAILURES)
        return false;
    s->failures = 0;
    if (s->lockouts < MAX_LOCKOUTS)
        s->lockouts++;
    s->locked_until_s = now_s + hd_staff_lock_seconds(s->lockouts);
    return true;
}

void hd_staff_record_success(hd_staff_lock *s) { hd_staff_init(s); }

hd_err hd_staff_format(const hd_staff_lock *s, char *buf, size_t cap)
{
    if (!buf || cap == 0)
        return HD_EINVAL;
    int n = snprintf(buf, cap, "v1 %d %d %" PRId64, s->failures, s->lockouts, s->locked_until_s);
    if (n < 0 || (size_t)n >= cap) {
        buf[0] = '\0';
        return HD_EINVAL;
    }
    return HD_OK;
}

/* Reads a decimal number of at most 12 digits, no sign, no leading zero
 * (so every state has exactly one spelling), starting at *p. */
static bool read_num(const char **p, int64_t *out)
{
    const char *q = *p;
    int64_t v = 0;
    int digits = 0;
    while (*q >= '0' && *q <= '9') {
        if (++digits > 12)
            return false;
        v = v * 10 + (*q - '0');
        q++;
    }
    if (digits == 0 || (digits > 1 && **p == '0'))
        return false;
    *p = q;
    *out = v;
    return true;
}

hd_err hd_staff_parse(const char *text, hd_staff_lock *out)
{
    if (!text || !out || strncmp(text, "v1 ", 3) != 0)
        return HD_EPARSE;
    const char *p = text + 3;
    int64_t f, l, u;
    if (!read_num(&p, &f) || *p++ != ' ' || !read_num(&p, &l) || *p++ != ' ' ||
        !read_num(&p, &u) || *p != '\0')
        return HD_EPARSE;
    if (f >= HD_STAFF_MAX_FAILURES || l > MAX_LOCKOUTS || u > LATEST_S)
        return HD_EPARSE;
    if (l == 0 && u != 0) /* a lockout end without any lockout */
        return HD_EPARSE;
    out->failures = (int)f;
    out->lockouts = (int)l;
    out->locked_until_s = u;
    return HD_OK;
}
