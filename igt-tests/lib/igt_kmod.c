// SPDX-License-Identifier: MIT
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "igt_core.h"
#include "igt_kmod.h"

static bool same_module_name(const char *a, const char *b, size_t blen)
{
	size_t i;

	for (i = 0; i < blen; i++, a++) {
		char ca = *a == '-' ? '_' : *a;
		char cb = b[i] == '-' ? '_' : b[i];

		if (!*a || ca != cb)
			return false;
	}
	return *a == '\0';
}

bool igt_kmod_is_loaded(const char *mod_name)
{
	char line[4096];
	bool found = false;
	FILE *f = fopen("/proc/modules", "re");

	if (!f)
		return false;
	while (!found && fgets(line, sizeof(line), f))
		found = same_module_name(mod_name, line, strcspn(line, " "));
	fclose(f);
	return found;
}

/*
 * The first $IGT_KMOD_DIR/<mod_name>.ko that exists, in a ':'-separated
 * list of directories: our modules are built in directories of their own.
 */
static int kmod_path(const char *mod_name, char *path, size_t size)
{
	const char *dir = getenv("IGT_KMOD_DIR"), *end;
	int len;

	if (!dir || !*dir) {
		igt_debug("IGT_KMOD_DIR not set, cannot load %s\n", mod_name);
		return -ENOENT;
	}
	for (; *dir; dir = *end ? end + 1 : end) {
		end = dir + strcspn(dir, ":");
		len = snprintf(path, size, "%.*s/%s.ko", (int)(end - dir), dir,
			       mod_name);
		if (len >= (int)size)
			return -ENAMETOOLONG;
		if (end > dir && access(path, R_OK) == 0)
			return 0;
	}
	igt_debug("no %s.ko in IGT_KMOD_DIR=%s\n", mod_name, getenv("IGT_KMOD_DIR"));
	return -ENOENT;
}

int igt_kmod_load(const char *mod_name, const char *opts)
{
	char path[PATH_MAX];
	int fd, ret;

	ret = kmod_path(mod_name, path, sizeof(path));
	if (ret)
		return ret;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;

	ret = syscall(SYS_finit_module, fd, opts ? opts : "", 0);
	ret = ret ? -errno : 0;
	close(fd);
	if (ret == -EEXIST)
		ret = 0;
	igt_debug("finit_module(%s, \"%s\") = %d\n", path, opts ? opts : "", ret);
	return ret;
}

int igt_kmod_unload(const char *mod_name)
{
	char name[64];	/* MODULE_NAME_LEN */
	int ret;
	char *p;

	if (snprintf(name, sizeof(name), "%s", mod_name) >= (int)sizeof(name))
		return -ENAMETOOLONG;
	for (p = name; *p; p++)
		if (*p == '-')
			*p = '_';

	ret = syscall(SYS_delete_module, name, O_NONBLOCK);
	ret = ret ? -errno : 0;
	igt_debug("delete_module(%s) = %d\n", mod_name, ret);
	return ret;
}
