// SPDX-License-Identifier: MIT
/*
 * Ops that change what drm_display shows: ATOMIC with random property
 * sets and flags, legacy SETCRTC, SETPLANE, PAGE_FLIP and
 * OBJ_SETPROPERTY.
 *
 * An atomic request is one of three shapes: a modeset (a connector to a
 * CRTC, ACTIVE, a MODE_ID blob of ours, maybe the primary plane), a flip
 * (some of a CRTC's planes with framebuffers and coordinates that fit,
 * zpos, alpha, blend mode, IN_FENCE_FD from a sync_file, OUT_FENCE_PTR on
 * the CRTC), or random objects and properties. Values are mostly what
 * the property takes, sometimes a boundary value, a stale id or fd, and
 * framebuffers whose buffers carry fences of ours are preferred now and
 * then (the commit waits for them, at most fence_timeout_ms).
 *
 * The kernel only ever writes through pointers into our out-fence slots:
 * other pointers are ones that can never be valid.
 *
 * What successful commits owe (events, out-fences) is checked in kms.c.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>

#include "kms.h"

#define MAXOBJ	16
#define MAXPROP	96
#define MAXOUT	8
#define MAXIN	8
#define MAXIDS	24

struct cbuild {
	struct ent *dev;
	const struct kms *k;
	u32 objs[MAXOBJ], counts[MAXOBJ], props[MAXPROP];
	u64 vals[MAXPROP];
	unsigned int nobjs, nprops;
	s32 outf[MAXOUT];
	unsigned int noutf;
	struct fdpick in[MAXIN];
	unsigned int nin;
	struct idpick ids[MAXIDS];
	unsigned int nids;
	u32 crtc_mask;		/* CRTCs surely in the commit */
	u32 obj_mask;		/* of them, those that are objects in it */
};

static void cb_init(struct cbuild *b, struct ent *dev)
{
	memset(b, 0, sizeof(*b));
	b->dev = dev;
	b->k = &g_kms[dev->devi];
}

static void cb_release(struct cbuild *b)
{
	unsigned int i;

	model_lock();
	for (i = 0; i < b->nin; i++)
		unuse_opt(b->in[i].e);
	for (i = 0; i < b->nids; i++)
		unuse_opt(b->ids[i].e);
	model_unlock();
}

static const char *obj_kind(u32 type)
{
	return type == DRM_MODE_OBJECT_PLANE ? "plane" :
	       type == DRM_MODE_OBJECT_CRTC ? "crtc" : "conn";
}

static bool cb_obj(struct ctx *c, struct cbuild *b, const struct kobj *o)
{
	if (b->nobjs && b->objs[b->nobjs - 1] == o->id)
		return true;
	if (b->nobjs == MAXOBJ)
		return false;
	b->objs[b->nobjs] = o->id;
	b->counts[b->nobjs++] = 0;
	if (o->type == DRM_MODE_OBJECT_CRTC) {
		b->crtc_mask |= 1U << o->index;
		b->obj_mask |= 1U << o->index;
	}
	note(c, " %s%u:", obj_kind(o->type), o->id);
	return true;
}

static void cb_prop(struct cbuild *b, u32 prop, u64 val)
{
	if (!b->nobjs || b->nprops == MAXPROP)
		return;
	b->props[b->nprops] = prop;
	b->vals[b->nprops++] = val;
	b->counts[b->nobjs - 1]++;
}

static bool fb_fenced(struct ctx *c, struct ent *e, const void *dev)
{
	(void)c;
	return e->dev->devi == ((const struct ent *)dev)->devi && e->obj &&
	       e->obj->fences;
}

static bool blob_is_mode(struct ctx *c, struct ent *e, const void *dev)
{
	(void)c;
	return e->blob_mode &&
	       e->dev->devi == ((const struct ent *)dev)->devi;
}

/* A framebuffer id, now and then one whose buffer has fences of ours. */
static struct idpick *pick_fb(struct ctx *c, struct cbuild *b)
{
	struct idpick *p = &b->ids[b->nids < MAXIDS ? b->nids++ : MAXIDS - 1];
	struct ent *e = NULL;

