// SPDX-License-Identifier: MIT
/*
 * Ops on device files: the DRM core's GEM, PRIME, dumb-buffer, version
 * and capability ioctls, the driver's object ioctls, syncobj ioctls (not
 * supported by vgem: they must just fail) and raw driver-range ioctls.
 *
 * Checked invariants (cheap, and certain given the model):
 * - a call that makes a new handle never returns one that is live for
 *   another object in the same file; an import returns either a new handle
 *   or the file's handle of that very object;
 * - GEM_CLOSE / DESTROY_DUMB of a live handle (on a node that allows
 *   them) do not fail;
 * - a handle's fake mmap offset and an object's flink name never change
 *   while they live, and GEM_OPEN of a live name reports the object's
 *   size;
 * - two exports of one object give the same dma-buf (inode) while one
 *   of them is open; two imports of one dma-buf into a file give the same
 *   handle, unless a handle was closed in between;
 * - VGEM_PLUS_CREATE rounds sizes up to whole pages and aligns pitches.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <drm.h>
#include <drm_fourcc.h>
#include <drm_mode.h>

#include "kms.h"
#include "vgem_plus_drm.h"

struct dev_filter {
	enum op_id op;
	bool own_only;
};

static bool dev_ok(struct ctx *c, struct ent *e, const void *arg)
{
	const struct dev_filter *f = arg;

	(void)c;
	return device_has_op(&g_devices[e->devi], f->op) &&
	       (!f->own_only || !e->inherited);
}

/*
 * A device file for @op. @own_only: in a child, only files it opened
 * itself, for calls whose effect the parent's model could not follow.
 */
struct ent *pick_dev(struct ctx *c, enum op_id op, bool own_only)
{
	struct dev_filter f = { op, own_only && c->child };

	return pick_live(c, K_DEV, dev_ok, &f);
}

void note_dev(struct ctx *c, struct ent *dev)
{
	note(c, " d%u:%s", dev->id, node_name(dev->node));
}

static bool handle_in(struct ctx *c, struct ent *e, const void *dev)
{
	(void)c;
	return e->dev == dev;
}

static bool handle_not_in(struct ctx *c, struct ent *e, const void *dev)
{
	(void)c;
	return e->dev != dev;
}

/* Live (mostly), just closed, another file's, or a boundary value. */
void pick_handle(struct ctx *c, struct ent *dev, struct hpick *p)
{
	struct ent *h = NULL;
	struct stale s;
	u32 r = rnd(c, 100);

	p->how = "live";
	if (r < 75 && (h = pick_live(c, K_HANDLE, handle_in, dev))) {
		p->val = h->val;
	} else if (r < 85 && pick_stale(c, K_HANDLE, &s)) {
		p->val = s.val;
		p->how = "stale";
	} else if (r < 92 && (h = pick_live(c, K_HANDLE, handle_not_in, dev))) {
		p->val = h->val;
		p->how = "other-fd";
	} else {
		p->val = bval32(c);
		p->how = "bval";
	}
	p->h = find_handle(dev, p->val);
}

void note_handle(struct ctx *c, const struct hpick *p)
{
	if (p->h)
		note(c, " h=%u(%s o%u)", p->val, p->how, p->h->obj->id);
	else
		note(c, " h=%u(%s)", p->val, p->how);
}

void use_opt(struct ent *e)
{
	if (e)
		ent_use(e);
}

void unuse_opt(struct ent *e)
{
	if (e)
		ent_unuse(e);
}

bool obj_sure(const struct obj *o)
{
	return o && !o->unsure;
}

/* Drop a handle right away (objects too big to map); under the lock. */
void close_handle_now(struct ctx *c, struct ent *h)
{
	struct drm_gem_close a = { .handle = h->val };
	int ret = x_ioctl(c, h->dev->fd, DRM_IOCTL_GEM_CLOSE, &a);

	note(c, " (too big: closed = %d)", ret);
	if (ret == 0) {
		h->dev->close_gen++;
		ent_kill(h);
	}
}

