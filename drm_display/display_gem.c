// SPDX-License-Identifier: GPL-2.0-only
/*
 * The GEM objects of drm_display: shmem objects with a page fault handler
 * that honours vm_pgoff.
 *
 * drm_gem_shmem_fault() of 6.12 takes the page from the address within the
 * vma, so a mapping that starts past the object's first page (a dma-buf
 * mmap() at an offset, or what is left of a mapping whose head was
 * unmapped) shows the object from page 0. vm_pgoff is the object's fake
 * offset plus the first page the vma maps, so it gives the right page.
 */

#include <linux/dma-resv.h>
#include <linux/mm.h>
#include <linux/slab.h>

#include <drm/drm_gem.h>
#include <drm/drm_gem_shmem_helper.h>
#include <drm/drm_vma_manager.h>

#include "display_drv.h"

static vm_fault_t display_gem_fault(struct vm_fault *vmf)
{
	struct drm_gem_object *obj = vmf->vma->vm_private_data;
	struct drm_gem_shmem_object *shmem = to_drm_gem_shmem_obj(obj);
	pgoff_t page = vmf->pgoff - drm_vma_node_start(&obj->vma_node);
	vm_fault_t ret = VM_FAULT_SIGBUS;

	dma_resv_lock(obj->resv, NULL);
	if (page < obj->size >> PAGE_SHIFT && shmem->pages && shmem->madv >= 0)
		ret = vmf_insert_pfn(vmf->vma, vmf->address,
				     page_to_pfn(shmem->pages[page]));
	dma_resv_unlock(obj->resv);

	return ret;
}

static void display_gem_vm_open(struct vm_area_struct *vma)
{
	drm_gem_shmem_vm_ops.open(vma);
}

static void display_gem_vm_close(struct vm_area_struct *vma)
{
	drm_gem_shmem_vm_ops.close(vma);
}

static const struct vm_operations_struct display_gem_vm_ops = {
	.fault = display_gem_fault,
	.open = display_gem_vm_open,
	.close = display_gem_vm_close,
};

/* drm_gem_shmem_funcs but for vm_ops. */
static const struct drm_gem_object_funcs display_gem_funcs = {
	.free = drm_gem_shmem_object_free,
	.print_info = drm_gem_shmem_object_print_info,
	.pin = drm_gem_shmem_object_pin,
	.unpin = drm_gem_shmem_object_unpin,
	.get_sg_table = drm_gem_shmem_object_get_sg_table,
	.vmap = drm_gem_shmem_object_vmap,
	.vunmap = drm_gem_shmem_object_vunmap,
	.mmap = drm_gem_shmem_object_mmap,
	.vm_ops = &display_gem_vm_ops,
};

/**
 * display_gem_create_object - &drm_driver.gem_create_object
 * @dev: DRM device
 * @size: size of the object
 *
 * Return: the object, its funcs set, or an ERR_PTR().
 */
struct drm_gem_object *display_gem_create_object(struct drm_device *dev,
						 size_t size)
{
	struct drm_gem_shmem_object *shmem;

	shmem = kzalloc(sizeof(*shmem), GFP_KERNEL);
	if (!shmem)
		return ERR_PTR(-ENOMEM);

	shmem->base.funcs = &display_gem_funcs;
	return &shmem->base;
}
