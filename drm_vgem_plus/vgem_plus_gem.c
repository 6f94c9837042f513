// SPDX-License-Identifier: GPL-2.0-only
/*
 * GEM objects: shmem objects that remember who made them and which
 * dma-buf they are exported as, and allocation on the render node.
 */

#include <linux/dma-buf.h>
#include <linux/mm.h>
#include <linux/overflow.h>
#include <linux/sizes.h>
#include <linux/slab.h>

#include <drm/drm_file.h>
#include <drm/drm_fourcc.h>
#include <drm/drm_gem.h>
#include <drm/drm_vma_manager.h>

#include <kunit/visibility.h>

#include "vgem_plus_drm.h"
#include "vgem_plus_drv.h"

/* The debugfs view lists objects from their first handle on. */
static int vgem_plus_gem_open(struct drm_gem_object *obj,
			      struct drm_file *file)
{
	struct vgem_plus_device *vdev = to_vgem_plus_dev(obj->dev);
	struct vgem_plus_object *vobj = to_vgem_plus_obj(obj);

	mutex_lock(&vdev->objects_lock);
	if (list_empty(&vobj->link))
		list_add_tail(&vobj->link, &vdev->objects);
	mutex_unlock(&vdev->objects_lock);

	return 0;
}

static void vgem_plus_gem_free(struct drm_gem_object *obj)
{
	struct vgem_plus_device *vdev = to_vgem_plus_dev(obj->dev);
	struct vgem_plus_object *vobj = to_vgem_plus_obj(obj);

	mutex_lock(&vdev->objects_lock);
	list_del(&vobj->link);
	mutex_unlock(&vdev->objects_lock);

	drm_gem_shmem_free(&vobj->base);
}

/**
 * vgem_plus_gem_resident - bytes of the object backed by memory
 * @obj: the object
 *
 * Our pages live in the shmem file whether or not they are mapped now;
 * imported pages are pinned by their exporter. Lockless: fdinfo calls it
 * under the file's table_lock.
 *
 * Return: resident bytes.
 */
size_t vgem_plus_gem_resident(struct drm_gem_object *obj)
{
	if (drm_gem_is_imported(obj))
		return obj->size;

	return min_t(size_t, obj->size,
		     READ_ONCE(obj->filp->f_mapping->nrpages) << PAGE_SHIFT);
}

static enum drm_gem_object_status
vgem_plus_gem_status(struct drm_gem_object *obj)
{
	return vgem_plus_gem_resident(obj) ? DRM_GEM_OBJECT_RESIDENT : 0;
}

/*
 * Pages one fault maps: the faulting page and those after it in the vma,
 * at most 2 MiB of them. The object's pages all exist from its first
 * mmap() (drm_gem_shmem_mmap() pins them), so a fault can map a run of
 * them at once, as TTM's prefault does: a first write to every page of a
 * buffer then faults once every 2 MiB rather than every page. Pages
 * already mapped stay as they are.
 */
#define VGEM_PLUS_FAULT_PAGES	(SZ_2M >> PAGE_SHIFT)

/*
 * drm_gem_shmem_fault() of 6.12 takes the page from the address within
 * the vma, which is wrong for a mapping that starts past the object's
 * first page: a dma-buf mmap() at an offset, or what is left of a mapping
 * whose head was unmapped. vm_pgoff knows better: the object's fake
 * offset plus the first page the vma maps.
 */
static vm_fault_t vgem_plus_gem_fault(struct vm_fault *vmf)
{
	struct vm_area_struct *vma = vmf->vma;
	struct drm_gem_object *obj = vma->vm_private_data;
	struct drm_gem_shmem_object *shmem = to_drm_gem_shmem_obj(obj);
	pgoff_t page = vmf->pgoff - drm_vma_node_start(&obj->vma_node);
	pgoff_t npages = obj->size >> PAGE_SHIFT, end;
	unsigned long addr = vmf->address & PAGE_MASK;
	vm_fault_t ret = VM_FAULT_SIGBUS;

	dma_resv_lock(obj->resv, NULL);
	if (page >= npages || !shmem->pages || shmem->madv < 0)
		goto out;

	ret = vmf_insert_pfn(vma, addr, page_to_pfn(shmem->pages[page]));
	end = min3(npages, page + VGEM_PLUS_FAULT_PAGES,
		   page + ((vma->vm_end - addr) >> PAGE_SHIFT));
	/* The rest is a bonus: stop quietly at the first that fails. */
	while (ret == VM_FAULT_NOPAGE && ++page < end) {
		addr += PAGE_SIZE;
		if (vmf_insert_pfn(vma, addr, page_to_pfn(shmem->pages[page])) !=
		    VM_FAULT_NOPAGE)
			break;
	}
out:
	dma_resv_unlock(obj->resv);
	return ret;
}

static void vgem_plus_gem_vm_open(struct vm_area_struct *vma)
{
	drm_gem_shmem_vm_ops.open(vma);
}

static void vgem_plus_gem_vm_close(struct vm_area_struct *vma)
{
	drm_gem_shmem_vm_ops.close(vma);
}