/*
 * An import returned the handle of another object: tell a stale model
 * from a kernel that mixed up objects, by the dma-buf the handle exports.
 */
static void import_mismatch(struct ctx *c, struct ent *dev, struct ent *h,
			     struct obj *o)
{
	struct drm_prime_handle a = { .handle = h->val, .flags = DRM_CLOEXEC };
	struct stat st = { 0 };

	if (!ioctl(dev->fd, DRM_IOCTL_PRIME_HANDLE_TO_FD, &a)) {
		fstat(a.fd, &st);
		close(a.fd);
	}
	fail(c, "import of o%u (dma-buf inode %lu) returned handle %u of o%u (made by op %s; o%u's dma-buf inode %lu; the handle now exports inode %lu)",
	     o->id, o->ino, h->val, h->obj->id, h->origin, h->obj->id,
	     h->obj->ino, (unsigned long)st.st_ino);
}

/*
 * A call returned @handle in @dev for object @o (NULL: a new object for
 * GOT_NEW_OBJ, else not known). Under the lock. Handles in files closed
 * meanwhile are not ours to track.
 */
void got_handle(struct ctx *c, struct ent *dev, u32 handle, struct obj *o,
		u64 size, enum got how)
{
	struct ent *h;

	if (!dev->live) {
		note(c, " (file closed meanwhile)");
		return;
	}
	if (dev->unknown_gen != c->gen ||
	    (how == GOT_IMPORT && dev->close_gen != c->close_gen)) {
		note(c, " h=%u (a handle was closed meanwhile: not tracked)",
		     handle);
		return;
	}
	h = find_handle(dev, handle);
	/* A file shared with the parent's running threads: not exact. */
	if (h && dev->inherited && g_opt.threads > 1) {
		note(c, " h=%u(shared file)", handle);
		return;
	}
	if (h) {
		note(c, " h=%u(existing o%u)", handle, h->obj->id);
		if (how != GOT_IMPORT)
			fail(c, "new handle %u is already live for o%u in this file (made by op %s)",
			     handle, h->obj->id, h->origin);
		else if (obj_sure(o) && obj_sure(h->obj) && h->obj != o)
			import_mismatch(c, dev, h, o);
		return;
	}
	if (!o) {
		o = obj_new(size, how != GOT_NEW_OBJ);
		if (how == GOT_NEW_OBJ)
			o->home_devi = (int)dev->devi;
	}
	h = ent_new(K_HANDLE);
	h->val = handle;
	ent_origin(h, c);
	ent_set_dev(h, dev);
	ent_set_obj(h, o);
	o->handles++;
	o->handles_on[dev->devi]++;
	note(c, " h=%u o%u%s", handle, o->id, o->unsure ? "?" : "");
	if (o->size > MAX_OBJ_SIZE)
		close_handle_now(c, h);
}

/* Take a device and keep it while the call runs. */
static struct ent *use_dev(struct ctx *c, enum op_id op, bool own_only)
{
	struct ent *dev;

	model_lock();
	dev = pick_dev(c, op, own_only);
	use_opt(dev);
	if (dev) {
		c->gen = dev->unknown_gen;
		c->close_gen = dev->close_gen;
	}
	model_unlock();
	if (dev)
		note_dev(c, dev);
	else
		op_skip(c, op, "no device file");
	return dev;
}

static void unuse_dev(struct ent *dev)
{
	model_lock();
	ent_unuse(dev);
	model_unlock();
}

/* Take a device and a handle value in it. */
static struct ent *use_dev_handle(struct ctx *c, enum op_id op, bool own_only,
				  struct hpick *p)
{
	struct ent *dev;