	if (chance(c, 25)) {
		model_lock();
		e = pick_live(c, K_FB, fb_fenced, b->dev);
		use_opt(e);
		model_unlock();
	}
	if (e) {
		p->e = e;
		p->val = e->val;
		p->how = "fenced";
	} else {
		kms_pick_id(c, K_FB, b->dev, p, false);
	}
	return p;
}

/* No mode blob around: make one of a connector's modes for the commit. */
static struct ent *new_mode_blob(struct ctx *c, struct cbuild *b)
{
	struct drm_mode_create_blob r = { 0 };
	struct ent *e = NULL;
	int ret;

	if (!b->k->nmodes)
		return NULL;
	r.data = (uintptr_t)&b->k->modes[rnd(c, b->k->nmodes)];
	r.length = sizeof(struct drm_mode_modeinfo);
	/* Under the lock, as op_createpropblob(), for the same reason. */
	model_lock();
	ret = x_ioctl(c, b->dev->fd, DRM_IOCTL_MODE_CREATEPROPBLOB, &r);
	note(c, " (CREATEPROPBLOB = %d", ret);
	if (!ret && kms_new_id(c, b->dev, r.blob_id, "blob")) {
		e = ent_new(K_BLOB);
		e->val = r.blob_id;
		e->blob_len = r.length;
		e->blob_mode = true;
		ent_origin(e, c);
		ent_set_dev(e, b->dev);
		ent_use(e);
		note(c, " -> blob%u", e->id);
	}
	model_unlock();
	note(c, ")");
	return e;
}

static struct idpick *pick_mode_blob(struct ctx *c, struct cbuild *b)
{
	struct idpick *p = &b->ids[b->nids < MAXIDS ? b->nids++ : MAXIDS - 1];
	struct ent *e = NULL;

	if (chance(c, 80)) {
		model_lock();
		e = pick_live(c, K_BLOB, blob_is_mode, b->dev);
		use_opt(e);
		model_unlock();
		if (!e && chance(c, 80))
			e = new_mode_blob(c, b);
	}
	if (e) {
		p->e = e;
		p->val = e->val;
		p->how = "mode";
	} else {
		kms_pick_id(c, K_BLOB, b->dev, p, false);
	}
	return p;
}

static u64 range_value(struct ctx *c, const struct kprop *p)
{
	s64 lo = (s64)p->min, hi = (s64)p->max;

	if (chance(c, 10))
		return chance(c, 50) ? p->max + 1 : bval64(c);
	if (p->flags & DRM_MODE_PROP_SIGNED_RANGE) {
		if (hi - lo > 4096 || hi < lo)
			return (u64)(s64)((s32)rnd(c, 4096) - 1024);
		return (u64)(lo + (s64)rnd(c, (u32)(hi - lo + 1)));
	}
	if (p->max - p->min > 0xffffffffULL)
		return p->min + rnd(c, 8192);
	return p->min + rnd(c, (u32)(p->max - p->min + 1));
}

