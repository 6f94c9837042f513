// SPDX-License-Identifier: GPL-2.0-only
/*
 * PRIME: dma-bufs exported under our own name (bufinfo shows
 * "drm_vgem_plus", not "drm"), with CPU access that keeps every
 * importer's mapping in sync.
 */

#include <linux/dma-buf.h>
#include <linux/dma-mapping.h>
#include <linux/dma-resv.h>
#include <linux/module.h>

#include <drm/drm_prime.h>

#include "vgem_plus_drv.h"

/*
 * Importers' mappings are made with DMA_ATTR_SKIP_CPU_SYNC, so CPU access
 * through DMA_BUF_IOCTL_SYNC is where caches are brought in line, each
 * mapping in the direction it was made with.
 */
static int vgem_plus_dmabuf_sync(struct dma_buf *dmabuf, bool for_cpu)
{
	struct dma_buf_attachment *attach;
	int ret;

	ret = dma_resv_lock_interruptible(dmabuf->resv, NULL);
	if (ret)
		return ret;

	list_for_each_entry(attach, &dmabuf->attachments, node) {
		if (!attach->sgt)
			continue;
		if (for_cpu)
			dma_sync_sgtable_for_cpu(attach->dev, attach->sgt,
						 attach->dir);
		else
			dma_sync_sgtable_for_device(attach->dev, attach->sgt,
						    attach->dir);
	}
	dma_resv_unlock(dmabuf->resv);

	return 0;
}

/* The core waits for fences after this hook: wait before syncing caches. */
static int vgem_plus_dmabuf_begin_cpu_access(struct dma_buf *dmabuf,
					     enum dma_data_direction dir)
{
	bool write = dir != DMA_FROM_DEVICE;
	long ret;

	ret = dma_resv_wait_timeout(dmabuf->resv, dma_resv_usage_rw(write),
				    true, MAX_SCHEDULE_TIMEOUT);
	if (ret < 0)
		return ret;

	return vgem_plus_dmabuf_sync(dmabuf, true);
}

static int vgem_plus_dmabuf_end_cpu_access(struct dma_buf *dmabuf,
					   enum dma_data_direction dir)
{
	return vgem_plus_dmabuf_sync(dmabuf, false);
}

static void vgem_plus_dmabuf_release(struct dma_buf *dmabuf)
{
	struct drm_gem_object *obj = dmabuf->priv;
	struct vgem_plus_device *vdev = to_vgem_plus_dev(obj->dev);

	/* The debugfs view reads the dma-buf under this lock. */
	mutex_lock(&vdev->objects_lock);
	if (to_vgem_plus_obj(obj)->dmabuf == dmabuf)
		to_vgem_plus_obj(obj)->dmabuf = NULL;
	mutex_unlock(&vdev->objects_lock);

	drm_gem_dmabuf_release(dmabuf);
}

/*
 * Our fault handler finds the page from vm_pgoff less the object's fake
 * offset, so the offset must exist before the first mapping and stay.
 */
static int vgem_plus_dmabuf_mmap(struct dma_buf *dmabuf,
				 struct vm_area_struct *vma)
{
	struct drm_gem_object *obj = dmabuf->priv;
	int ret;

	ret = drm_gem_create_mmap_offset(obj);
	if (ret)
		return ret;

	return drm_gem_dmabuf_mmap(dmabuf, vma);
}

static const struct dma_buf_ops vgem_plus_dmabuf_ops = {
	.cache_sgt_mapping = true,
	.attach = drm_gem_map_attach,
	.detach = drm_gem_map_detach,
	.map_dma_buf = drm_gem_map_dma_buf,
	.unmap_dma_buf = drm_gem_unmap_dma_buf,
	.release = vgem_plus_dmabuf_release,
	.begin_cpu_access = vgem_plus_dmabuf_begin_cpu_access,
	.end_cpu_access = vgem_plus_dmabuf_end_cpu_access,
	.mmap = vgem_plus_dmabuf_mmap,
	.vmap = drm_gem_dmabuf_vmap,
	.vunmap = drm_gem_dmabuf_vunmap,
};

struct dma_buf *vgem_plus_gem_prime_export(struct drm_gem_object *obj,
					   int flags)
{
	struct vgem_plus_device *vdev = to_vgem_plus_dev(obj->dev);
	struct vgem_plus_object *vobj = to_vgem_plus_obj(obj);
	struct dma_buf_export_info exp_info = {
		.exp_name = KBUILD_MODNAME,
		.owner = THIS_MODULE,
		.ops = &vgem_plus_dmabuf_ops,
		.size = obj->size,
		.flags = flags,
		.priv = obj,
		.resv = obj->resv,
	};
	struct dma_buf *dmabuf;

	dmabuf = drm_gem_dmabuf_export(obj->dev, &exp_info);
	if (IS_ERR(dmabuf))
		return dmabuf;

	mutex_lock(&vdev->objects_lock);
	vobj->dmabuf = dmabuf;
	vobj->dmabuf_ino = file_inode(dmabuf->file)->i_ino;
	mutex_unlock(&vdev->objects_lock);

	return dmabuf;
}

/* Our own dma-buf comes back as the same object, hence the same handle. */
struct drm_gem_object *vgem_plus_gem_prime_import(struct drm_device *dev,
						  struct dma_buf *dmabuf)
{
	struct drm_gem_object *obj = dmabuf->priv;

	if (dmabuf->ops == &vgem_plus_dmabuf_ops && obj->dev == dev) {
		drm_gem_object_get(obj);
		return obj;
	}

	return drm_gem_prime_import(dev, dmabuf);
}
