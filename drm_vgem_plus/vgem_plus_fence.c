// SPDX-License-Identifier: GPL-2.0-only
/*
 * Fences that userspace attaches to objects and signals by hand, as in
 * upstream vgem, plus no-timeout fences, signalling with an error and
 * export as a sync_file.
 *
 * Each fence has its own context: fences of one file signal in any order,
 * and dma_resv would otherwise replace an older unsignalled fence of the
 * same context by a newer one.
 */

#include <linux/dma-fence.h>
#include <linux/dma-resv.h>
#include <linux/file.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/sync_file.h>
#include <linux/timer.h>

#include <kunit/visibility.h>

#include <drm/drm_file.h>
#include <drm/drm_gem.h>

#include "vgem_plus_drm.h"
#include "vgem_plus_drv.h"

unsigned int vgem_plus_fence_timeout_ms = 10000;
EXPORT_SYMBOL_IF_KUNIT(vgem_plus_fence_timeout_ms);
module_param_named(fence_timeout_ms, vgem_plus_fence_timeout_ms, uint, 0644);
MODULE_PARM_DESC(fence_timeout_ms,
		 "Milliseconds after which an unsignalled fence signals itself with -ETIMEDOUT (default 10000)");

/**
 * struct vgem_plus_fence - a fence signalled by userspace
 * @base: the dma_fence
 * @lock: lock of @base
 * @timer: signals the fence at its timeout; holds a fence reference while
 *         pending, so release never has to wait for it
 * @created: creation time, for debugfs
 * @timeline: timeline name, copied from the creating file
 */
struct vgem_plus_fence {
	struct dma_fence base;
	spinlock_t lock; /* see @lock above */
	struct timer_list timer;
	ktime_t created;
	char timeline[32];
};

static struct vgem_plus_fence *to_vgem_plus_fence(struct dma_fence *fence)
{
	return container_of(fence, struct vgem_plus_fence, base);
}

static const char *vgem_plus_fence_driver_name(struct dma_fence *fence)
{
	return KBUILD_MODNAME;
}

static const char *vgem_plus_fence_timeline_name(struct dma_fence *fence)
{
	return to_vgem_plus_fence(fence)->timeline;
}

static void vgem_plus_fence_release(struct dma_fence *fence)
{
	dma_fence_free(fence);
	/*
	 * Taken at creation: our fence ops must outlive every fence, which
	 * may sit in a sync_file or a foreign dma_resv. Last, so that no
	 * more of our code runs after it once it is a tail call.
	 */
	module_put(THIS_MODULE);
}

static const struct dma_fence_ops vgem_plus_fence_ops = {
	.get_driver_name = vgem_plus_fence_driver_name,
	.get_timeline_name = vgem_plus_fence_timeline_name,
	.release = vgem_plus_fence_release,
};

bool vgem_plus_is_our_fence(struct dma_fence *fence)
{
	return fence->ops == &vgem_plus_fence_ops;
}
EXPORT_SYMBOL_IF_KUNIT(vgem_plus_is_our_fence);

ktime_t vgem_plus_fence_created(struct dma_fence *fence)
{
	return to_vgem_plus_fence(fence)->created;
}

/*
 * Signal @fence with @error (0 for none) unless it has signalled already.
 * The check and the error must be atomic against the timeout, or
 * dma_fence_set_error() would see a signalled fence.
 */
VISIBLE_IF_KUNIT bool vgem_plus_fence_complete(struct dma_fence *fence,
					       int error)
{
	unsigned long flags;
	bool done = false;

	spin_lock_irqsave(fence->lock, flags);
	if (!test_bit(DMA_FENCE_FLAG_SIGNALED_BIT, &fence->flags)) {
		if (error)
			dma_fence_set_error(fence, error);
		dma_fence_signal_locked(fence);
		done = true;
	}
	spin_unlock_irqrestore(fence->lock, flags);

	return done;
}
EXPORT_SYMBOL_IF_KUNIT(vgem_plus_fence_complete);

static void vgem_plus_fence_timeout(struct timer_list *t)
{
	struct vgem_plus_fence *fence = from_timer(fence, t, timer);

	vgem_plus_fence_complete(&fence->base, -ETIMEDOUT);
	dma_fence_put(&fence->base);
}

