/* SPDX-License-Identifier: MIT */
/*
 * Small helpers of dmabuf-inspect: allocation that cannot fail (it exits),
 * growing arrays, whole-file reads and the escapes the kernel's text
 * files use.
 */
#ifndef DMABUF_UTIL_H
#define DMABUF_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

void *xmalloc(size_t size);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *ptr, size_t size);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
#define __printf(a, b) __attribute__((format(printf, a, b)))

__printf(1, 2) char *xasprintf(const char *fmt, ...);

/*
 * Appends one zeroed element to the array *@arr of *@len elements of
 * @size bytes and returns it. Grows by doubling: call only through
 * ARRAY_PUSH, which keeps the capacity in *@cap.
 */
void *array_push(void **arr, size_t *len, size_t *cap, size_t size);
#define ARRAY_PUSH(arr, len, cap) \
	((__typeof__(arr))array_push((void **)&(arr), &(len), &(cap), sizeof(*(arr))))

/*
 * Reads the whole file @path into a NUL-terminated malloc'ed buffer.
 * @timeout_ms > 0 bounds a read that blocks in the kernel (bufinfo takes
 * every buffer's reservation lock): it then fails with -ETIMEDOUT.
 * Returns 0 or -errno; *@len (may be NULL) gets the length.
 */
int read_file(const char *path, int timeout_ms, char **text, size_t *len);

/* Undoes seq_escape()'s octal escapes ("\040") of @in, in place. */
void unescape_octal(char *s);

/* Removes one pair of surrounding double quotes, in place. */
void unquote(char *s);

/* Writes @s to @f with C escapes for control bytes, quotes and backslashes. */
void fput_escaped(FILE *f, const char *s);

/* Milliseconds of CLOCK_BOOTTIME (counts suspended time). */
long long boottime_ms(void);

/* "1.5 KiB", "3.0 MiB": @bytes for people, in @buf. */
const char *human_size(unsigned long long bytes, char *buf, size_t len);
/* "850 ms", "12.3 s", "4 min 5 s": @ms for people, in @buf. */
const char *human_ms(long long ms, char *buf, size_t len);

/* @one or @many, as @n asks. */
const char *plural(unsigned long long n, const char *one, const char *many);

/* Parses a decimal number into *@out; false unless all of @s is one. */
bool parse_ull(const char *s, int base, unsigned long long *out);
bool parse_ll(const char *s, long long *out);

#endif /* DMABUF_UTIL_H */