	model_lock();
	dev = pick_dev(c, op, own_only);
	if (dev) {
		ent_use(dev);
		pick_handle(c, dev, p);
		use_opt(p->h);
	}
	model_unlock();
	if (!dev) {
		op_skip(c, op, "no device file");
		return NULL;
	}
	note_dev(c, dev);
	note_handle(c, p);
	return dev;
}

static void unuse_dev_handle(struct ent *dev, struct hpick *p)
{
	unuse_opt(p->h);
	ent_unuse(dev);
}

/* The handle's object, if the call surely acted on it. */
static struct obj *sure_obj(const struct hpick *p)
{
	return p->h && p->h->live && obj_sure(p->h->obj) ? p->h->obj : NULL;
}

void op_version(struct ctx *c)
{
	static const size_t lens[] = { 0, 1, 3, 4, 16, 64, 255 };
	char name[256], date[256], desc[256];
	struct drm_version v;
	struct ent *dev = use_dev(c, OP_VERSION, false);
	int ret;

	if (!dev)
		return;
	memset(&v, 0, sizeof(v));
	v.name_len = lens[rnd(c, ARRAY_SIZE(lens))];
	v.date_len = lens[rnd(c, ARRAY_SIZE(lens))];
	v.desc_len = lens[rnd(c, ARRAY_SIZE(lens))];
	v.name = chance(c, 90) ? name : (char *)bad_ptr(c);
	v.date = chance(c, 90) ? date : (char *)bad_ptr(c);
	v.desc = chance(c, 90) ? desc : (char *)bad_ptr(c);
	note(c, " lens=%zu,%zu,%zu", v.name_len, v.date_len, v.desc_len);
	ret = x_ioctl(c, dev->fd, DRM_IOCTL_VERSION, &v);
	op_result(c, OP_VERSION, ret);
	unuse_dev(dev);
}

void op_get_cap(struct ctx *c)
{
	struct drm_get_cap a = { 0 };
	struct ent *dev = use_dev(c, OP_GET_CAP, false);
	int ret;

	if (!dev)
		return;
	a.capability = chance(c, 70) ? rnd(c, 0x16) : bval64(c);
	note(c, " cap=%#llx", (unsigned long long)a.capability);
	ret = x_ioctl(c, dev->fd, DRM_IOCTL_GET_CAP, &a);
	op_result(c, OP_GET_CAP, ret);
	if (!ret)
		note(c, " value=%llu", (unsigned long long)a.value);
	unuse_dev(dev);
}

void op_set_client_cap(struct ctx *c)
{
	struct drm_set_client_cap a = { 0 };
	struct ent *dev = use_dev(c, OP_SET_CLIENT_CAP, false);
	int ret;

	if (!dev)
		return;
	a.capability = chance(c, 70) ? rnd(c, 8) : bval64(c);
	a.value = chance(c, 70) ? rnd(c, 3) : bval64(c);
	note(c, " cap=%#llx value=%#llx", (unsigned long long)a.capability,
	     (unsigned long long)a.value);
	ret = x_ioctl(c, dev->fd, DRM_IOCTL_SET_CLIENT_CAP, &a);
	op_result(c, OP_SET_CLIENT_CAP, ret);
	unuse_dev(dev);
}

static const u32 formats[] = {
	DRM_FORMAT_XRGB8888, DRM_FORMAT_ARGB8888, DRM_FORMAT_RGB565,
	DRM_FORMAT_RGB888, DRM_FORMAT_NV12, DRM_FORMAT_YUV420, DRM_FORMAT_P010,
	DRM_FORMAT_XRGB16161616F, DRM_FORMAT_C8, DRM_FORMAT_YUYV,
	0, 0x20202020, DRM_FORMAT_MOD_VENDOR_NONE, 0x32315659 + 1,
};

