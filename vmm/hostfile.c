/* vmm/hostfile.c - reading a host file whole (see vmm/hostfile.h). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "vmm/hostfile.h"

uint8_t *hostfile_read(const char *path, size_t max_size, size_t *size, char *err, size_t errlen)
{
	int fd = open(path, O_RDONLY);
	struct stat st;
	uint8_t *buf;

	if (fd < 0) {
		snprintf(err, errlen, "could not open: %s", strerror(errno));
		return NULL;
	}
	if (fstat(fd, &st) || !S_ISREG(st.st_mode)) {
		snprintf(err, errlen, "not a regular file");
		close(fd);
		return NULL;
	}
	/* Checked before the read, so a disk image given by mistake is not
	 * read into memory just to be refused. */
	if ((uint64_t)st.st_size > max_size) {
		snprintf(err, errlen, "too large (%lld bytes, at most %zu)", (long long)st.st_size, max_size);
		close(fd);
		return NULL;
	}
	buf = malloc(st.st_size ? st.st_size : 1);
	if (!buf || read(fd, buf, st.st_size) != st.st_size) {
		snprintf(err, errlen, "could not read: %s", buf ? strerror(errno) : "out of memory");
		free(buf);
		close(fd);
		return NULL;
	}
	close(fd);
	*size = st.st_size;
	return buf;
}
