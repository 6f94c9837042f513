// SPDX-License-Identifier: GPL-2.0-only
/*
 * debugfs state dump: every framebuffer with the buffers behind it, every
 * plane with the framebuffer committed and the one actually shown, and
 * per-CRTC counters.
 *
 * A blocking commit holds the modeset locks for as long as it waits for a
 * fence (up to fence_timeout_ms, or for good with fence_skip=N), and that
 * is when the dump is wanted most: nothing here takes a modeset lock or
 * reads a plane state. The commit tail copies what the dump shows into
 * records of its own under a spinlock instead, and framebuffers are found
 * on the mode config's list, which has a lock of its own.
 */

#include <linux/dma-buf.h>
#include <linux/fs.h>
#include <linux/pid.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <uapi/linux/dma-buf.h>

#include <drm/drm_atomic.h>
#include <drm/drm_blend.h>
#include <drm/drm_debugfs.h>
#include <drm/drm_file.h>
#include <drm/drm_fourcc.h>
#include <drm/drm_framebuffer.h>
#include <drm/drm_gem.h>
#include <drm/drm_managed.h>
#include <drm/drm_rect.h>

#include "display_drv.h"

/* Names are quoted; these would break a line into the wrong words. */
#define DISPLAY_DUMP_ESCAPE	" \t\n\\\""

/**
 * struct display_dump_plane - what a plane was last told to do
 * @fb_id: framebuffer of the newest commit the driver has started on, 0
 *         for none
 * @shown_fb_id: framebuffer on screen: @fb_id once its fence signalled,
 *               the previous one while the commit waits or after it
 *               skipped the frame
 * @crtc: CRTC index, -1 for none
 * @src: source rectangle, 16.16 fixed point, as userspace set it
 * @dst: destination rectangle on the CRTC
 * @zpos: zpos property
 * @alpha: alpha property
 * @blend: pixel blend mode property
 * @fence_wait: the commit of @fb_id waits for its fence
 * @skipped: frames skipped because their fence timed out
 */
struct display_dump_plane {
	u32 fb_id;
	u32 shown_fb_id;
	int crtc;
	struct drm_rect src;
	struct drm_rect dst;
	unsigned int zpos;
	u16 alpha;
	u16 blend;
	bool fence_wait;
	u64 skipped;
};

/**
 * struct display_dump_crtc - counters of a CRTC
 * @active: the newest completed commit left it on
 * @flips: commits completed while it was on
 * @skipped: frames its planes skipped
 */
struct display_dump_crtc {
	bool active;
	u64 flips;
	u64 skipped;
};

/**
 * struct display_dump - the records the debugfs dump reads
 * @lock: protects @crtcs and @planes; taken by the commit tail and by
 *        readers, never with another lock held
 * @crtcs: one per CRTC, by index
 * @num_planes: entries in @planes
 * @planes: one per plane, by index
 */
struct display_dump {
	spinlock_t lock; /* see above */
	struct display_dump_crtc crtcs[DISPLAY_MAX_OUTPUTS];
	unsigned int num_planes;
	struct display_dump_plane *planes;
};

static u32 display_fb_id(const struct drm_framebuffer *fb)
{
	return fb ? fb->base.id : 0;
}

static void display_dump_record_state(struct display_dump_plane *rec,
				      struct drm_plane_state *state)
{
	struct display_plane_state *dstate = to_display_plane_state(state);

	rec->fb_id = display_fb_id(state->fb);
	rec->crtc = state->crtc ? drm_crtc_index(state->crtc) : -1;
	drm_rect_init(&rec->src, state->src_x, state->src_y, state->src_w,
		      state->src_h);
	drm_rect_init(&rec->dst, state->crtc_x, state->crtc_y, state->crtc_w,
		      state->crtc_h);
	rec->zpos = state->zpos;
	rec->alpha = state->alpha;
	rec->blend = state->pixel_blend_mode;
	rec->fence_wait = !!dstate->fence;
}

/**
 * display_debugfs_commit_begin - record what a commit asks of its planes
 * @state: the commit, as its tail starts carrying it out
 *
 * Planes whose new framebuffer has a fence to wait for are marked so until
 * display_debugfs_plane_shown().
 */
void display_debugfs_commit_begin(struct drm_atomic_state *state)
{
	struct display_dump *dump = to_display_dev(state->dev)->dump;
	struct drm_plane_state *new_state;
	struct drm_plane *plane;
	int i;

	spin_lock(&dump->lock);
	for_each_new_plane_in_state(state, plane, new_state, i)
		display_dump_record_state(&dump->planes[drm_plane_index(plane)],
					  new_state);
	spin_unlock(&dump->lock);
}