/* Either a plain size or an image (width, height, fourcc). */
static void create_args(struct ctx *c, struct drm_vgem_plus_create *a)
{
	memset(a, 0, sizeof(*a));
	if (chance(c, 75)) {
		a->size = gen_size(c);
	} else {
		a->width = chance(c, 85) ? 1 + rnd(c, 1024) : bval32(c);
		a->height = chance(c, 85) ? 1 + rnd(c, 1024) : bval32(c);
		a->format = chance(c, 95) ? formats[rnd(c, ARRAY_SIZE(formats))] :
			    bval32(c);
		if (chance(c, 5))
			a->size = gen_size(c);
	}
	a->flags = flags32(c, 0, 4);
	a->pad = pad32(c);
}

/* What the uapi promises about a successful VGEM_PLUS_CREATE. */
static void check_create(struct ctx *c, const struct drm_vgem_plus_create *a,
			 u64 asked)
{
	unsigned int i;

	if (a->size % PAGE || (asked && a->size < asked))
		fail(c, "size %llu for %llu asked", (unsigned long long)a->size,
		     (unsigned long long)asked);
	if (a->num_planes > 4 || (!asked && !a->num_planes) ||
	    (asked && a->num_planes))
		fail(c, "num_planes %u", a->num_planes);
	for (i = 0; i < a->num_planes && i < 4; i++)
		if (!a->pitches[i] || a->pitches[i] % VGEM_PLUS_PITCH_ALIGN ||
		    a->offsets[i] >= a->size)
			fail(c, "plane %u: pitch %u offset %u", i,
			     a->pitches[i], a->offsets[i]);
}

void op_create(struct ctx *c)
{
	struct drm_vgem_plus_create a;
	struct ent *dev = use_dev(c, OP_CREATE, false);
	u64 asked;
	int ret;

	if (!dev)
		return;
	create_args(c, &a);
	asked = a.size;
	note(c, " size=%#llx w=%u h=%u fmt=%#x flags=%#x pad=%#llx",
	     (unsigned long long)a.size, a.width, a.height, a.format, a.flags,
	     (unsigned long long)a.pad);
	ret = x_ioctl(c, dev->fd, DRM_IOCTL_VGEM_PLUS_CREATE, &a);
	op_result(c, OP_CREATE, ret);
	model_lock();
	if (!ret) {
		note(c, " size=%#llx planes=%u", (unsigned long long)a.size,
		     a.num_planes);
		check_create(c, &a, asked);
		got_handle(c, dev, a.handle, NULL, a.size, GOT_NEW_OBJ);
	}
	ent_unuse(dev);
	model_unlock();
}

/*
 * A dumb buffer holds its rows. drm_gem_shmem_dumb_create() (6.12)
 * computes the pitch as width * bpp in 32 bits, which wraps where the
 * core's width * cpp does not: both drivers have their own since.
 */
static void check_dumb(struct ctx *c, const struct drm_mode_create_dumb *a)
{
	u64 row = ((u64)a->width * a->bpp + 7) / 8;

	if ((u64)a->pitch * a->height <= a->size && a->pitch >= row)
		return;
	fail(c, "dumb buffer too small: %ux%u bpp %u needs rows of %llu bytes, got pitch %u size %llu",
	     a->width, a->height, a->bpp, (unsigned long long)row, a->pitch,
	     (unsigned long long)a->size);
}