/* A value for @p on object @o, logged by model ids where they matter. */
static u64 prop_value(struct ctx *c, struct cbuild *b, const struct kobj *o,
		      const struct kprop *p)
{
	struct idpick *ip;
	struct fdpick *fp;
	u32 r;

	if (!strcmp(p->name, "FB_ID")) {
		ip = pick_fb(c, b);
		note_id(c, "FB_ID", ip);
		return ip->val;
	}
	if (!strcmp(p->name, "MODE_ID")) {
		ip = pick_mode_blob(c, b);
		note_id(c, "MODE_ID", ip);
		return ip->val;
	}
	if (!strcmp(p->name, "CRTC_ID")) {
		r = rnd(c, 100);
		if (r < 85) {
			const struct kobj *cr = &b->k->crtcs[rnd(c, b->k->ncrtcs)];

			b->crtc_mask |= 1U << cr->index;
			note(c, " CRTC_ID=crtc%u", cr->id);
			return cr->id;
		}
		note(c, " CRTC_ID=%s", r < 95 ? "0" : "bval");
		return r < 95 ? 0 : bval32(c);
	}
	if (!strcmp(p->name, "IN_FENCE_FD")) {
		if (b->nin == MAXIN)
			return (u64)-1;
		fp = &b->in[b->nin++];
		pick_fd(c, K_SYNC, fp);
		note_fd(c, "IN_FENCE_FD", fp);
		return (u64)(s64)fp->fd;
	}
	if (!strcmp(p->name, "OUT_FENCE_PTR")) {
		r = rnd(c, 100);
		if (r < 80 && b->noutf < MAXOUT) {
			b->outf[b->noutf] = -2;
			note(c, " OUT_FENCE_PTR=slot");
			return (uintptr_t)&b->outf[b->noutf++];
		}
		note(c, " OUT_FENCE_PTR=%s", r < 90 ? "0" : "bad");
		return r < 90 ? 0 : (uintptr_t)bad_ptr(c);
	}
	if (!strcmp(p->name, "ACTIVE")) {
		r = rnd(c, 100);
		note(c, " ACTIVE=%u", r < 80 ? 1 : r < 95 ? 0 : 2);
		return r < 80 ? 1 : r < 95 ? 0 : bval64(c) | 2;
	}
	(void)o;
	if (p->flags & (DRM_MODE_PROP_RANGE | DRM_MODE_PROP_SIGNED_RANGE)) {
		u64 v = range_value(c, p);

		note(c, " %s=%lld", p->name, (long long)v);
		return v;
	}
	if (p->flags & (DRM_MODE_PROP_ENUM | DRM_MODE_PROP_BITMASK) && p->nenum &&
	    chance(c, 90)) {
		u64 v = p->enums[rnd(c, p->nenum)];

		if (p->flags & DRM_MODE_PROP_BITMASK)
			v = 1ULL << v;
		note(c, " %s=%llu", p->name, (unsigned long long)v);
		return v;
	}
	if (p->flags & DRM_MODE_PROP_BLOB) {
		ip = &b->ids[b->nids < MAXIDS ? b->nids++ : MAXIDS - 1];
		kms_pick_id(c, K_BLOB, b->dev, ip, false);
		note_id(c, p->name, ip);
		return ip->val;
	}
	note(c, " %s=bval", p->name);
	return bval64(c);
}

static void set_named(struct ctx *c, struct cbuild *b, const struct kobj *o,
		      const char *name, s64 v)
{
	const struct kprop *p = kobj_prop(o, name);

	if (!p)
		return;
	note(c, " %s=%lld", name, (long long)v);
	cb_prop(b, p->id, (u64)v);
}

static void set_prop(struct ctx *c, struct cbuild *b, const struct kobj *o,
		     const char *name)
{
	const struct kprop *p = kobj_prop(o, name);

	if (p)
		cb_prop(b, p->id, prop_value(c, b, o, p));
}

/* A plane on @crtc showing a framebuffer, in coordinates that fit. */
static void plane_flip(struct ctx *c, struct cbuild *b, const struct kobj *pl,
		       const struct kobj *crtc)
{
	const struct kprop *fbp = kobj_prop(pl, "FB_ID");
	const struct kprop *crp = kobj_prop(pl, "CRTC_ID");
	struct idpick *ip;
	u32 w = 64, h = 64, sx = 0, sy = 0;

	if (!fbp || !crp || !cb_obj(c, b, pl))
		return;
	if (chance(c, 8)) {
		note(c, " off");
		cb_prop(b, fbp->id, 0);
		cb_prop(b, crp->id, 0);
		return;
	}
	ip = pick_fb(c, b);
	note_id(c, "FB_ID", ip);
	cb_prop(b, fbp->id, ip->val);
	model_lock();
	if (ip->e && ip->e->live) {
		w = ip->e->fb_w;
		h = ip->e->fb_h;
	}
	model_unlock();
	cb_prop(b, crp->id, crtc->id);
	b->crtc_mask |= 1U << crtc->index;
	if (chance(c, 20) && w > 1 && h > 1) {
		sx = rnd(c, w / 2);
		sy = rnd(c, h / 2);
	}
	set_named(c, b, pl, "SRC_X", (s64)sx << 16);
	set_named(c, b, pl, "SRC_Y", (s64)sy << 16);
	set_named(c, b, pl, "SRC_W", (s64)(w - sx) << 16);
	set_named(c, b, pl, "SRC_H", (s64)(h - sy) << 16);
	set_named(c, b, pl, "CRTC_X", chance(c, 60) ? 0 : (s64)rnd(c, 1100) - 64);
	set_named(c, b, pl, "CRTC_Y", chance(c, 60) ? 0 : (s64)rnd(c, 800) - 64);
	set_named(c, b, pl, "CRTC_W", w - sx);
	set_named(c, b, pl, "CRTC_H", h - sy);
	if (chance(c, 30))
		set_prop(c, b, pl, "zpos");
	if (chance(c, 30))
		set_prop(c, b, pl, "alpha");
	if (chance(c, 30))
		set_prop(c, b, pl, "pixel blend mode");
	if (chance(c, 25))
		set_prop(c, b, pl, "IN_FENCE_FD");
}

