// SPDX-License-Identifier: MIT
/*
 * Small sysfs files: module parameters, module reference counts.
 */

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "igt_core.h"
#include "igt_sysfs.h"

bool igt_sysfs_write(const char *path, const char *val)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	ssize_t len = strlen(val);
	bool ok;

	if (fd < 0)
		return false;
	ok = write(fd, val, len) == len;
	close(fd);
	return ok;
}

void igt_sysfs_read(const char *path, char *buf, size_t size)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t len;

	igt_assert_f(fd >= 0, "cannot open %s: %m\n", path);
	len = read(fd, buf, size - 1);
	close(fd);
	igt_assert_f(len > 0, "cannot read %s\n", path);
	buf[len] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
}

void igt_sysfs_set(const char *path, const char *val)
{
	char now[64];

	igt_assert_f(igt_sysfs_write(path, val), "cannot write %s to %s: %m\n",
		     val, path);
	igt_sysfs_read(path, now, sizeof(now));
	igt_assert_f(!strcmp(now, val), "%s reads %s after writing %s\n",
		     path, now, val);
}

int igt_module_refcount(const char *module)
{
	char path[128], text[16];

	snprintf(path, sizeof(path), "/sys/module/%s/refcnt", module);
	igt_sysfs_read(path, text, sizeof(text));
	return atoi(text);
}
