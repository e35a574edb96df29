/* usb.c — finding the USB stick (see usb.h). */
#define _POSIX_C_SOURCE 200809L
#include "sys/usb.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static bool is_dir(const char *p)
{
    struct stat sb;
    return stat(p, &sb) == 0 && S_ISDIR(sb.st_mode);
}

/* A mount point has another device than the directory holding it. */
static bool different_device(const char *dir, const char *parent)
{
    struct stat a, b;
    return stat(dir, &a) == 0 && stat(parent, &b) == 0 && a.st_dev != b.st_dev;
}

static hd_err put(const char *path, char *out, size_t cap)
{
    size_t n = strlen(path);
    if (n + 1 > cap) {
        out[0] = '\0';
        return HD_EINVAL;
    }
    memcpy(out, path, n + 1);
    return HD_OK;
}

static int visible(const struct dirent *d) { return d->d_name[0] != '.'; }

/* Looks at the entries of dir in name order; depth 0 may descend once into
 * a directory that is not itself mounted (/media/<user>). */
static hd_err scan(const char *dir, int depth, hd_usb_is_mount_fn is_mount, char *out,
                   size_t cap)
{
    struct dirent **names = NULL;
    int n = scandir(dir, &names, visible, alphasort);
    if (n < 0)
        return HD_ENOTFOUND;
    hd_err e = HD_ENOTFOUND;
    for (int i = 0; i < n; i++) {
        if (e == HD_ENOTFOUND) {
            size_t len = strlen(dir) + strlen(names[i]->d_name) + 2;
            char *p = malloc(len);
            if (!p) {
                e = HD_ENOMEM;
            } else {
                snprintf(p, len, "%s/%s", dir, names[i]->d_name);
                if (is_dir(p)) {
                    if (is_mount(p, dir)) {
                        if (access(p, W_OK) == 0)
                            e = put(p, out, cap);
                    } else if (depth == 0) {
                        e = scan(p, 1, is_mount, out, cap);
                    }
                }
                free(p);
            }
        }
        free(names[i]);
    }
    free(names);
    return e;
}

hd_err hd_usb_scan(const char *root, hd_usb_is_mount_fn is_mount, char *out, size_t cap)
{
    if (!root || !out || cap == 0)
        return HD_EINVAL;
    out[0] = '\0';
    return scan(root, 0, is_mount ? is_mount : different_device, out, cap);
}

hd_err hd_usb_find_dir(const char *configured, char *out, size_t cap)
{
    if (!out || cap == 0)
        return HD_EINVAL;
    out[0] = '\0';
    if (configured && *configured) {
        if (!is_dir(configured))
            return HD_ENOTFOUND;
        if (access(configured, W_OK) != 0)
            return HD_EREADONLY;
        return put(configured, out, cap);
    }
    static const char *const roots[] = {"/media", "/run/media"};
    for (size_t i = 0; i < sizeof roots / sizeof roots[0]; i++) {
        hd_err e = hd_usb_scan(roots[i], NULL, out, cap);
        if (e != HD_ENOTFOUND)
            return e;
    }
    return HD_ENOTFOUND;
}