static const struct kobj *primary_of(const struct kms *k, const struct kobj *crtc)
{
	unsigned int i;

	for (i = 0; i < k->nplanes; i++)
		if (k->planes[i].plane_type == PLANE_PRIMARY &&
		    (k->planes[i].possible_crtcs & (1U << crtc->index)))
			return &k->planes[i];
	return &k->planes[0];
}

static void shape_modeset(struct ctx *c, struct cbuild *b)
{
	const struct kobj *crtc = &b->k->crtcs[rnd(c, b->k->ncrtcs)];
	const struct kobj *conn = &b->k->conns[rnd(c, b->k->nconns)];
	const struct kprop *p;
	bool on = chance(c, 85);
	struct idpick *ip;

	note(c, " modeset-%s", on ? "on" : "off");
	if (cb_obj(c, b, conn) && (p = kobj_prop(conn, "CRTC_ID"))) {
		note(c, " CRTC_ID=%s", on ? "crtc" : "0");
		cb_prop(b, p->id, on ? crtc->id : 0);
	}
	if (!cb_obj(c, b, crtc))
		return;
	set_named(c, b, crtc, "ACTIVE", on);
	if ((p = kobj_prop(crtc, "MODE_ID"))) {
		if (on || chance(c, 20)) {
			ip = pick_mode_blob(c, b);
			note_id(c, "MODE_ID", ip);
			cb_prop(b, p->id, ip->val);
		} else {
			note(c, " MODE_ID=0");
			cb_prop(b, p->id, 0);
		}
	}
	if (chance(c, 20))
		set_prop(c, b, crtc, "OUT_FENCE_PTR");
	if (on && chance(c, 70))
		plane_flip(c, b, primary_of(b->k, crtc), crtc);
}

static void shape_flip(struct ctx *c, struct cbuild *b)
{
	const struct kobj *crtc = &b->k->crtcs[rnd(c, b->k->ncrtcs)];
	unsigned int i, n = 1 + rnd(c, 3);

	note(c, " flip");
	for (i = 0; i < b->k->nplanes && n; i++) {
		const struct kobj *pl = &b->k->planes[(i + rnd(c, 2)) %
						       b->k->nplanes];

		if (!(pl->possible_crtcs & (1U << crtc->index)) || chance(c, 30))
			continue;
		plane_flip(c, b, pl, crtc);
		n--;
	}
	if (chance(c, 35) && cb_obj(c, b, crtc))
		set_prop(c, b, crtc, "OUT_FENCE_PTR");
}

static const struct kprop *prop_by_id(const struct kms *k, u32 id)
{
	unsigned int i;

	for (i = 0; i < k->nprops; i++)
		if (k->props[i].id == id)
			return &k->props[i];
	return NULL;
}

