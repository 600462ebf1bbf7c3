/*
 * hw/chardev.h - character back-ends for serial ports and the debug console:
 * the host side of a byte stream (QEMU's -serial / -debugcon syntax).
 *   stdio        the terminal
 *   file:PATH    a file, created or truncated
 *   none, null   nothing: output discarded
 */
#ifndef HW_CHARDEV_H
#define HW_CHARDEV_H

#include <stddef.h>
#include <stdio.h>

struct chardev {
	FILE *out;      /* NULL for none/null */
	int owned;      /* close at exit (a file we opened) */
};

/* Returns 0, or -1 with a message in ERR (ERRLEN bytes). */
int chardev_open(struct chardev *cd, const char *spec, char *err, size_t errlen);
void chardev_write(struct chardev *cd, const void *buf, size_t len);
void chardev_close(struct chardev *cd);

#endif