/**
 * display_debugfs_plane_shown - record what a plane shows after the wait
 * @state: the plane's new state
 * @shown: the framebuffer it shows
 * @skipped: whether the frame of @state was skipped
 */
void display_debugfs_plane_shown(struct drm_plane_state *state,
				 struct drm_framebuffer *shown, bool skipped)
{
	struct display_dump *dump = to_display_dev(state->plane->dev)->dump;
	struct display_dump_plane *rec =
		&dump->planes[drm_plane_index(state->plane)];

	spin_lock(&dump->lock);
	rec->shown_fb_id = display_fb_id(shown);
	rec->fence_wait = false;
	if (skipped) {
		rec->skipped++;
		if (state->crtc)
			dump->crtcs[drm_crtc_index(state->crtc)].skipped++;
	}
	spin_unlock(&dump->lock);
}

/**
 * display_debugfs_commit_crtcs - the CRTCs of a commit, and those it
 * leaves active
 * @state: the commit, before drm_atomic_helper_commit_hw_done()
 * @crtcs: out: what display_debugfs_commit_done() needs
 *
 * Past hw_done the next commit may swap in its states and free the new
 * states of @state (a legacy cursor update does not wait for our flips),
 * so they are read here.
 */
void display_debugfs_commit_crtcs(struct drm_atomic_state *state,
				  struct display_commit_crtcs *crtcs)
{
	struct drm_crtc_state *new_state;
	struct drm_crtc *crtc;
	int i;

	crtcs->in_commit = 0;
	crtcs->active = 0;
	for_each_new_crtc_in_state(state, crtc, new_state, i) {
		crtcs->in_commit |= drm_crtc_mask(crtc);
		if (new_state->active)
			crtcs->active |= drm_crtc_mask(crtc);
	}
}

/**
 * display_debugfs_commit_done - count a commit whose flips completed
 * @dev: the device
 * @crtcs: display_debugfs_commit_crtcs() of the commit
 */
void display_debugfs_commit_done(struct drm_device *dev,
				 const struct display_commit_crtcs *crtcs)
{
	struct display_dump *dump = to_display_dev(dev)->dump;
	struct display_dump_crtc *rec;
	struct drm_crtc *crtc;

	spin_lock(&dump->lock);
	drm_for_each_crtc(crtc, dev) {
		if (!(crtcs->in_commit & drm_crtc_mask(crtc)))
			continue;
		rec = &dump->crtcs[drm_crtc_index(crtc)];
		rec->active = crtcs->active & drm_crtc_mask(crtc);
		if (rec->active)
			rec->flips++;
	}
	spin_unlock(&dump->lock);
}

/* ---- framebuffers ------------------------------------------------------ */

/**
 * struct display_fb_owner - the file that created a framebuffer
 * @fb: the framebuffer
 * @pid: thread group id of the file's process, 0 when no file has it
 * @client_id: drm-client-id of the file, as its fdinfo shows
 * @comm: command name of the process
 */
struct display_fb_owner {
	struct drm_framebuffer *fb;
	pid_t pid;
	u64 client_id;
	char comm[TASK_COMM_LEN];
};

/*
 * References to every framebuffer, taken under fb_lock: a framebuffer on
 * the list with no reference left is being freed, and is skipped.
 */
static struct display_fb_owner *display_fbs_get(struct drm_device *dev,
						unsigned int *count)
{
	struct display_fb_owner *owners;
	struct drm_framebuffer *fb;
	unsigned int n = 0;

	mutex_lock(&dev->mode_config.fb_lock);
	owners = kcalloc(max(dev->mode_config.num_fb, 1), sizeof(*owners),
			 GFP_KERNEL);
	if (owners) {
		drm_for_each_fb(fb, dev) {
			if (kref_get_unless_zero(&fb->base.refcount))
				owners[n++].fb = fb;
		}
	}
	mutex_unlock(&dev->mode_config.fb_lock);

	*count = n;
	return owners;
}

static void display_fbs_put(struct display_fb_owner *owners,
			    unsigned int count)
{
	unsigned int i;

	for (i = 0; i < count; i++)
		drm_framebuffer_put(owners[i].fb);
	kfree(owners);
}

static void display_fb_owner_set(struct display_fb_owner *owner,
				 struct drm_file *file)
{
	struct task_struct *task;
	struct pid *pid;

