/* hw/chardev.c - the stdio, file and null character back-ends. */
#include <errno.h>
#include <string.h>

#include "hw/chardev.h"

int chardev_open(struct chardev *cd, const char *spec, char *err, size_t errlen)
{
	cd->out = NULL;
	cd->owned = 0;
	if (!strcmp(spec, "stdio")) {
		cd->out = stdout;
		return 0;
	}
	if (!strcmp(spec, "none") || !strcmp(spec, "null"))
		return 0;
	if (!strncmp(spec, "file:", 5)) {
		cd->out = fopen(spec + 5, "w");
		if (!cd->out) {
			snprintf(err, errlen, "could not open '%s': %s", spec + 5, strerror(errno));
			return -1;
		}
		cd->owned = 1;
		return 0;
	}
	snprintf(err, errlen, "'%s' is not a character back-end (stdio, file:PATH, none)", spec);
	return -1;
}

void chardev_write(struct chardev *cd, const void *buf, size_t len)
{
	if (!cd->out)
		return;
	fwrite(buf, 1, len, cd->out);
	/* Whole lines reach the terminal as the guest prints them. */
	if (memchr(buf, '\n', len))
		fflush(cd->out);
}

void chardev_close(struct chardev *cd)
{
	if (cd->out)
		fflush(cd->out);
	if (cd->owned)
		fclose(cd->out);
	cd->out = NULL;
	cd->owned = 0;
}
