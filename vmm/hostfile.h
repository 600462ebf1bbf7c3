/*
 * vmm/hostfile.h - reading a whole file of the host (a kernel, a ROM image)
 * into memory, with a one-line reason when that fails.
 */
#ifndef VMM_HOSTFILE_H
#define VMM_HOSTFILE_H

#include <stddef.h>
#include <stdint.h>

/* The contents of PATH (free() them), its size in *SIZE; or NULL with the
 * reason in ERR, also when it is larger than MAX_SIZE bytes. */
uint8_t *hostfile_read(const char *path, size_t max_size, size_t *size, char *err, size_t errlen);

#endif
