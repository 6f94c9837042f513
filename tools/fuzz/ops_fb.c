// SPDX-License-Identifier: MIT
/*
 * Framebuffer ops on drm_display's card node: ADDFB and ADDFB2 (with and
 * without modifiers) on dumb buffers, on imports of drm_vgem_plus
 * dma-bufs and on anything else, RMFB, CLOSEFB, GETFB, GETFB2, DIRTYFB
 * and the legacy cursor ioctls (which make framebuffers of their own).
 *
 * Most framebuffers fit their buffer (a format the planes take, a pitch
 * and height the object holds); the rest bend one argument: pitch,
 * offset, size, handle, format, modifier, flags, the second plane.
 *
 * Checked invariants: a new framebuffer id is never one of a live
 * framebuffer or blob of the device; GETFB2 of a live framebuffer returns
 * the size, format and modifier it was made with; GETFB and GETFB2 make
 * new handles (never one that is live in the file); removing a live
 * framebuffer of the file does not fail with ENOENT, and removing another
 * file's does not succeed.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>

#include "kms.h"

struct fmt {
	u32 fourcc;
	u32 cpp;		/* bytes per pixel of plane 0 */
	bool nv12;
};

/* The planes' formats first, then some they do not take. */
static const struct fmt fmts[] = {
	{ DRM_FORMAT_XRGB8888, 4, false }, { DRM_FORMAT_ARGB8888, 4, false },
	{ DRM_FORMAT_XBGR8888, 4, false }, { DRM_FORMAT_ABGR8888, 4, false },
	{ DRM_FORMAT_RGB565, 2, false }, { DRM_FORMAT_XRGB2101010, 4, false },
	{ DRM_FORMAT_ARGB2101010, 4, false }, { DRM_FORMAT_NV12, 1, true },
	{ DRM_FORMAT_RGB888, 3, false }, { DRM_FORMAT_YUYV, 2, false },
	{ DRM_FORMAT_C8, 1, false }, { DRM_FORMAT_XRGB16161616F, 8, false },
};
#define GOOD_FMTS	8

static u64 gen_modifier(struct ctx *c)
{
	static const u64 mods[] = {
		DRM_FORMAT_MOD_LINEAR, DRM_FORMAT_MOD_INVALID,
		I915_FORMAT_MOD_X_TILED, fourcc_mod_code(ARM, 1),
		1ULL << 63,
	};

	if (chance(c, 75))
		return DRM_FORMAT_MOD_LINEAR;
	return chance(c, 70) ? mods[rnd(c, ARRAY_SIZE(mods))] : bval64(c);
}

/* Width, height and pitch that fit @size bytes (if it can be done). */
static void fit(struct ctx *c, const struct kms *k, const struct fmt *f,
		u64 size, u32 *w, u32 *h, u32 *pitch)
{
	u64 rows;
	u32 want_h;

	if (k->nmodes && chance(c, 30)) {
		const struct drm_mode_modeinfo *m = &k->modes[rnd(c, k->nmodes)];

		*w = m->hdisplay;
		want_h = m->vdisplay;
	} else {
		*w = 16 + rnd(c, chance(c, 70) ? 256 : 1024);
		want_h = 16 + rnd(c, chance(c, 70) ? 256 : 768);
	}
	if (f->nv12) {
		*w &= ~1U;
		want_h &= ~1U;
	}
	*pitch = *w * f->cpp;
	if (chance(c, 50))
		*pitch = (*pitch + 63) & ~63U;
	rows = *pitch ? size / *pitch : 0;
	if (f->nv12)
		rows = rows * 2 / 3;
	if (rows < want_h && rows >= 16 && chance(c, 90))
		want_h = (u32)rows & (f->nv12 ? ~1U : ~0U);
	if (rows < 16 && size >= 16ULL * 64 * f->cpp && chance(c, 90)) {
		/* Narrow enough for 16 rows. */
		*w = 16;
		*pitch = (16 * f->cpp + 63) & ~63U;
		want_h = 16;
	}
	*h = want_h;
}