static void shape_random(struct ctx *c, struct cbuild *b)
{
	unsigned int n = 1 + rnd(c, 4), i, m;
	const struct kobj *o;
	const struct kprop *p;
	u32 id;

	note(c, " random");
	while (n--) {
		o = kms_random_obj(c, b->k);
		if (!cb_obj(c, b, o))
			break;
		for (m = 1 + rnd(c, 4), i = 0; i < m; i++) {
			if (o->nprops && chance(c, 85)) {
				p = o->props[rnd(c, o->nprops)];
			} else {
				id = kms_random_prop_id(c, b->k);
				p = prop_by_id(b->k, id);
				if (!p) {
					note(c, " prop%u=bval", id);
					cb_prop(b, id, bval64(c));
					continue;
				}
			}
			cb_prop(b, p->id, prop_value(c, b, o, p));
		}
	}
}

static u32 atomic_flags(struct ctx *c, bool modeset)
{
	u32 f = 0;

	if (chance(c, 20))
		f |= DRM_MODE_ATOMIC_TEST_ONLY;
	if (chance(c, 50))
		f |= DRM_MODE_ATOMIC_NONBLOCK;
	if ((!(f & DRM_MODE_ATOMIC_TEST_ONLY) || chance(c, 5)) && chance(c, 50))
		f |= DRM_MODE_PAGE_FLIP_EVENT;
	if (chance(c, modeset ? 90 : 25))
		f |= DRM_MODE_ATOMIC_ALLOW_MODESET;
	if (chance(c, 2))
		f |= DRM_MODE_PAGE_FLIP_ASYNC;
	if (chance(c, 3))
		f |= 1U << rnd(c, 32);
	return f;
}

/* Out-fences the kernel handed us: the model's, and owed a signal. */
static void take_out_fences(struct ctx *c, struct cbuild *b)
{
	unsigned int i;

	for (i = 0; i < b->noutf; i++) {
		if (b->outf[i] < 0)
			continue;
		add_sync(c, b->outf[i], " (out-fence)");
		kms_expect_fence(c, b->outf[i]);
	}
}

void op_atomic(struct ctx *c)
{
	struct drm_mode_atomic a;
	struct cbuild b;
	struct ent *dev = kms_use_dev(c, OP_ATOMIC, false);
	u32 r = rnd(c, 100);
	int ret, rec;

	if (!dev)
		return;
	cb_init(&b, dev);
	if (r < 30)
		shape_modeset(c, &b);
	else if (r < 80)
		shape_flip(c, &b);
	else
		shape_random(c, &b);
	if (b.nprops && chance(c, 8)) {
		b.vals[rnd(c, b.nprops)] = bval64(c);
		note(c, " (one value bent)");
		/* It may have been the CRTC_ID that put a CRTC in. */
		b.crtc_mask = b.obj_mask;
	}
	memset(&a, 0, sizeof(a));
	a.flags = atomic_flags(c, r < 30);
	a.count_objs = b.nobjs;
	a.objs_ptr = (uintptr_t)b.objs;
	a.count_props_ptr = (uintptr_t)b.counts;
	a.props_ptr = (uintptr_t)b.props;
	a.prop_values_ptr = (uintptr_t)b.vals;
	a.user_data = kms_user_data(UD_ATOMIC) | (c->child ? 1ULL << 55 : 0);
	if (chance(c, 3)) {
		switch (rnd(c, 4)) {
		case 0: a.reserved = bval64(c); break;
		case 1: a.count_objs = bval32(c); a.objs_ptr = (uintptr_t)bad_ptr(c); break;
		case 2: a.props_ptr = (uintptr_t)bad_ptr(c); break;
		default: a.count_props_ptr = (uintptr_t)bad_ptr(c); break;
		}
		note(c, " (bad array)");
	}
	note(c, " flags=%#x", a.flags);
	model_lock();
	rec = (a.flags & DRM_MODE_PAGE_FLIP_EVENT) && !c->child ?
	      kms_events_begin(c, dev, a.user_data, b.crtc_mask) : -1;
	model_unlock();
	ret = x_ioctl(c, dev->fd, DRM_IOCTL_MODE_ATOMIC, &a);
	op_result(c, OP_ATOMIC, ret);
	kms_master_denied(dev, ret);
	model_lock();
	kms_events_end(c, rec, a.user_data, !ret);
	if (!ret) {
		take_out_fences(c, &b);
		if (a.flags & DRM_MODE_ATOMIC_NONBLOCK)
			kms_note_async_locked();
	}
	model_unlock();
	cb_release(&b);
	kms_unuse(dev);
}

