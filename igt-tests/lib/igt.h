/* SPDX-License-Identifier: MIT */
/* Umbrella header, as IGT's lib/igt.h. */
#ifndef IGT_H
#define IGT_H

#include "igt_core.h"
#include "drmtest.h"
#include "ioctl_wrappers.h"
#include "igt_kmod.h"
#include "igt_sysfs.h"
#include "igt_vgem.h"

#endif /* IGT_H */