/*
 * A new framebuffer into the model. The ADDFB ioctl and this run under
 * one hold of the lock, as RMFB does: else an RMFB of a stale id that
 * the kernel has just given to this fb removes it before it is recorded.
 */
static void got_fb(struct ctx *c, struct ent *dev, u32 id, u32 w, u32 h,
		   u32 fmt, u32 flags, u64 mod, struct hpick *hp)
{
	struct ent *e;

	if (!kms_new_id(c, dev, id, "framebuffer"))
		return;
	e = ent_new(K_FB);
	e->val = id;
	e->fb_w = w;
	e->fb_h = h;
	e->fb_fmt = fmt;
	e->fb_flags = flags;
	e->fb_mod = mod;
	ent_origin(e, c);
	ent_set_dev(e, dev);
	if (hp->h && hp->h->live && obj_sure(hp->h->obj)) {
		ent_set_obj(e, hp->h->obj);
		e->obj->fbs++;
	}
	note(c, " -> fb%u", e->id);
}

static struct ent *use_dev_handle(struct ctx *c, enum op_id op,
				  struct hpick *hp)
{
	struct ent *dev = kms_use_dev(c, op, false);

	if (!dev)
		return NULL;
	model_lock();
	pick_handle(c, dev, hp);
	use_opt(hp->h);
	model_unlock();
	note_handle(c, hp);
	return dev;
}

static void unuse_dev_handle(struct ent *dev, struct hpick *hp)
{
	model_lock();
	unuse_opt(hp->h);
	ent_unuse(dev);
	model_unlock();
}

void op_addfb2(struct ctx *c)
{
	struct drm_mode_fb_cmd2 a;
	struct hpick hp, hp2;
	struct ent *dev = use_dev_handle(c, OP_ADDFB2, &hp);
	const struct fmt *f;
	u64 size;
	u32 w, h, pitch, i;
	int ret;

	if (!dev)
		return;
	memset(&a, 0, sizeof(a));
	f = &fmts[chance(c, 90) ? rnd(c, GOOD_FMTS) : rnd(c, ARRAY_SIZE(fmts))];
	size = hp.h ? hp.h->obj->size : gen_size(c);
	fit(c, &g_kms[dev->devi], f, size, &w, &h, &pitch);
	a.width = w;
	a.height = h;
	a.pixel_format = f->fourcc;
	a.handles[0] = hp.val;
	a.pitches[0] = pitch;
	if (f->nv12) {
		hp2 = hp;
		if (chance(c, 10)) {
			model_lock();
			pick_handle(c, dev, &hp2);
			model_unlock();
		}
		a.handles[1] = hp2.val;
		a.pitches[1] = pitch;
		a.offsets[1] = pitch * h;
	}
	if (chance(c, 50)) {
		a.flags = DRM_MODE_FB_MODIFIERS;
		a.modifier[0] = gen_modifier(c);
		if (f->nv12)
			a.modifier[1] = chance(c, 95) ? a.modifier[0] :
					gen_modifier(c);
	}
	/* Bend one argument. */
	if (chance(c, 20)) {
		i = rnd(c, 9);
		switch (i) {
		case 0: a.pitches[0] = chance(c, 50) ? pitch - 1 : bval32(c); break;
		case 1: a.offsets[0] = chance(c, 50) ? (u32)size : bval32(c); break;
		case 2: a.width = bval32(c); break;
		case 3: a.height = chance(c, 50) ? 15 : bval32(c); break;
		case 4: a.handles[1 + rnd(c, 3)] = hp.val; break;
		case 5: a.flags = flags32(c, DRM_MODE_FB_INTERLACED |
					  DRM_MODE_FB_MODIFIERS, 100); break;
		case 6: a.modifier[0] = bval64(c); break;
		case 7: a.pixel_format = bval32(c); break;
		default: a.offsets[1] = bval32(c); a.pitches[1] = bval32(c); break;
		}
		note(c, " bent=%u", i);
	}
	note(c, " %ux%u fmt=%#x pitch=%u flags=%#x mod=%#llx", a.width,
	     a.height, a.pixel_format, a.pitches[0], a.flags,
	     (unsigned long long)a.modifier[0]);
	/* Under the lock: see got_fb(). */
	model_lock();
	ret = x_ioctl(c, dev->fd, DRM_IOCTL_MODE_ADDFB2, &a);
	op_result(c, OP_ADDFB2, ret);
	if (!ret)
		got_fb(c, dev, a.fb_id, a.width, a.height, a.pixel_format,
		       a.flags, a.modifier[0], &hp);
	model_unlock();
	unuse_dev_handle(dev, &hp);
}