static const struct vm_operations_struct vgem_plus_gem_vm_ops = {
	.fault = vgem_plus_gem_fault,
	.open = vgem_plus_gem_vm_open,
	.close = vgem_plus_gem_vm_close,
};

static const struct drm_gem_object_funcs vgem_plus_gem_funcs = {
	.open = vgem_plus_gem_open,
	.free = vgem_plus_gem_free,
	.export = vgem_plus_gem_prime_export,
	.status = vgem_plus_gem_status,
	.rss = vgem_plus_gem_resident,
	.print_info = drm_gem_shmem_object_print_info,
	.pin = drm_gem_shmem_object_pin,
	.unpin = drm_gem_shmem_object_unpin,
	.get_sg_table = drm_gem_shmem_object_get_sg_table,
	.vmap = drm_gem_shmem_object_vmap,
	.vunmap = drm_gem_shmem_object_vunmap,
	.mmap = drm_gem_shmem_object_mmap,
	.vm_ops = &vgem_plus_gem_vm_ops,
};

struct drm_gem_object *vgem_plus_gem_create_object(struct drm_device *dev,
						   size_t size)
{
	struct vgem_plus_device *vdev = to_vgem_plus_dev(dev);
	struct vgem_plus_object *vobj;

	vobj = kzalloc(sizeof(*vobj), GFP_KERNEL);
	if (!vobj)
		return ERR_PTR(-ENOMEM);

	/*
	 * As upstream vgem: nothing tells us when the CPU is done with a
	 * mapping, so every mapping must be coherent.
	 */
	vobj->base.map_wc = true;
	vobj->base.base.funcs = &vgem_plus_gem_funcs;
	INIT_LIST_HEAD(&vobj->link);
	vobj->id = atomic_inc_return(&vdev->next_object_id);
	vobj->created = ktime_get();
	vobj->creator_pid = task_tgid_nr(current);
	get_task_comm(vobj->creator_comm, current);

	return &vobj->base.base;
}

/*
 * Formats an image object may be laid out for: those with simple planes.
 * Every one must be in drm_format_info()'s table (a KUnit test checks).
 */
VISIBLE_IF_KUNIT const u32 vgem_plus_image_formats[] = {
	DRM_FORMAT_C8, DRM_FORMAT_R8,
	DRM_FORMAT_RGB565, DRM_FORMAT_BGR565,
	DRM_FORMAT_XRGB1555, DRM_FORMAT_ARGB1555,
	DRM_FORMAT_RGB888, DRM_FORMAT_BGR888,
	DRM_FORMAT_XRGB8888, DRM_FORMAT_ARGB8888,
	DRM_FORMAT_XBGR8888, DRM_FORMAT_ABGR8888,
	DRM_FORMAT_RGBX8888, DRM_FORMAT_RGBA8888,
	DRM_FORMAT_BGRX8888, DRM_FORMAT_BGRA8888,
	DRM_FORMAT_XRGB2101010, DRM_FORMAT_ARGB2101010,
	DRM_FORMAT_XBGR2101010, DRM_FORMAT_ABGR2101010,
	DRM_FORMAT_XRGB16161616, DRM_FORMAT_ARGB16161616,
	DRM_FORMAT_XRGB16161616F, DRM_FORMAT_ARGB16161616F,
	DRM_FORMAT_YUYV, DRM_FORMAT_UYVY,
	DRM_FORMAT_NV12, DRM_FORMAT_NV21, DRM_FORMAT_NV16, DRM_FORMAT_NV24,
	DRM_FORMAT_P010,
	DRM_FORMAT_YUV420, DRM_FORMAT_YVU420, DRM_FORMAT_YUV422,
	DRM_FORMAT_YUV444,
};
EXPORT_SYMBOL_IF_KUNIT(vgem_plus_image_formats);
VISIBLE_IF_KUNIT const unsigned int vgem_plus_num_image_formats =
	ARRAY_SIZE(vgem_plus_image_formats);
EXPORT_SYMBOL_IF_KUNIT(vgem_plus_num_image_formats);

static const struct drm_format_info *vgem_plus_image_format(u32 format)
{
	unsigned int i;

	/* drm_format_info() warns on unknown codes: only ask for known ones */
	for (i = 0; i < vgem_plus_num_image_formats; i++)
		if (vgem_plus_image_formats[i] == format)
			return drm_format_info(format);

	return NULL;
}

/**
 * vgem_plus_image_layout - lay out the planes of an image in one object
 * @format: DRM fourcc
 * @width: width in pixels
 * @height: height in pixels
 * @num_planes: out: number of planes
 * @pitches: out: pitch of each plane, aligned to %VGEM_PLUS_PITCH_ALIGN
 * @offsets: out: offset of each plane, planes back to back
 * @size: out: bytes needed, not yet page aligned
 *
 * Return: 0, or -EINVAL for a zero or unknown argument or any overflow.
 */