void op_setcrtc(struct ctx *c)
{
	struct drm_mode_crtc a;
	struct ent *dev = kms_use_dev(c, OP_SETCRTC, false);
	const struct kms *k;
	struct idpick p = { 0 };
	u32 conns[4];
	bool valid;
	unsigned int i;
	int ret;

	if (!dev)
		return;
	k = &g_kms[dev->devi];
	memset(&a, 0, sizeof(a));
	a.crtc_id = chance(c, 92) ? k->crtcs[rnd(c, k->ncrtcs)].id : bval32(c);
	if (chance(c, 10)) {
		a.fb_id = chance(c, 50) ? 0 : (u32)-1;
		note(c, " fb=%d", (int)a.fb_id);
	} else {
		kms_pick_id(c, K_FB, dev, &p, false);
		note_id(c, "fb", &p);
		a.fb_id = p.val;
	}
	a.x = chance(c, 80) ? 0 : rnd(c, 64);
	a.y = chance(c, 80) ? 0 : rnd(c, 64);
	a.mode_valid = chance(c, 85);
	if (a.mode_valid)
		kms_random_mode(c, k, &a.mode, &valid);
	for (i = 0; i < ARRAY_SIZE(conns); i++)
		conns[i] = chance(c, 90) ? k->conns[rnd(c, k->nconns)].id :
			   bval32(c);
	a.count_connectors = chance(c, 85) ? (a.mode_valid ? 1 : 0) :
			     chance(c, 50) ? rnd(c, 5) : bval32(c);
	a.set_connectors_ptr = a.count_connectors <= ARRAY_SIZE(conns) ?
			       (uintptr_t)conns : (uintptr_t)bad_ptr(c);
	note(c, " crtc=%u %ux%u@%u valid=%u conns=%u", a.crtc_id,
	     a.mode.hdisplay, a.mode.vdisplay, a.mode.vrefresh, a.mode_valid,
	     a.count_connectors);
	ret = x_ioctl(c, dev->fd, DRM_IOCTL_MODE_SETCRTC, &a);
	op_result(c, OP_SETCRTC, ret);
	kms_master_denied(dev, ret);
	kms_unuse(p.e);
	kms_unuse(dev);
}

void op_setplane(struct ctx *c)
{
	struct drm_mode_set_plane a;
	struct ent *dev = kms_use_dev(c, OP_SETPLANE, false);
	const struct kms *k;
	struct idpick p;
	u32 w = 64, h = 64;
	int ret;

	if (!dev)
		return;
	k = &g_kms[dev->devi];
	memset(&a, 0, sizeof(a));
	a.plane_id = chance(c, 92) ? k->planes[rnd(c, k->nplanes)].id :
		     bval32(c);
	a.crtc_id = chance(c, 92) ? k->crtcs[rnd(c, k->ncrtcs)].id : bval32(c);
	kms_pick_id(c, K_FB, dev, &p, false);
	note_id(c, "fb", &p);
	a.fb_id = chance(c, 90) ? p.val : 0;
	model_lock();
	if (p.e && p.e->live) {
		w = p.e->fb_w;
		h = p.e->fb_h;
	}
	model_unlock();
	a.flags = chance(c, 95) ? 0 : bval32(c);
	a.crtc_x = chance(c, 60) ? 0 : (s32)rnd(c, 1100) - 64;
	a.crtc_y = chance(c, 60) ? 0 : (s32)rnd(c, 800) - 64;
	a.crtc_w = w;
	a.crtc_h = h;
	a.src_w = w << 16;
	a.src_h = h << 16;
	if (chance(c, 12)) {
		switch (rnd(c, 4)) {
		case 0: a.src_x = bval32(c); break;
		case 1: a.src_w = bval32(c); break;
		case 2: a.crtc_w = bval32(c); break;
		default: a.crtc_x = (s32)bval32(c); break;
		}
		note(c, " (bent)");
	}
	note(c, " plane=%u crtc=%u at %d,%d %ux%u", a.plane_id, a.crtc_id,
	     a.crtc_x, a.crtc_y, a.crtc_w, a.crtc_h);
	ret = x_ioctl(c, dev->fd, DRM_IOCTL_MODE_SETPLANE, &a);
	op_result(c, OP_SETPLANE, ret);
	kms_master_denied(dev, ret);
	kms_unuse(p.e);
	kms_unuse(dev);
}