VISIBLE_IF_KUNIT void vgem_plus_fence_cancel_timer(struct dma_fence *fence)
{
	/* A pending timer holds a reference: drop it if we stopped it. */
	if (timer_delete(&to_vgem_plus_fence(fence)->timer))
		dma_fence_put(fence);
}
EXPORT_SYMBOL_IF_KUNIT(vgem_plus_fence_cancel_timer);

VISIBLE_IF_KUNIT struct dma_fence *
vgem_plus_fence_create(struct vgem_plus_file *vfile, u32 seqno, u32 flags)
{
	struct vgem_plus_fence *fence;
	unsigned int timeout_ms;

	fence = kzalloc(sizeof(*fence), GFP_KERNEL);
	if (!fence)
		return NULL;

	/* Our caller's open file already pins the module. */
	__module_get(THIS_MODULE);

	spin_lock_init(&fence->lock);
	strscpy(fence->timeline, vfile->timeline, sizeof(fence->timeline));
	fence->created = ktime_get();
	dma_fence_init(&fence->base, &vgem_plus_fence_ops, &fence->lock,
		       dma_fence_context_alloc(1), seqno);
	timer_setup(&fence->timer, vgem_plus_fence_timeout, 0);

	if (!(flags & WIP_VGEM_FENCE_NOTIMEOUT)) {
		timeout_ms = READ_ONCE(vgem_plus_fence_timeout_ms);
		dma_fence_get(&fence->base);
		mod_timer(&fence->timer,
			  jiffies + msecs_to_jiffies(timeout_ms));
	}

	return &fence->base;
}
EXPORT_SYMBOL_IF_KUNIT(vgem_plus_fence_create);

/*
 * Add @fence to @obj unless a conflicting fence is pending: a writer waits
 * for everyone, a reader for writers. Checked under the lock so that two
 * racing writers cannot both succeed.
 */
static int vgem_plus_fence_add(struct drm_gem_object *obj,
			       struct dma_fence *fence, bool write)
{
	struct dma_resv *resv = obj->resv;
	int ret;

	dma_resv_lock(resv, NULL);
	if (!dma_resv_test_signaled(resv, dma_resv_usage_rw(write)))
		ret = -EBUSY;
	else
		ret = dma_resv_reserve_fences(resv, 1);
	if (!ret)
		dma_resv_add_fence(resv, fence, write ? DMA_RESV_USAGE_WRITE :
							DMA_RESV_USAGE_READ);
	dma_resv_unlock(resv);

	return ret;
}

static int vgem_plus_fence_id_alloc(struct vgem_plus_file *vfile)
{
	int id;

	mutex_lock(&vfile->fence_lock);
	id = idr_alloc(&vfile->fence_idr, NULL, 1, 0, GFP_KERNEL);
	mutex_unlock(&vfile->fence_lock);

	return id;
}

static void vgem_plus_fence_id_set(struct vgem_plus_file *vfile, u32 id,
				   struct dma_fence *fence)
{
	mutex_lock(&vfile->fence_lock);
	idr_replace(&vfile->fence_idr, fence, id);
	mutex_unlock(&vfile->fence_lock);
}

static void vgem_plus_fence_id_free(struct vgem_plus_file *vfile, u32 id)
{
	mutex_lock(&vfile->fence_lock);
	idr_remove(&vfile->fence_idr, id);
	mutex_unlock(&vfile->fence_lock);
}

/*
 * The fence id doubles as the seqno, so that a fence in bufinfo or in a
 * sync_file can be matched to the id userspace got back.
 */
int vgem_plus_fence_attach_ioctl(struct drm_device *dev, void *data,
				 struct drm_file *file)
{
	struct vgem_plus_file *vfile = file->driver_priv;
	struct drm_vgem_fence_attach *arg = data;
	struct drm_gem_object *obj;
	struct dma_fence *fence;
	int id, ret;

	if (arg->flags & ~(VGEM_FENCE_WRITE | WIP_VGEM_FENCE_NOTIMEOUT))
		return -EINVAL;
	if (arg->pad)
		return -EINVAL;

	obj = drm_gem_object_lookup(file, arg->handle);
	if (!obj)
		return -ENOENT;

	id = vgem_plus_fence_id_alloc(vfile);
	if (id < 0) {
		ret = id;
		goto out_put;
	}

	fence = vgem_plus_fence_create(vfile, id, arg->flags);
	if (!fence) {
		ret = -ENOMEM;
		goto out_id;
	}

