/* usb.h — where staff mode finds the USB stick to copy data to and load
 * updates from. POSIX only, no SDL, no SQLite.
 */
#ifndef HD_USB_H
#define HD_USB_H

#include <stdbool.h>
#include <stddef.h>

#include "core/err.h"

/* Tells whether dir (a directory directly inside parent) is a mounted
 * filesystem. NULL in hd_usb_scan means: its device differs from parent's. */
typedef bool (*hd_usb_is_mount_fn)(const char *dir, const char *parent);

/* The directory to use for the stick, into out (cap bytes).
 * configured (usb_dir from the config) when it is set and not empty: then
 * HD_ENOTFOUND when it does not exist or is not a directory (no stick in),
 * HD_EREADONLY when it cannot be written. Otherwise the first mounted,
 * writable directory under /media, then /run/media, found by hd_usb_scan.
 * HD_ENOTFOUND when there is none, HD_EINVAL when out is too small (out is
 * then ""). */
hd_err hd_usb_find_dir(const char *configured, char *out, size_t cap);

/* The first mounted, writable directory under root, into out: either
 * root/<label> (mounted there) or root/<user>/<label> (desktop automount,
 * as on Raspberry Pi OS), in name order, hidden names skipped. is_mount
 * decides what is mounted (NULL: a different device from its parent;
 * tests pass their own). A mounted directory that cannot be written (a
 * read-only stick) is passed over. HD_ENOTFOUND when there is none. */
hd_err hd_usb_scan(const char *root, hd_usb_is_mount_fn is_mount, char *out, size_t cap);

#endif