void op_addfb(struct ctx *c)
{
	static const u32 bd[][2] = { { 32, 24 }, { 32, 32 }, { 16, 16 },
				     { 32, 30 }, { 24, 24 }, { 8, 8 },
				     { 16, 15 } };
	static const struct fmt rgb = { DRM_FORMAT_XRGB8888, 4, false };
	struct drm_mode_fb_cmd a;
	struct hpick hp;
	struct ent *dev = use_dev_handle(c, OP_ADDFB, &hp);
	unsigned int i;
	u64 size;
	u32 w, h, pitch;
	int ret;

	if (!dev)
		return;
	memset(&a, 0, sizeof(a));
	i = chance(c, 70) ? rnd(c, 4) : rnd(c, ARRAY_SIZE(bd));
	a.bpp = bd[i][0];
	a.depth = bd[i][1];
	size = hp.h ? hp.h->obj->size : gen_size(c);
	fit(c, &g_kms[dev->devi], &rgb, size, &w, &h, &pitch);
	a.width = w;
	a.height = h;
	a.pitch = a.bpp == 16 ? pitch / 2 : a.bpp == 8 ? pitch / 4 : pitch;
	a.handle = hp.val;
	if (chance(c, 15)) {
		switch (rnd(c, 5)) {
		case 0: a.bpp = bval32(c); break;
		case 1: a.depth = bval32(c); break;
		case 2: a.pitch = bval32(c); break;
		case 3: a.width = bval32(c); break;
		default: a.height = bval32(c); break;
		}
	}
	note(c, " %ux%u bpp=%u depth=%u pitch=%u", a.width, a.height, a.bpp,
	     a.depth, a.pitch);
	/* Under the lock: see got_fb(). */
	model_lock();
	ret = x_ioctl(c, dev->fd, DRM_IOCTL_MODE_ADDFB, &a);
	op_result(c, OP_ADDFB, ret);
	/* The format is the driver's choice for bpp/depth: not checked. */
	if (!ret)
		got_fb(c, dev, a.fb_id, a.width, a.height, 0, 0, 0, &hp);
	model_unlock();
	unuse_dev_handle(dev, &hp);
}

/* RMFB and CLOSEFB: under the lock, so the model's fbs are the kernel's. */
static void remove_fb(struct ctx *c, enum op_id op)
{
	struct drm_mode_closefb cl = { 0 };
	struct ent *dev = kms_use_dev(c, op, true), *e;
	struct idpick p;
	u32 id;
	int ret;

	if (!dev)
		return;
	kms_pick_id(c, K_FB, dev, &p, true);
	note_id(c, "fb", &p);
	model_lock();
	e = find_in_device(K_FB, dev->devi, p.val);
	if (op == OP_RMFB) {
		id = p.val;
		ret = x_ioctl(c, dev->fd, DRM_IOCTL_MODE_RMFB, &id);
	} else {
		cl.fb_id = p.val;
		cl.pad = pad32(c);
		note(c, " pad=%#x", cl.pad);
		ret = x_ioctl(c, dev->fd, DRM_IOCTL_MODE_CLOSEFB, &cl);
	}
	op_result(c, op, ret);
	if (!ret && e && e->dev != dev)
		fail(c, "removed fb%u of another file (made by op %s)", e->id,
		     e->origin);
	else if (!ret && e)
		ent_kill(e);
	else if (!ret)
		dev->unknown_gen++;
	else if (ret == -ENOENT && e && e->dev == dev &&
		 !(c->child && dev->inherited))
		fail(c, "removing live fb%u (made by op %s) failed", e->id,
		     e->origin);
	unuse_opt(p.e);
	ent_unuse(dev);
	model_unlock();
}