void op_create_dumb(struct ctx *c)
{
	static const u32 bpps[] = { 8, 16, 24, 32, 1, 12, 30, 64 };
	struct drm_mode_create_dumb a = { 0 };
	struct ent *dev = use_dev(c, OP_CREATE_DUMB, false);
	int ret;

	if (!dev)
		return;
	a.width = chance(c, 85) ? 1 + rnd(c, 1024) : bval32(c);
	a.height = chance(c, 85) ? 1 + rnd(c, 768) : bval32(c);
	a.bpp = chance(c, 90) ? bpps[rnd(c, ARRAY_SIZE(bpps))] : bval32(c);
	/* drm_display: often the size of a mode, for SETCRTC and flips. */
	if (g_devices[dev->devi].type->kms && g_kms[dev->devi].nmodes &&
	    chance(c, 30)) {
		const struct drm_mode_modeinfo *m =
			&g_kms[dev->devi].modes[rnd(c, g_kms[dev->devi].nmodes)];

		a.width = m->hdisplay;
		a.height = m->vdisplay;
		a.bpp = chance(c, 80) ? 32 : 16;
	}
	a.flags = flags32(c, 0, 4);
	note(c, " %ux%u bpp=%u flags=%#x", a.width, a.height, a.bpp, a.flags);
	ret = x_ioctl(c, dev->fd, DRM_IOCTL_MODE_CREATE_DUMB, &a);
	op_result(c, OP_CREATE_DUMB, ret);
	model_lock();
	if (!ret) {
		note(c, " pitch=%u size=%#llx", a.pitch,
		     (unsigned long long)a.size);
		check_dumb(c, &a);
		got_handle(c, dev, a.handle, NULL, a.size, GOT_NEW_OBJ);
	}
	ent_unuse(dev);
	model_unlock();
}

/* The fake offset of a live handle's object never changes. */
static void got_offset(struct ctx *c, const struct hpick *p, u64 offset)
{
	struct obj *o = sure_obj(p);

	if (!o || p->h->raced)
		return;
	if (p->h->offset && p->h->offset != offset)
		fail(c, "o%u: mmap offset changed from %#llx to %#llx", o->id,
		     (unsigned long long)p->h->offset,
		     (unsigned long long)offset);
	p->h->offset = offset;
}

void op_map_dumb(struct ctx *c)
{
	struct drm_mode_map_dumb a = { 0 };
	struct hpick p;
	struct ent *dev = use_dev_handle(c, OP_MAP_DUMB, false, &p);
	int ret;

	if (!dev)
		return;
	a.handle = p.val;
	a.pad = pad32(c);
	note(c, " pad=%#x", a.pad);
	ret = x_ioctl(c, dev->fd, DRM_IOCTL_MODE_MAP_DUMB, &a);
	op_result(c, OP_MAP_DUMB, ret);
	model_lock();
	if (!ret)
		got_offset(c, &p, a.offset);
	unuse_dev_handle(dev, &p);
	model_unlock();
}

void op_map_offset(struct ctx *c)
{
	struct drm_vgem_plus_map_offset a = { 0 };
	struct hpick p;
	struct ent *dev = use_dev_handle(c, OP_MAP_OFFSET, false, &p);
	int ret;

	if (!dev)
		return;
	a.handle = p.val;
	a.flags = flags32(c, 0, 5);
	note(c, " flags=%#x", a.flags);
	ret = x_ioctl(c, dev->fd, DRM_IOCTL_VGEM_PLUS_MAP_OFFSET, &a);
	op_result(c, OP_MAP_OFFSET, ret);
	model_lock();
	if (!ret)
		got_offset(c, &p, a.offset);
	unuse_dev_handle(dev, &p);
	model_unlock();
}

/*
 * GEM_CLOSE and DESTROY_DUMB run under the model lock: the model's live
 * handles must be exactly the kernel's for the new-handle check.
 */
