/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * drm_vgem_plus: a render-only GEM exporter, a superset of upstream vgem.
 */
#ifndef _VGEM_PLUS_DRV_H_
#define _VGEM_PLUS_DRV_H_

#include <linux/dma-resv.h>
#include <linux/idr.h>
#include <linux/ktime.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/sched.h>

#include <drm/drm_device.h>
#include <drm/drm_gem_shmem_helper.h>

struct dma_buf;
struct drm_file;
struct drm_mode_create_dumb;

/**
 * struct vgem_plus_device - the one drm_vgem_plus device
 * @drm: DRM device
 * @objects_lock: protects @objects and each object's @dmabuf link
 * @objects: every object that has had a handle, for the debugfs view
 * @next_object_id: id given to the next object, for the debugfs view
 */
struct vgem_plus_device {
	struct drm_device drm;
	struct mutex objects_lock; /* see @objects_lock above */
	struct list_head objects;
	atomic_t next_object_id;
};

/**
 * struct vgem_plus_object - a shmem GEM object with bookkeeping for debugfs
 * @base: shmem GEM object
 * @link: entry in &vgem_plus_device.objects, empty until the first handle
 * @id: device-unique id shown in debugfs
 * @created: creation time
 * @creator_pid: thread group id of the creating process
 * @creator_comm: command name of the creating process
 * @dmabuf: our live dma-buf of this object, or NULL; under objects_lock
 * @dmabuf_ino: inode number of @dmabuf, as listed in bufinfo
 */
struct vgem_plus_object {
	struct drm_gem_shmem_object base;
	struct list_head link;
	u32 id;
	ktime_t created;
	pid_t creator_pid;
	char creator_comm[TASK_COMM_LEN];
	struct dma_buf *dmabuf;
	unsigned long dmabuf_ino;
};

/**
 * struct vgem_plus_file - per-open-file state
 * @fence_lock: protects @fence_idr
 * @fence_idr: fences attached by this file, by id; NULL once signalled
 * @timeline: fence timeline name of this file, "client-<drm client id>"
 */
struct vgem_plus_file {
	struct mutex fence_lock; /* see @fence_lock above */
	struct idr fence_idr;
	char timeline[32];
};

static inline struct vgem_plus_device *to_vgem_plus_dev(struct drm_device *dev)
{
	return container_of(dev, struct vgem_plus_device, drm);
}

static inline struct vgem_plus_object *
to_vgem_plus_obj(struct drm_gem_object *obj)
{
	return container_of(obj, struct vgem_plus_object, base.base);
}

/* vgem_plus_gem.c */
struct drm_gem_object *vgem_plus_gem_create_object(struct drm_device *dev,
						   size_t size);
size_t vgem_plus_gem_resident(struct drm_gem_object *obj);
int vgem_plus_image_layout(u32 format, u32 width, u32 height,
			   u32 *num_planes, u32 pitches[4], u32 offsets[4],
			   u64 *size);
int vgem_plus_dumb_create(struct drm_file *file, struct drm_device *dev,
			  struct drm_mode_create_dumb *args);
int vgem_plus_create_ioctl(struct drm_device *dev, void *data,
			   struct drm_file *file);
int vgem_plus_map_offset_ioctl(struct drm_device *dev, void *data,
			       struct drm_file *file);

/* vgem_plus_prime.c */
struct dma_buf *vgem_plus_gem_prime_export(struct drm_gem_object *obj,
					   int flags);
struct drm_gem_object *vgem_plus_gem_prime_import(struct drm_device *dev,
						  struct dma_buf *dmabuf);

/* vgem_plus_fence.c */
extern unsigned int vgem_plus_fence_timeout_ms;
bool vgem_plus_is_our_fence(struct dma_fence *fence);
ktime_t vgem_plus_fence_created(struct dma_fence *fence);
void vgem_plus_fence_file_init(struct vgem_plus_file *vfile,
			       struct drm_file *file);
void vgem_plus_fence_file_fini(struct vgem_plus_file *vfile);
int vgem_plus_fence_attach_ioctl(struct drm_device *dev, void *data,
				 struct drm_file *file);
int vgem_plus_fence_signal_ioctl(struct drm_device *dev, void *data,
				 struct drm_file *file);
int vgem_plus_fence_signal_error_ioctl(struct drm_device *dev, void *data,
				       struct drm_file *file);
int vgem_plus_fence_export_ioctl(struct drm_device *dev, void *data,
				 struct drm_file *file);

/* vgem_plus_debugfs.c */
void vgem_plus_debugfs_init(struct vgem_plus_device *vdev);

#if IS_ENABLED(CONFIG_KUNIT)
/* Internals the KUnit tests in tests/ reach. */
struct seq_file;
struct dma_fence *vgem_plus_fence_create(struct vgem_plus_file *vfile,
					 u32 seqno, u32 flags);
bool vgem_plus_fence_complete(struct dma_fence *fence, int error);
void vgem_plus_fence_cancel_timer(struct dma_fence *fence);
void vgem_plus_show_fence(struct seq_file *m, struct dma_fence *fence,
			  enum dma_resv_usage usage);
extern const u32 vgem_plus_image_formats[];
extern const unsigned int vgem_plus_num_image_formats;
int vgem_plus_dumb_layout(struct drm_mode_create_dumb *args);
#endif

#endif /* _VGEM_PLUS_DRV_H_ */