void op_rmfb(struct ctx *c)
{
	remove_fb(c, OP_RMFB);
}

void op_closefb(struct ctx *c)
{
	remove_fb(c, OP_CLOSEFB);
}

/* The fb's object, if the call surely read that very fb. Under the lock. */
static struct obj *fb_obj(const struct idpick *p)
{
	return p->e && p->e->live && !p->e->raced && obj_sure(p->e->obj) ?
	       p->e->obj : NULL;
}

void op_getfb(struct ctx *c)
{
	struct drm_mode_fb_cmd a;
	struct ent *dev = kms_use_dev(c, OP_GETFB, false);
	struct idpick p;
	struct obj *o;
	int ret;

	if (!dev)
		return;
	kms_pick_id(c, K_FB, dev, &p, false);
	note_id(c, "fb", &p);
	memset(&a, 0, sizeof(a));
	a.fb_id = p.val;
	ret = x_ioctl(c, dev->fd, DRM_IOCTL_MODE_GETFB, &a);
	op_result(c, OP_GETFB, ret);
	model_lock();
	o = fb_obj(&p);
	if (!ret && a.handle)
		got_handle(c, dev, a.handle, o, o ? o->size : 0, GOT_NEW_HANDLE);
	unuse_opt(p.e);
	ent_unuse(dev);
	model_unlock();
}

static void check_getfb2(struct ctx *c, const struct ent *e,
			 const struct drm_mode_fb_cmd2 *a)
{
	u64 mod = e->fb_flags & DRM_MODE_FB_MODIFIERS ? e->fb_mod :
		  DRM_FORMAT_MOD_LINEAR;

	if (a->width != e->fb_w || a->height != e->fb_h ||
	    (e->fb_fmt && a->pixel_format != e->fb_fmt) ||
	    (e->fb_fmt && (a->flags & DRM_MODE_FB_MODIFIERS) &&
	     a->modifier[0] != mod))
		fail(c, "GETFB2 of fb%u (made by op %s as %ux%u format %#x modifier %#llx) says %ux%u format %#x modifier %#llx",
		     e->id, e->origin, e->fb_w, e->fb_h, e->fb_fmt,
		     (unsigned long long)mod, a->width, a->height,
		     a->pixel_format, (unsigned long long)a->modifier[0]);
}

void op_getfb2(struct ctx *c)
{
	struct drm_mode_fb_cmd2 a;
	struct ent *dev = kms_use_dev(c, OP_GETFB2, false);
	struct idpick p;
	struct obj *o;
	unsigned int i;
	int ret;

	if (!dev)
		return;
	kms_pick_id(c, K_FB, dev, &p, false);
	note_id(c, "fb", &p);
	memset(&a, 0, sizeof(a));
	a.fb_id = p.val;
	ret = x_ioctl(c, dev->fd, DRM_IOCTL_MODE_GETFB2, &a);
	op_result(c, OP_GETFB2, ret);
	model_lock();
	o = fb_obj(&p);
	if (!ret) {
		note(c, " %ux%u", a.width, a.height);
		if (o && !(c->child && g_opt.threads > 1))
			check_getfb2(c, p.e, &a);
		for (i = 0; i < 4; i++) {
			if (!a.handles[i] || (i && a.handles[i] == a.handles[0]))
				continue;
			got_handle(c, dev, a.handles[i], i ? NULL : o,
				   o && !i ? o->size : 0, GOT_NEW_HANDLE);
		}
	}
	unuse_opt(p.e);
	ent_unuse(dev);
	model_unlock();
}