static void close_handle_op(struct ctx *c, enum op_id op)
{
	struct drm_mode_destroy_dumb d = { 0 };
	struct drm_gem_close a = { 0 };
	struct ent *dev;
	struct hpick p;
	int ret;

	model_lock();
	dev = pick_dev(c, op, true);
	if (!dev) {
		model_unlock();
		op_skip(c, op, "no device file");
		return;
	}
	pick_handle(c, dev, &p);
	if (c->child && p.h && p.h->inherited)
		p.val = bval32(c);	/* the parent's handle: not ours */
	p.h = find_handle(dev, p.val);
	note_dev(c, dev);
	note_handle(c, &p);
	if (op == OP_GEM_CLOSE) {
		a.handle = p.val;
		a.pad = pad32(c);
		note(c, " pad=%#x", a.pad);
		ret = x_ioctl(c, dev->fd, DRM_IOCTL_GEM_CLOSE, &a);
	} else {
		d.handle = p.val;
		ret = x_ioctl(c, dev->fd, DRM_IOCTL_MODE_DESTROY_DUMB, &d);
	}
	op_result(c, op, ret);
	if (!ret)
		dev->close_gen++;
	if (!ret && !p.h)
		dev->unknown_gen++;
	if (!ret && p.h)
		ent_kill(p.h);
	else if (ret && p.h && !(op == OP_DESTROY_DUMB && ret == -EACCES))
		fail(c, "closing live handle %u (o%u, made by op %s) failed",
		     p.val, p.h->obj->id, p.h->origin);
	model_unlock();
}

void op_gem_close(struct ctx *c)
{
	close_handle_op(c, OP_GEM_CLOSE);
}

void op_destroy_dumb(struct ctx *c)
{
	close_handle_op(c, OP_DESTROY_DUMB);
}

void op_flink(struct ctx *c)
{
	struct drm_gem_flink a = { 0 };
	struct hpick p;
	struct ent *dev = use_dev_handle(c, OP_FLINK, false, &p), *f;
	struct obj *o;
	int ret;

	if (!dev)
		return;
	a.handle = p.val;
	ret = x_ioctl(c, dev->fd, DRM_IOCTL_GEM_FLINK, &a);
	op_result(c, OP_FLINK, ret);
	model_lock();
	o = sure_obj(&p);
	/* Names belong to the device's own object, not to imports. */
	if (o && o->home_devi != (int)dev->devi)
		o = NULL;
	if (!ret && o) {
		if (o->name && o->name != a.name)
			fail(c, "o%u: flink name changed", o->id);
		if (!o->name) {
			o->name = a.name;
			o->name_devi = dev->devi;
			f = ent_new(K_FLINK);
			f->val = a.name;
			ent_set_obj(f, o);
		}
		note(c, " name=n%u", find_flink(o->name) ?
		     find_flink(o->name)->id : 0);
	}
	unuse_dev_handle(dev, &p);
	model_unlock();
}

void op_gem_open(struct ctx *c)
{
	struct drm_gem_open a = { 0 };
	struct ent *dev = use_dev(c, OP_GEM_OPEN, false), *f = NULL;
	struct stale s;
	struct obj *o = NULL;
	u32 r = rnd(c, 100);
	int ret;

	if (!dev)
		return;
	model_lock();
	if (r < 75 && (f = pick_live(c, K_FLINK, NULL, NULL))) {
		a.name = f->val;
		ent_use(f);
		note(c, " name=n%u(live o%u)", f->id, f->obj->id);
	} else if (r < 88 && pick_stale(c, K_FLINK, &s)) {
		a.name = s.val;
		note(c, " name=(stale)");
	} else {
		a.name = bval32(c);
		note(c, " name=%#x(bval)", a.name);
	}
	model_unlock();
	a.handle = bval32(c);
	ret = x_ioctl(c, dev->fd, DRM_IOCTL_GEM_OPEN, &a);
	op_result(c, OP_GEM_OPEN, ret);
	model_lock();
	/* While a handle lives, the name cannot have been released. */
	if (f && f->live && obj_sure(f->obj) &&
	    f->obj->handles_on[f->obj->name_devi])
		o = f->obj;
	if (!ret) {
		note(c, " size=%#llx", (unsigned long long)a.size);
		if (o && a.size != o->size)
			fail(c, "GEM_OPEN of o%u's name: size %llu, not %llu",
			     o->id, (unsigned long long)a.size,
			     (unsigned long long)o->size);
		got_handle(c, dev, a.handle, o, a.size, GOT_NEW_HANDLE);
	}
	unuse_opt(f);
	ent_unuse(dev);
	model_unlock();
}