int vgem_plus_image_layout(u32 format, u32 width, u32 height,
			   u32 *num_planes, u32 pitches[4], u32 offsets[4],
			   u64 *size)
{
	const struct drm_format_info *info = vgem_plus_image_format(format);
	u64 total = 0, pitch, plane_size;
	u32 plane_width, plane_height;
	int i;

	if (!info || !width || !height)
		return -EINVAL;

	for (i = 0; i < info->num_planes; i++) {
		/* Not drm_format_info_plane_*(): they take an int. */
		plane_width = DIV_ROUND_UP_ULL(width, i ? info->hsub : 1);
		plane_height = DIV_ROUND_UP_ULL(height, i ? info->vsub : 1);
		pitch = drm_format_info_min_pitch(info, i, plane_width);
		pitch = ALIGN(pitch, VGEM_PLUS_PITCH_ALIGN);
		if (pitch > U32_MAX || total > U32_MAX)
			return -EINVAL;
		if (check_mul_overflow(pitch, (u64)plane_height, &plane_size))
			return -EINVAL;
		pitches[i] = pitch;
		offsets[i] = total;
		if (check_add_overflow(total, plane_size, &total))
			return -EINVAL;
	}

	*num_planes = info->num_planes;
	*size = total;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(vgem_plus_image_layout);

/* An object bigger than all of RAM can never be backed. */
static u64 vgem_plus_max_object_size(void)
{
	return min_t(u64, SIZE_MAX, (u64)totalram_pages() << PAGE_SHIFT);
}

static int vgem_plus_create_args(struct drm_vgem_plus_create *args,
				 u64 *size)
{
	bool image = args->width || args->height || args->format;

	if (args->flags || args->pad)
		return -EINVAL;

	memset(args->pitches, 0, sizeof(args->pitches));
	memset(args->offsets, 0, sizeof(args->offsets));
	args->num_planes = 0;

	if (args->size && !image) {
		*size = args->size;
		return 0;
	}
	if (args->size || !image)
		return -EINVAL;

	return vgem_plus_image_layout(args->format, args->width, args->height,
				      &args->num_planes, args->pitches,
				      args->offsets, size);
}

/*
 * The handle holds the only reference: the object dies with it. @size is
 * rounded up to whole pages.
 */
static int vgem_plus_create_with_handle(struct drm_file *file,
					struct drm_device *dev, u64 *size,
					u32 *handle)
{
	struct drm_gem_shmem_object *shmem;
	int ret;

	if (*size > vgem_plus_max_object_size())
		return -E2BIG;

	shmem = drm_gem_shmem_create(dev, *size);
	if (IS_ERR(shmem))
		return PTR_ERR(shmem);

	ret = drm_gem_handle_create(file, &shmem->base, handle);
	*size = shmem->base.size;
	drm_gem_object_put(&shmem->base);
	return ret;
}

int vgem_plus_create_ioctl(struct drm_device *dev, void *data,
			   struct drm_file *file)
{
	struct drm_vgem_plus_create *args = data;
	u64 size;
	int ret;

	ret = vgem_plus_create_args(args, &size);
	if (ret)
		return ret;

	ret = vgem_plus_create_with_handle(file, dev, &size, &args->handle);
	if (!ret)
		args->size = size;
	return ret;
}

/**
 * vgem_plus_dumb_layout - pitch and size of a dumb buffer
 * @args: width, height and bpp in; pitch and size out
 *
 * As drm_gem_shmem_dumb_create() (a row is width * bpp bits, rounded up to
 * bytes), but in 64 bits: 6.12's helper wraps at 4 GiB bits per row and
 * returns a pitch too small for the row. The core has checked that
 * width * cpp and height * width * cpp fit in 32 bits.
 *
 * Return: 0 or -EINVAL.
 */
VISIBLE_IF_KUNIT int vgem_plus_dumb_layout(struct drm_mode_create_dumb *args)
{
	u64 pitch = DIV_ROUND_UP((u64)args->width * args->bpp, 8);
	u64 size = PAGE_ALIGN(pitch * args->height);

	if (!pitch || pitch > U32_MAX || !size)
		return -EINVAL;

	args->pitch = pitch;
	args->size = size;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(vgem_plus_dumb_layout);

int vgem_plus_dumb_create(struct drm_file *file, struct drm_device *dev,
			  struct drm_mode_create_dumb *args)
{
	int ret;

	ret = vgem_plus_dumb_layout(args);
	if (ret)
		return ret;

	return vgem_plus_create_with_handle(file, dev, &args->size,
					    &args->handle);
}

int vgem_plus_map_offset_ioctl(struct drm_device *dev, void *data,
			       struct drm_file *file)
{
	struct drm_vgem_plus_map_offset *args = data;
	struct drm_gem_object *obj;
	int ret;

	if (args->flags)
		return -EINVAL;

	obj = drm_gem_object_lookup(file, args->handle);
	if (!obj)
		return -ENOENT;

	ret = drm_gem_create_mmap_offset(obj);
	if (!ret)
		args->offset = drm_vma_node_offset_addr(&obj->vma_node);

	drm_gem_object_put(obj);
	return ret;
}