void op_dirtyfb(struct ctx *c)
{
	static __thread struct drm_clip_rect clips[64];
	struct drm_mode_fb_dirty_cmd a;
	struct ent *dev = kms_use_dev(c, OP_DIRTYFB, false);
	struct idpick p;
	unsigned int i;
	int ret;

	if (!dev)
		return;
	kms_pick_id(c, K_FB, dev, &p, false);
	note_id(c, "fb", &p);
	memset(&a, 0, sizeof(a));
	a.fb_id = p.val;
	a.flags = flags32(c, DRM_MODE_FB_DIRTY_FLAGS, 10);
	a.color = (u32)rnd64(c);
	a.num_clips = chance(c, 80) ? rnd(c, 65) : bval32(c);
	for (i = 0; i < ARRAY_SIZE(clips); i++) {
		clips[i].x1 = (u16)rnd(c, 512);
		clips[i].y1 = (u16)rnd(c, 512);
		clips[i].x2 = (u16)(clips[i].x1 + rnd(c, 512));
		clips[i].y2 = (u16)(clips[i].y1 + rnd(c, 512));
	}
	a.clips_ptr = a.num_clips <= ARRAY_SIZE(clips) && chance(c, 90) ?
		      (uintptr_t)clips : (uintptr_t)bad_ptr(c);
	note(c, " flags=%#x clips=%u", a.flags, a.num_clips);
	ret = x_ioctl(c, dev->fd, DRM_IOCTL_MODE_DIRTYFB, &a);
	op_result(c, OP_DIRTYFB, ret);
	kms_unuse(p.e);
	kms_unuse(dev);
}

/* CURSOR and CURSOR2: a buffer of the file as cursor, or a move. */
void op_cursor(struct ctx *c)
{
	static const u32 sizes[] = { 64, 64, 64, 32, 16, 128, 256, 512, 0, 1,
				     513 };
	struct drm_mode_cursor2 a;
	struct hpick hp;
	struct ent *dev = use_dev_handle(c, OP_CURSOR, &hp);
	const struct kms *k;
	bool two = chance(c, 50);
	int ret;

	if (!dev)
		return;
	k = &g_kms[dev->devi];
	memset(&a, 0, sizeof(a));
	a.flags = chance(c, 90) ? 1 + rnd(c, 3) : bval32(c);
	a.crtc_id = chance(c, 92) ? k->crtcs[rnd(c, k->ncrtcs)].id : bval32(c);
	a.handle = chance(c, 15) ? 0 : hp.val;
	a.width = chance(c, 92) ? sizes[rnd(c, ARRAY_SIZE(sizes))] : bval32(c);
	a.height = chance(c, 80) ? a.width : sizes[rnd(c, ARRAY_SIZE(sizes))];
	a.x = (s32)rnd(c, 1200) - 100;
	a.y = (s32)rnd(c, 900) - 100;
	if (chance(c, 5))
		a.x = (s32)bval32(c);
	a.hot_x = (s32)rnd(c, 64);
	a.hot_y = (s32)rnd(c, 64);
	note(c, " %s flags=%#x crtc=%u %ux%u%s", two ? "CURSOR2" : "CURSOR",
	     a.flags, a.crtc_id, a.width, a.height, a.handle ? "" : " handle=0");
	ret = x_ioctl(c, dev->fd, two ? DRM_IOCTL_MODE_CURSOR2 :
		      DRM_IOCTL_MODE_CURSOR, &a);
	op_result(c, OP_CURSOR, ret);
	kms_master_denied(dev, ret);
	if (!ret)
		kms_note_async();
	unuse_dev_handle(dev, &hp);
}
