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

int igt_kmod_load(const char *mod_name, const char *opts)
{
	const char *dir = getenv("IGT_KMOD_DIR");
	char path[PATH_MAX];
	int fd, ret;

	if (!dir || !*dir) {
		igt_debug("IGT_KMOD_DIR not set, cannot load %s\n", mod_name);
		return -ENOENT;
	}
	if (snprintf(path, sizeof(path), "%s/%s.ko", dir, mod_name) >= (int)sizeof(path))
		return -ENAMETOOLONG;

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