	owner->client_id = file->client_id;
	rcu_read_lock(); /* file->pid, and the task it names */
	pid = rcu_dereference(file->pid);
	owner->pid = pid_nr(pid);
	task = pid_task(pid, PIDTYPE_TGID);
	if (task)
		get_task_comm(owner->comm, task);
	rcu_read_unlock();
}

/*
 * A framebuffer belongs to the file whose list holds it, until RMFB,
 * CLOSEFB or the file's release takes it off.
 */
static void display_fbs_find_owners(struct drm_device *dev,
				    struct display_fb_owner *owners,
				    unsigned int count)
{
	struct drm_framebuffer *fb;
	struct drm_file *file;
	unsigned int i;

	mutex_lock(&dev->filelist_mutex);
	list_for_each_entry(file, &dev->filelist, lhead) {
		mutex_lock(&file->fbs_lock);
		list_for_each_entry(fb, &file->fbs, filp_head) {
			for (i = 0; i < count; i++)
				if (owners[i].fb == fb)
					display_fb_owner_set(&owners[i], file);
		}
		mutex_unlock(&file->fbs_lock);
	}
	mutex_unlock(&dev->filelist_mutex);
}

static void display_seq_quoted(struct seq_file *m, const char *key,
			       const char *val)
{
	seq_printf(m, " %s \"", key);
	seq_escape(m, val, DISPLAY_DUMP_ESCAPE);
	seq_putc(m, '"');
}

/*
 * Where one buffer object comes from: the dma-buf it was imported from,
 * or drm_display itself, with the dma-buf it is exported as if any. The
 * inode is the one fstat() on the dma-buf fd and bufinfo show.
 */
static void display_show_gem(struct seq_file *m, struct drm_gem_object *obj)
{
	char name[DMA_BUF_NAME_LEN] = "";
	const char *exporter = "drm_display";
	struct dma_buf *dmabuf;
	unsigned long ino = 0;

	/* The export's pointer changes, and holds its reference, under it. */
	mutex_lock(&obj->dev->object_name_lock);
	dmabuf = obj->import_attach ? obj->import_attach->dmabuf : obj->dma_buf;
	if (dmabuf) {
		/* The import and the export both keep the dma-buf alive. */
		ino = file_inode(dmabuf->file)->i_ino;
		if (obj->import_attach)
			exporter = dmabuf->exp_name;
		spin_lock(&dmabuf->name_lock);
		if (dmabuf->name)
			strscpy(name, dmabuf->name, sizeof(name));
		spin_unlock(&dmabuf->name_lock);
	}
	mutex_unlock(&obj->dev->object_name_lock);

	seq_printf(m, " gem-size %zu exporter %s dmabuf-ino %lu", obj->size,
		   exporter, ino);
	display_seq_quoted(m, "name", name);
}

static void display_show_fb(struct seq_file *m,
			    const struct display_fb_owner *owner)
{
	struct drm_framebuffer *fb = owner->fb;
	unsigned int i;

	seq_printf(m, "fb %u format \"%p4cc\" modifier 0x%llx size %ux%u layers %u refcount %u",
		   fb->base.id, &fb->format->format, fb->modifier, fb->width,
		   fb->height, fb->format->num_planes,
		   /* Less the one this dump holds. */
		   drm_framebuffer_read_refcount(fb) - 1);
	display_seq_quoted(m, "comm", fb->comm);
	seq_printf(m, " owner-pid %d owner-client %llu", owner->pid,
		   owner->client_id);
	display_seq_quoted(m, "owner-comm", owner->comm);
	seq_putc(m, '\n');

	for (i = 0; i < fb->format->num_planes; i++) {
		seq_printf(m, "fb %u layer %u pitch %u offset %u", fb->base.id,
			   i, fb->pitches[i], fb->offsets[i]);
		display_show_gem(m, fb->obj[i]);
		seq_putc(m, '\n');
	}
}

static int display_framebuffers_show(struct seq_file *m, void *data)
{
	struct drm_debugfs_entry *entry = m->private;
	struct drm_device *dev = entry->dev;
	struct display_fb_owner *owners;
	unsigned int i, count;

	owners = display_fbs_get(dev, &count);
	if (!owners)
		return -ENOMEM;

	display_fbs_find_owners(dev, owners, count);
	for (i = 0; i < count; i++)
		display_show_fb(m, &owners[i]);

	display_fbs_put(owners, count);
	return 0;
}

/* ---- planes and CRTCs -------------------------------------------------- */

static const char *display_plane_type_name(enum drm_plane_type type)
{
	switch (type) {
	case DRM_PLANE_TYPE_PRIMARY:
		return "primary";
	case DRM_PLANE_TYPE_CURSOR:
		return "cursor";
	default:
		return "overlay";
	}
}

