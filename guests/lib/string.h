/*
 * string.h - the few C library string functions the guests use. GCC may also emit calls
 * to memcpy and memset on its own (struct copies, zeroing loops), even when freestanding.
 */
#ifndef GUEST_STRING_H
#define GUEST_STRING_H

#include <stddef.h>

void *memcpy(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
size_t strlen(const char *s);
int strcmp(const char *a, const char *b);

#endif
