/* SPDX-License-Identifier: MIT */
/*
 * Parser of drm_vgem_plus's debugfs file "objects"
 * (drm_vgem_plus/vgem_plus_debugfs.c): every object with its dma-buf,
 * importers and fences, with the fence's error and age that bufinfo does
 * not show, then every client with its GEM handles.
 */
#ifndef DMABUF_VGEM_DEBUGFS_PARSE_H
#define DMABUF_VGEM_DEBUGFS_PARSE_H

#include <stdbool.h>
#include <stddef.h>

/**
 * struct vgem_fence - "\tfence USAGE DRIVER TIMELINE seq N [un]signalled
 *                      [error E] [age-ms MS]"
 * @usage: "kernel", "write", "read" or "bookkeep"
 * @driver: fence driver name
 * @timeline: timeline name
 * @seqno: seqno
 * @signalled: signalled
 * @error: its error, 0 for none
 * @age_ms: milliseconds since drm_vgem_plus made it, -1 for a foreign fence
 */
struct vgem_fence {
	char *usage, *driver, *timeline;
	unsigned long long seqno;
	bool signalled;
	int error;
	long long age_ms;
};

/**
 * struct vgem_object - one "object ..." record
 * @id: object id
 * @size: bytes
 * @creator_pid: process that created it
 * @creator_comm: its command name
 * @age_ms: milliseconds since it was created
 * @exported_ino: inode of the dma-buf it is exported as, 0 for none
 * @exported_name: that dma-buf's name, unescaped ("" for none)
 * @imported_ino: inode of the dma-buf it was imported from, 0 for none
 * @importers: device names attached to its export
 * @num_importers: entries in @importers
 * @fences: fences of its reservation object
 * @num_fences: entries in @fences
 * @resv_locked: its reservation lock was held: no importers or fences
 */
struct vgem_object {
	unsigned int id;
	unsigned long long size;
	int creator_pid;
	char *creator_comm;
	long long age_ms;
	unsigned long exported_ino, imported_ino;
	char *exported_name;
	char **importers;
	size_t num_importers, cap_importers;
	struct vgem_fence *fences;
	size_t num_fences, cap_fences;
	bool resv_locked;
};

/**
 * struct vgem_handle - "\thandle H object ID"
 * @handle: GEM handle in the client's file
 * @object: object id
 */
struct vgem_handle {
	unsigned int handle, object;
};

/**
 * struct vgem_client - one "client ..." record: an open DRM file
 * @id: drm-client-id, as the file's fdinfo shows it
 * @pid: process of the file
 * @comm: its command name
 * @handles: its GEM handles
 * @num_handles: entries in @handles
 */
struct vgem_client {
	unsigned long long id;
	int pid;
	char *comm;
	struct vgem_handle *handles;
	size_t num_handles, cap_handles;
};

/**
 * struct vgem_objects - the whole file
 * @objects: objects
 * @num_objects: entries in @objects
 * @clients: clients
 * @num_clients: entries in @clients
 * @has_total: the "total objects ..." line was there
 */
struct vgem_objects {
	struct vgem_object *objects;
	size_t num_objects, cap_objects;
	struct vgem_client *clients;
	size_t num_clients, cap_clients;
	bool has_total;
};

/* Parses @text into @vo (zeroed first); false without a total line. */
bool vgem_objects_parse(const char *text, struct vgem_objects *vo);
void vgem_objects_free(struct vgem_objects *vo);

/* The object exported as, or imported from, dma-buf @ino; NULL if none. */
const struct vgem_object *vgem_object_by_ino(const struct vgem_objects *vo,
					     unsigned long ino);

#endif /* DMABUF_VGEM_DEBUGFS_PARSE_H */