static const char *display_blend_name(u16 mode)
{
	switch (mode) {
	case DRM_MODE_BLEND_PIXEL_NONE:
		return "none";
	case DRM_MODE_BLEND_PREMULTI:
		return "premulti";
	case DRM_MODE_BLEND_COVERAGE:
		return "coverage";
	default:
		return "unknown";
	}
}

/* A copy of the plane records, taken at once: one read is consistent. */
static struct display_dump_plane *display_dump_planes(struct display_dump *dump)
{
	struct display_dump_plane *copy;

	copy = kmalloc_array(dump->num_planes, sizeof(*copy), GFP_KERNEL);
	if (!copy)
		return NULL;

	spin_lock(&dump->lock);
	memcpy(copy, dump->planes, dump->num_planes * sizeof(*copy));
	spin_unlock(&dump->lock);
	return copy;
}

static const char *display_crtc_name(struct drm_device *dev, int index)
{
	struct drm_crtc *crtc = index >= 0 ? drm_crtc_from_index(dev, index) :
					     NULL;

	return crtc ? crtc->name : "-";
}

static int display_planes_show(struct seq_file *m, void *data)
{
	struct drm_debugfs_entry *entry = m->private;
	struct drm_device *dev = entry->dev;
	struct display_dump_plane *copy, *rec;
	struct drm_plane *plane;

	copy = display_dump_planes(to_display_dev(dev)->dump);
	if (!copy)
		return -ENOMEM;

	/* The plane list and names are fixed once the device is set up. */
	drm_for_each_plane(plane, dev) {
		rec = &copy[drm_plane_index(plane)];
		seq_printf(m, "plane %s type %s crtc %s fb %u shown-fb %u fence-wait %d skipped %llu",
			   plane->name, display_plane_type_name(plane->type),
			   display_crtc_name(dev, rec->crtc), rec->fb_id,
			   rec->shown_fb_id, rec->fence_wait, rec->skipped);
		seq_printf(m, " src " DRM_RECT_FP_FMT,
			   DRM_RECT_FP_ARG(&rec->src));
		seq_printf(m, " dst " DRM_RECT_FMT " zpos %u alpha 0x%04x blend %s\n",
			   DRM_RECT_ARG(&rec->dst), rec->zpos, rec->alpha,
			   display_blend_name(rec->blend));
	}

	kfree(copy);
	return 0;
}

static int display_crtcs_show(struct seq_file *m, void *data)
{
	struct drm_debugfs_entry *entry = m->private;
	struct drm_device *dev = entry->dev;
	struct display_dump *dump = to_display_dev(dev)->dump;
	struct display_dump_crtc copy[DISPLAY_MAX_OUTPUTS], *rec;
	struct drm_crtc *crtc;

	spin_lock(&dump->lock);
	memcpy(copy, dump->crtcs, sizeof(copy));
	spin_unlock(&dump->lock);

	drm_for_each_crtc(crtc, dev) {
		rec = &copy[drm_crtc_index(crtc)];
		seq_printf(m, "crtc %s active %d flips %llu skipped %llu\n",
			   crtc->name, rec->active, rec->flips, rec->skipped);
	}
	return 0;
}

/**
 * display_debugfs_init - the records and the debugfs files of the dump
 * @ddev: the device, its planes and CRTCs created and reset
 *
 * Return: 0 or -ENOMEM.
 */
int display_debugfs_init(struct display_device *ddev)
{
	struct drm_device *dev = &ddev->drm;
	unsigned int num_planes = dev->mode_config.num_total_plane;
	struct display_dump *dump;
	struct drm_plane *plane;

	dump = drmm_kzalloc(dev, sizeof(*dump), GFP_KERNEL);
	if (!dump)
		return -ENOMEM;
	dump->planes = drmm_kcalloc(dev, num_planes, sizeof(*dump->planes),
				    GFP_KERNEL);
	if (!dump->planes)
		return -ENOMEM;

	spin_lock_init(&dump->lock);
	dump->num_planes = num_planes;
	/* Nothing is committed yet: the reset states are what there is. */
	drm_for_each_plane(plane, dev)
		display_dump_record_state(&dump->planes[drm_plane_index(plane)],
					  plane->state);
	ddev->dump = dump;

	drm_debugfs_add_file(dev, "framebuffers", display_framebuffers_show,
			     NULL);
	drm_debugfs_add_file(dev, "planes", display_planes_show, NULL);
	drm_debugfs_add_file(dev, "crtcs", display_crtcs_show, NULL);
	return 0;
}