	ret = vgem_plus_fence_add(obj, fence, arg->flags & VGEM_FENCE_WRITE);
	if (ret) {
		vgem_plus_fence_cancel_timer(fence);
		vgem_plus_fence_complete(fence, ret);
		dma_fence_put(fence);
		goto out_id;
	}

	vgem_plus_fence_id_set(vfile, id, fence);
	arg->out_fence = id;
	goto out_put;

out_id:
	vgem_plus_fence_id_free(vfile, id);
out_put:
	drm_gem_object_put(obj);
	return ret;
}

/* Take the fence out of the file: its id is then forgotten. */
static struct dma_fence *vgem_plus_fence_take(struct vgem_plus_file *vfile,
					      u32 id)
{
	struct dma_fence *fence;

	mutex_lock(&vfile->fence_lock);
	fence = idr_replace(&vfile->fence_idr, NULL, id);
	mutex_unlock(&vfile->fence_lock);

	if (IS_ERR_OR_NULL(fence))
		return ERR_PTR(-ENOENT);
	return fence;
}

static int vgem_plus_fence_signal(struct drm_file *file, u32 id, int error)
{
	struct dma_fence *fence;
	int ret = 0;

	fence = vgem_plus_fence_take(file->driver_priv, id);
	if (IS_ERR(fence))
		return PTR_ERR(fence);

	vgem_plus_fence_cancel_timer(fence);
	if (!vgem_plus_fence_complete(fence, error))
		ret = -ETIMEDOUT;
	dma_fence_put(fence);

	return ret;
}

int vgem_plus_fence_signal_ioctl(struct drm_device *dev, void *data,
				 struct drm_file *file)
{
	struct drm_vgem_fence_signal *arg = data;

	if (arg->flags)
		return -EINVAL;

	return vgem_plus_fence_signal(file, arg->fence, 0);
}

int vgem_plus_fence_signal_error_ioctl(struct drm_device *dev, void *data,
				       struct drm_file *file)
{
	struct drm_vgem_plus_fence_signal_error *arg = data;

	if (arg->flags || arg->pad)
		return -EINVAL;
	if (arg->error >= 0 || arg->error < -MAX_ERRNO)
		return -EINVAL;

	return vgem_plus_fence_signal(file, arg->fence, arg->error);
}

int vgem_plus_fence_export_ioctl(struct drm_device *dev, void *data,
				 struct drm_file *file)
{
	struct vgem_plus_file *vfile = file->driver_priv;
	struct drm_vgem_plus_fence_export *arg = data;
	struct sync_file *sync_file;
	struct dma_fence *fence;
	int fd;

	if (arg->flags & ~VGEM_PLUS_FENCE_EXPORT_CLOEXEC || arg->pad)
		return -EINVAL;

	mutex_lock(&vfile->fence_lock);
	fence = idr_find(&vfile->fence_idr, arg->fence);
	if (fence)
		dma_fence_get(fence);
	mutex_unlock(&vfile->fence_lock);
	if (!fence)
		return -ENOENT;

	fd = get_unused_fd_flags(arg->flags & VGEM_PLUS_FENCE_EXPORT_CLOEXEC ?
				 O_CLOEXEC : 0);
	if (fd < 0)
		goto out_put;

	sync_file = sync_file_create(fence);
	if (!sync_file) {
		put_unused_fd(fd);
		fd = -ENOMEM;
		goto out_put;
	}

	fd_install(fd, sync_file->file);
	arg->fd = fd;
	fd = 0;

out_put:
	dma_fence_put(fence);
	return fd;
}

void vgem_plus_fence_file_init(struct vgem_plus_file *vfile,
			       struct drm_file *file)
{
	mutex_init(&vfile->fence_lock);
	idr_init_base(&vfile->fence_idr, 1);
	snprintf(vfile->timeline, sizeof(vfile->timeline), "client-%llu",
		 file->client_id);
}

/* Like upstream vgem, a closing file signals every fence it left behind. */
void vgem_plus_fence_file_fini(struct vgem_plus_file *vfile)
{
	struct dma_fence *fence;
	int id;

	idr_for_each_entry(&vfile->fence_idr, fence, id) {
		vgem_plus_fence_cancel_timer(fence);
		vgem_plus_fence_complete(fence, 0);
		dma_fence_put(fence);
	}
	idr_destroy(&vfile->fence_idr);
	mutex_destroy(&vfile->fence_lock);
}
