/* SPDX-License-Identifier: MIT */
/*
 * The steps of state_collect(), one source each. Paths are under
 * opts->root.
 */
#ifndef DMABUF_COLLECT_H
#define DMABUF_COLLECT_H

#include "state.h"

#define BUFINFO_PATH	"/sys/kernel/debug/dma_buf/bufinfo"
#define SYSFS_STATS_PATH "/sys/kernel/dmabuf/buffers"
#define DEBUGFS_DRI_PATH "/sys/kernel/debug/dri"

/* Buffers, fences and importers from bufinfo. */
void collect_bufinfo(struct state *s, const struct collect_opts *opts);
/* Buffers from the sysfs stats, for those bufinfo did not list. */
void collect_sysfs(struct state *s, const struct collect_opts *opts);
/* Holders by fd and mapping, DRM files, threads asleep in fence waits. */
void collect_procs(struct state *s, const struct collect_opts *opts);
/* drm_vgem_plus's and drm_display's debugfs, joined to the buffers. */
void collect_drm(struct state *s, const struct collect_opts *opts);

/* @root + @path, malloc'ed. */
char *root_path(const struct collect_opts *opts, const char *path);

#endif /* DMABUF_COLLECT_H */
