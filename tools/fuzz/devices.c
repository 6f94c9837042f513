// SPDX-License-Identifier: MIT
/*
 * The table of device types the fuzzer knows, and their discovery through
 * libdrm. A device type lists the device-scoped ops that apply to its
 * files; drm_display's card node has an entry of its own: the core GEM,
 * PRIME and dumb ops plus its KMS ops (it has no render node).
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <xf86drm.h>

#include "fuzz.h"

static const enum op_id vgem_plus_ops[] = {
	OP_CLOSE_DEV, OP_VERSION, OP_GET_CAP, OP_SET_CLIENT_CAP, OP_CREATE,
	OP_CREATE_DUMB, OP_MAP_DUMB, OP_DESTROY_DUMB, OP_MAP_OFFSET,
	OP_GEM_CLOSE, OP_FLINK, OP_GEM_OPEN, OP_PRIME_EXPORT, OP_PRIME_IMPORT,
	OP_FENCE_ATTACH, OP_FENCE_SIGNAL, OP_FENCE_SIGNAL_ERROR,
	OP_FENCE_EXPORT, OP_SYNCOBJ, OP_RAW_IOCTL, OP_MASTER,
};

static const enum op_id display_ops[] = {
	OP_CLOSE_DEV, OP_VERSION, OP_GET_CAP, OP_SET_CLIENT_CAP,
	OP_CREATE_DUMB, OP_MAP_DUMB, OP_DESTROY_DUMB, OP_GEM_CLOSE,
	OP_PRIME_EXPORT, OP_PRIME_IMPORT, OP_SYNCOBJ,
	OP_RAW_IOCTL, OP_MASTER, OP_GETRESOURCES, OP_GETCRTC, OP_SETCRTC,
	OP_GETENCODER, OP_GETCONNECTOR, OP_GETPLANERES, OP_GETPLANE,
	OP_SETPLANE, OP_GETPROPERTY, OP_GETPROPBLOB, OP_OBJ_GETPROPS,
	OP_OBJ_SETPROP, OP_CREATEPROPBLOB, OP_DESTROYPROPBLOB, OP_ADDFB,
	OP_ADDFB2, OP_RMFB, OP_CLOSEFB, OP_GETFB, OP_GETFB2, OP_DIRTYFB,
	OP_PAGE_FLIP, OP_CURSOR, OP_ATOMIC, OP_READ_EVENTS, OP_VBLANK,
	OP_GAMMA,
};

/*
 * vgem_plus first: children make their fenced buffers on g_devices[0].
 * Flink names are drm_vgem_plus's only: the model keeps one name space.
 */
static const struct device_type device_types[] = {
	{ "drm_vgem_plus", "drm_vgem_plus", NULL, false, vgem_plus_ops,
	  ARRAY_SIZE(vgem_plus_ops) },
	{ "drm_display", NULL, "drm_display", true, display_ops,
	  ARRAY_SIZE(display_ops) },
};

struct device g_devices[MAX_DEVICES];
unsigned int g_ndevices;

bool device_has_op(const struct device *d, enum op_id op)
{
	unsigned int i;

	for (i = 0; i < d->type->n_ops; i++)
		if (d->type->ops[i] == op)
			return true;
	return false;
}

static const struct device_type *match_type(const char *primary)
{
	const struct device_type *t = NULL;
	drmVersionPtr v;
	unsigned int i;
	int fd = open(primary, O_RDWR | O_CLOEXEC);

	if (fd < 0)
		return NULL;
	v = drmGetVersion(fd);
	for (i = 0; v && i < ARRAY_SIZE(device_types); i++) {
		if (device_types[i].desc_match && v->desc &&
		    strstr(v->desc, device_types[i].desc_match))
			t = &device_types[i];
		if (device_types[i].drv_name && v->name &&
		    !strcmp(v->name, device_types[i].drv_name))
			t = &device_types[i];
	}
	drmFreeVersion(v);
	close(fd);
	return t;
}

static void add_device(const struct device_type *t, drmDevicePtr dev)
{
	struct device *d = &g_devices[g_ndevices++];
	struct stat st;

	d->type = t;
	snprintf(d->path[NODE_CARD], sizeof(d->path[NODE_CARD]), "%s",
		 dev->nodes[DRM_NODE_PRIMARY]);
	if (dev->available_nodes & (1 << DRM_NODE_RENDER))
		snprintf(d->path[NODE_RENDER], sizeof(d->path[NODE_RENDER]),
			 "%s", dev->nodes[DRM_NODE_RENDER]);
	d->minor = stat(d->path[NODE_CARD], &st) ? -1 : (int)minor(st.st_rdev);
}

/* Same order in every run: by type, then by card minor. */
static int device_cmp(const void *a, const void *b)
{
	const struct device *x = a, *y = b;

	if (x->type != y->type)
		return x->type < y->type ? -1 : 1;
	return x->minor - y->minor;
}

/* Every device of a known type; returns how many. */
int devices_discover(void)
{
	drmDevicePtr devs[64];
	const struct device_type *t;
	int n = drmGetDevices2(0, devs, 64), i;

	for (i = 0; i < n && g_ndevices < MAX_DEVICES; i++) {
		if (!(devs[i]->available_nodes & (1 << DRM_NODE_PRIMARY)))
			continue;
		t = match_type(devs[i]->nodes[DRM_NODE_PRIMARY]);
		if (t)
			add_device(t, devs[i]);
	}
	if (n > 0)
		drmFreeDevices(devs, n);
	qsort(g_devices, g_ndevices, sizeof(g_devices[0]), device_cmp);
	return (int)g_ndevices;
}
