/* SPDX-License-Identifier: MIT */
/*
 * Small sysfs files: module parameters, module reference counts.
 */
#ifndef IGT_SYSFS_H
#define IGT_SYSFS_H

#include <stdbool.h>
#include <stddef.h>

/*
 * Writes @val to @path; false on any failure. Async-signal-safe, for exit
 * and signal handlers that restore parameters.
 */
bool igt_sysfs_write(const char *path, const char *val);

/* Reads @path's first line into @buf, without the newline; asserts. */
void igt_sysfs_read(const char *path, char *buf, size_t size);

/* Writes @val to @path and asserts that it reads back as @val. */
void igt_sysfs_set(const char *path, const char *val);

/* /sys/module/<module>/refcnt: who holds the module (open files, fences). */
int igt_module_refcount(const char *module);

#endif /* IGT_SYSFS_H */
