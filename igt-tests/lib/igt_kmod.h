/* SPDX-License-Identifier: MIT */
/*
 * Module load/unload without modprobe: our modules are not installed under
 * /lib/modules, and modprobe could pick up upstream vgem.
 */
#ifndef IGT_KMOD_H
#define IGT_KMOD_H

#include <stdbool.h>

/* True if /proc/modules lists the module ('-' and '_' are equivalent). */
bool igt_kmod_is_loaded(const char *mod_name);

/*
 * finit_module() of <dir>/<mod_name>.ko, for the first directory <dir> of
 * the ':'-separated list $IGT_KMOD_DIR that has it, with the parameter
 * string opts (may be NULL).  Returns 0 (also if already loaded) or
 * -errno; -ENOENT if IGT_KMOD_DIR is not set or no directory has the file.
 */
int igt_kmod_load(const char *mod_name, const char *opts);

/* delete_module(mod_name, O_NONBLOCK); returns 0 or -errno. */
int igt_kmod_unload(const char *mod_name);

#endif /* IGT_KMOD_H */