/* A new dma-buf fd: into the model, with the inode check. Under the lock. */
void add_dmabuf(struct ctx *c, int fd, struct obj *o, bool sure)
{
	struct stat st;
	struct ent *b;

	if (fstat(fd, &st)) {
		close(fd);
		return;
	}
	record_ino(st.st_ino);
	if (!sure)
		o = obj_new((u64)st.st_size, true);
	if (sure && o->dmabufs && o->ino != st.st_ino)
		fail(c, "o%u exported as a second dma-buf (inode %lu) while the first (inode %lu) is open",
		     o->id, (unsigned long)st.st_ino, o->ino);
	if (sure) {
		o->ino = st.st_ino;
		o->dmabufs++;
	}
	b = ent_new(K_DMABUF);
	b->fd = fd;
	b->ino = st.st_ino;
	ent_origin(b, c);
	ent_set_obj(b, o);
	note(c, " -> b%u o%u%s", b->id, o->id, sure ? "" : "?");
}

void op_prime_export(struct ctx *c)
{
	struct drm_prime_handle a = { 0 };
	struct hpick p;
	struct ent *dev = use_dev_handle(c, OP_PRIME_EXPORT, false, &p);
	struct obj *o;
	int ret;

	if (!dev)
		return;
	a.handle = p.val;
	a.flags = flags32(c, DRM_CLOEXEC | DRM_RDWR, 5);
	a.fd = (s32)bval32(c);
	note(c, " flags=%#x", a.flags);
	ret = x_ioctl(c, dev->fd, DRM_IOCTL_PRIME_HANDLE_TO_FD, &a);
	op_result(c, OP_PRIME_EXPORT, ret);
	model_lock();
	o = sure_obj(&p);
	if (!ret)
		add_dmabuf(c, a.fd, o, o != NULL);
	unuse_dev_handle(dev, &p);
	model_unlock();
}

/* The same dma-buf once more: the file's handle for it, if none closed
 * since the first import. */
static void import_again(struct ctx *c, struct ent *dev,
			 const struct fdpick *p, u32 first)
{
	struct drm_prime_handle a = { 0 };
	unsigned long gen, close_gen;
	bool buf;
	int ret;

	/*
	 * As before the first import: a handle closed since then may have
	 * been the first import's, and this one then gets another.
	 */
	gen = c->gen;
	close_gen = c->close_gen;
	a.fd = p->fd;
	a.flags = DRM_CLOEXEC;
	ret = x_ioctl(c, dev->fd, DRM_IOCTL_PRIME_FD_TO_HANDLE, &a);
	note(c, " again = %d", ret);
	if (ret)
		return;
	model_lock();
	buf = p->e && p->e->kind == K_DMABUF;
	if (a.handle != first && dev->live && gen == dev->unknown_gen &&
	    close_gen == dev->close_gen && buf && p->e->live && !p->e->raced &&
	    !(dev->inherited && g_opt.threads > 1))
		fail(c, "importing b%u twice gave handles %u and %u", p->e->id,
		     first, a.handle);
	got_handle(c, dev, a.handle, buf && p->e->live && obj_sure(p->e->obj) ?
		   p->e->obj : NULL, buf ? p->e->obj->size : 0, GOT_IMPORT);
	model_unlock();
}

