// SPDX-License-Identifier: GPL-2.0-only
/*
 * debugfs "objects": every object with its dma-buf, importers and fences,
 * then every client with its handles. One record per line, "key value"
 * pairs, so that it can be read by eye and parsed by tools.
 *
 * Unlike dma_buf/bufinfo it never waits for a reservation lock: a lock
 * held forever is exactly what someone reading this may be debugging.
 */

#include <linux/dma-buf.h>
#include <linux/dma-fence.h>
#include <linux/dma-resv.h>
#include <linux/pid.h>
#include <linux/sched.h>
#include <linux/seq_file.h>
#include <uapi/linux/dma-buf.h>

#include <kunit/visibility.h>

#include <drm/drm_debugfs.h>
#include <drm/drm_file.h>

#include "vgem_plus_drv.h"

static const char *const vgem_plus_usage_names[] = {
	[DMA_RESV_USAGE_KERNEL] = "kernel",
	[DMA_RESV_USAGE_WRITE] = "write",
	[DMA_RESV_USAGE_READ] = "read",
	[DMA_RESV_USAGE_BOOKKEEP] = "bookkeep",
};

static s64 vgem_plus_age_ms(ktime_t since)
{
	return ktime_ms_delta(ktime_get(), since);
}

/* Names may hold any byte: quote them, escaping what would split a record. */
static void vgem_plus_show_name(struct seq_file *m, const char *name)
{
	seq_putc(m, '"');
	seq_escape(m, name, " \t\n\\\"");
	seq_putc(m, '"');
}

/*
 * @ino is passed in: the file of our own dma-buf may already be freed
 * while its release (which unlinks it from us) is still to come.
 */
static void vgem_plus_show_dmabuf(struct seq_file *m, const char *what,
				  unsigned long ino, struct dma_buf *dmabuf)
{
	char name[DMA_BUF_NAME_LEN] = "";

	spin_lock(&dmabuf->name_lock);
	if (dmabuf->name)
		strscpy(name, dmabuf->name, sizeof(name));
	spin_unlock(&dmabuf->name_lock);

	seq_printf(m, "\t%s ino %lu exporter %s name ", what, ino,
		   dmabuf->exp_name);
	vgem_plus_show_name(m, name);
	seq_putc(m, '\n');
}

VISIBLE_IF_KUNIT void vgem_plus_show_fence(struct seq_file *m,
					   struct dma_fence *fence,
					   enum dma_resv_usage usage)
{
	int status = dma_fence_get_status(fence);

	seq_printf(m, "\tfence %s %s %s seq %llu %s",
		   vgem_plus_usage_names[usage], fence->ops->get_driver_name(fence),
		   fence->ops->get_timeline_name(fence), fence->seqno,
		   status ? "signalled" : "unsignalled");
	if (status < 0)
		seq_printf(m, " error %d", status);
	if (vgem_plus_is_our_fence(fence))
		seq_printf(m, " age-ms %lld",
			   vgem_plus_age_ms(vgem_plus_fence_created(fence)));
	seq_putc(m, '\n');
}
EXPORT_SYMBOL_IF_KUNIT(vgem_plus_show_fence);

static void vgem_plus_show_resv(struct seq_file *m, struct drm_gem_object *obj,
				struct dma_buf *dmabuf)
{
	struct dma_buf_attachment *attach;
	struct dma_resv_iter cursor;
	struct dma_fence *fence;

	if (!dma_resv_trylock(obj->resv)) {
		seq_puts(m, "\treservation locked\n");
		return;
	}

	if (dmabuf)
		list_for_each_entry(attach, &dmabuf->attachments, node)
			seq_printf(m, "\timporter %s\n", dev_name(attach->dev));

	dma_resv_for_each_fence(&cursor, obj->resv, DMA_RESV_USAGE_BOOKKEEP,
				fence)
		vgem_plus_show_fence(m, fence, dma_resv_iter_usage(&cursor));

	dma_resv_unlock(obj->resv);
}

/*
 * Called with objects_lock held, which keeps the struct dma_buf of
 * vobj->dmabuf alive (not its file). An import's attachment holds a
 * reference on the file of the imported dma-buf.
 */
static void vgem_plus_show_object(struct seq_file *m,
				  struct vgem_plus_object *vobj)
{
	struct drm_gem_object *obj = &vobj->base.base;
	struct dma_buf *imported;

	seq_printf(m, "object %u size %zu resident %zu creator %d ",
		   vobj->id, obj->size, vgem_plus_gem_resident(obj),
		   vobj->creator_pid);
	vgem_plus_show_name(m, vobj->creator_comm);
	seq_printf(m, " age-ms %lld\n", vgem_plus_age_ms(vobj->created));

	if (drm_gem_is_imported(obj)) {
		imported = obj->import_attach->dmabuf;
		vgem_plus_show_dmabuf(m, "imported",
				      file_inode(imported->file)->i_ino,
				      imported);
	}
	if (vobj->dmabuf)
		vgem_plus_show_dmabuf(m, "exported", vobj->dmabuf_ino,
				      vobj->dmabuf);

	vgem_plus_show_resv(m, obj, vobj->dmabuf);
}

static void vgem_plus_show_client(struct seq_file *m, struct drm_file *file)
{
	struct drm_gem_object *obj;
	struct task_struct *task;
	struct pid *pid;
	int handle;

	char comm[TASK_COMM_LEN] = "<unknown>";
	pid_t nr;

	rcu_read_lock();
	pid = rcu_dereference(file->pid);
	task = pid_task(pid, PIDTYPE_TGID);
	if (task)
		strscpy(comm, task->comm, sizeof(comm));
	nr = pid_nr(pid);
	rcu_read_unlock();

	/* Global pids, like the creator's: debugfs is the init namespace's. */
	seq_printf(m, "client %llu pid %d comm ", file->client_id, nr);
	vgem_plus_show_name(m, comm);
	seq_putc(m, '\n');

	spin_lock(&file->table_lock);
	idr_for_each_entry(&file->object_idr, obj, handle)
		seq_printf(m, "\thandle %d object %u\n", handle,
			   to_vgem_plus_obj(obj)->id);
	spin_unlock(&file->table_lock);
}

static int vgem_plus_objects_show(struct seq_file *m, void *data)
{
	struct drm_debugfs_entry *entry = m->private;
	struct vgem_plus_device *vdev = to_vgem_plus_dev(entry->dev);
	struct vgem_plus_object *vobj;
	struct drm_file *file;
	unsigned int objects = 0, clients = 0;
	u64 bytes = 0;

	mutex_lock(&vdev->objects_lock);
	list_for_each_entry(vobj, &vdev->objects, link) {
		vgem_plus_show_object(m, vobj);
		objects++;
		bytes += vobj->base.base.size;
	}
	mutex_unlock(&vdev->objects_lock);

	mutex_lock(&vdev->drm.filelist_mutex);
	list_for_each_entry_reverse(file, &vdev->drm.filelist, lhead) {
		vgem_plus_show_client(m, file);
		clients++;
	}
	mutex_unlock(&vdev->drm.filelist_mutex);

	seq_printf(m, "total objects %u bytes %llu clients %u\n",
		   objects, bytes, clients);
	return 0;
}

void vgem_plus_debugfs_init(struct vgem_plus_device *vdev)
{
	drm_debugfs_add_file(&vdev->drm, "objects", vgem_plus_objects_show,
			     NULL);
}