void op_page_flip(struct ctx *c)
{
	struct drm_mode_crtc_page_flip_target a;
	struct ent *dev = kms_use_dev(c, OP_PAGE_FLIP, false);
	const struct kms *k;
	const struct kobj *crtc = NULL;
	struct idpick p;
	int ret, rec;

	if (!dev)
		return;
	k = &g_kms[dev->devi];
	memset(&a, 0, sizeof(a));
	if (chance(c, 92)) {
		crtc = &k->crtcs[rnd(c, k->ncrtcs)];
		a.crtc_id = crtc->id;
	} else {
		a.crtc_id = bval32(c);
	}
	kms_pick_id(c, K_FB, dev, &p, false);
	note_id(c, "fb", &p);
	a.fb_id = p.val;
	a.flags = chance(c, 70) ? DRM_MODE_PAGE_FLIP_EVENT : 0;
	if (chance(c, 5))
		a.flags |= DRM_MODE_PAGE_FLIP_ASYNC;
	if (chance(c, 5))
		a.flags |= chance(c, 50) ? DRM_MODE_PAGE_FLIP_TARGET_ABSOLUTE :
			   DRM_MODE_PAGE_FLIP_TARGET_RELATIVE;
	if (chance(c, 3))
		a.flags = bval32(c);
	a.sequence = chance(c, 90) ? 0 : bval32(c);
	a.user_data = kms_user_data(UD_FLIP) | (c->child ? 1ULL << 55 : 0);
	note(c, " crtc=%u flags=%#x", a.crtc_id, a.flags);
	model_lock();
	rec = (a.flags & DRM_MODE_PAGE_FLIP_EVENT) && !c->child ?
	      kms_events_begin(c, dev, a.user_data,
			       crtc ? 1U << crtc->index : 0) : -1;
	model_unlock();
	ret = x_ioctl(c, dev->fd, DRM_IOCTL_MODE_PAGE_FLIP, &a);
	op_result(c, OP_PAGE_FLIP, ret);
	kms_master_denied(dev, ret);
	model_lock();
	kms_events_end(c, rec, a.user_data, !ret);
	if (!ret)
		kms_note_async_locked();
	model_unlock();
	kms_unuse(p.e);
	kms_unuse(dev);
}

void op_obj_setprop(struct ctx *c)
{
	struct drm_mode_obj_set_property a;
	struct cbuild b;
	struct ent *dev = kms_use_dev(c, OP_OBJ_SETPROP, false);
	const struct kobj *o;
	const struct kprop *p;
	int ret;

	if (!dev)
		return;
	cb_init(&b, dev);
	memset(&a, 0, sizeof(a));
	o = kms_random_obj(c, b.k);
	a.obj_id = o->id;
	a.obj_type = chance(c, 90) ? o->type : bval32(c);
	p = o->nprops && chance(c, 90) ? o->props[rnd(c, o->nprops)] :
	    prop_by_id(b.k, kms_random_prop_id(c, b.k));
	note(c, " %s%u type=%#x", obj_kind(o->type), o->id, a.obj_type);
	if (p) {
		a.prop_id = p->id;
		a.value = prop_value(c, &b, o, p);
	} else {
		a.prop_id = bval32(c);
		a.value = bval64(c);
		note(c, " prop=%u", a.prop_id);
	}
	ret = x_ioctl(c, dev->fd, DRM_IOCTL_MODE_OBJ_SETPROPERTY, &a);
	op_result(c, OP_OBJ_SETPROP, ret);
	kms_master_denied(dev, ret);
	model_lock();
	if (!ret)
		take_out_fences(c, &b);
	model_unlock();
	cb_release(&b);
	kms_unuse(dev);
}