void op_prime_import(struct ctx *c)
{
	struct drm_prime_handle a = { 0 };
	struct ent *dev = use_dev(c, OP_PRIME_IMPORT, false);
	struct fdpick p;
	struct obj *o = NULL;
	u64 size = 0;
	int ret;

	if (!dev)
		return;
	pick_fd(c, K_DMABUF, &p);
	note_fd(c, "fd", &p);
	a.fd = p.fd;
	a.flags = flags32(c, 0, 5);
	a.handle = bval32(c);
	ret = x_ioctl(c, dev->fd, DRM_IOCTL_PRIME_FD_TO_HANDLE, &a);
	op_result(c, OP_PRIME_IMPORT, ret);
	model_lock();
	if (p.e && p.e->kind == K_DMABUF) {
		size = p.e->obj->size;
		if (p.e->live && obj_sure(p.e->obj))
			o = p.e->obj;
	}
	if (!ret)
		got_handle(c, dev, a.handle, o, size, GOT_IMPORT);
	model_unlock();
	if (!ret && chance(c, 30))
		import_again(c, dev, &p, a.handle);
	model_lock();
	unuse_opt(p.e);
	ent_unuse(dev);
	model_unlock();
}

void op_syncobj(struct ctx *c)
{
	struct drm_syncobj_create cr = { 0 };
	struct drm_syncobj_destroy de = { 0 };
	struct drm_syncobj_handle h = { 0 };
	struct drm_syncobj_wait w = { 0 };
	struct drm_syncobj_array arr = { 0 };
	struct ent *dev = use_dev(c, OP_SYNCOBJ, false);
	u32 handles[2] = { 1, 2 };
	int ret;

	if (!dev)
		return;
	switch (rnd(c, 6)) {
	case 0:
		cr.flags = flags32(c, DRM_SYNCOBJ_CREATE_SIGNALED, 10);
		note(c, " CREATE");
		ret = x_ioctl(c, dev->fd, DRM_IOCTL_SYNCOBJ_CREATE, &cr);
		break;
	case 1:
		de.handle = bval32(c);
		note(c, " DESTROY");
		ret = x_ioctl(c, dev->fd, DRM_IOCTL_SYNCOBJ_DESTROY, &de);
		break;
	case 2:
		h.handle = bval32(c);
		note(c, " HANDLE_TO_FD");
		ret = x_ioctl(c, dev->fd, DRM_IOCTL_SYNCOBJ_HANDLE_TO_FD, &h);
		if (!ret)
			close(h.fd);
		break;
	case 3:
		h.fd = (s32)bval32(c);
		note(c, " FD_TO_HANDLE");
		ret = x_ioctl(c, dev->fd, DRM_IOCTL_SYNCOBJ_FD_TO_HANDLE, &h);
		break;
	case 4:
		w.handles = (uintptr_t)handles;
		w.count_handles = 1 + rnd(c, 2);
		w.flags = flags32(c, 7, 10);
		note(c, " WAIT");
		ret = x_ioctl(c, dev->fd, DRM_IOCTL_SYNCOBJ_WAIT, &w);
		break;
	default:
		arr.handles = (uintptr_t)handles;
		arr.count_handles = 1 + rnd(c, 2);
		note(c, " RESET");
		ret = x_ioctl(c, dev->fd, DRM_IOCTL_SYNCOBJ_RESET, &arr);
		break;
	}
	op_result(c, OP_SYNCOBJ, ret);
	unuse_dev(dev);
}

/*
 * Any ioctl number in the driver's range, any direction and size, with
 * zeros or random bytes. Kept to the child's own files in a child.
 */
void op_raw_ioctl(struct ctx *c)
{
	u64 buf[32];
	struct ent *dev = use_dev(c, OP_RAW_IOCTL, true);
	unsigned int dir, nr, size, i;
	int ret;

	if (!dev)
		return;
	dir = rnd(c, 4);
	nr = DRM_COMMAND_BASE + rnd(c, 16);
	size = rnd(c, 65);
	for (i = 0; i < ARRAY_SIZE(buf); i++)
		buf[i] = chance(c, 30) ? rnd64(c) : 0;
	note(c, " dir=%u nr=%#x size=%u", dir, nr, size);
	ret = x_ioctl(c, dev->fd, _IOC(dir, DRM_IOCTL_BASE, nr, size), buf);
	op_result(c, OP_RAW_IOCTL, ret);
	unuse_dev(dev);
}
