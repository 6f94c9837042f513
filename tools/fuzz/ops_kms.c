// SPDX-License-Identifier: MIT
/*
 * KMS ops on drm_display's card node that read or make mode objects:
 * DRM master, GETRESOURCES, GETCRTC, GETENCODER, GETCONNECTOR,
 * GETPLANERESOURCES, GETPLANE, GETPROPERTY, GETPROPBLOB, OBJ_GETPROPERTIES,
 * CREATEPROPBLOB / DESTROYPROPBLOB, vblank and CRTC sequence ioctls,
 * gamma, and reading events.
 *
 * Array arguments come with counts that are zero (a query), fit our
 * buffers, or go with pointers that can never be valid: the kernel never
 * writes past a buffer of ours.
 *
 * Checked invariants: a new blob id is never one of a live blob or
 * framebuffer of the device (mode object ids are unique); destroying a
 * live blob of the file does not fail with ENOENT, and destroying another
 * file's blob does not succeed.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "kms.h"

#define ABUF_BYTES	8192
#define NABUF		6

static __thread u64 abuf[NABUF][ABUF_BYTES / 8];

/* An array argument: its pointer and count, never past our buffer. */
static u64 arr(struct ctx *c, unsigned int i, u32 *count, size_t elem)
{
	u32 cap = (u32)(ABUF_BYTES / elem), r = rnd(c, 100);

	if (r < 25) {
		*count = 0;
		return chance(c, 50) ? 0 : (uintptr_t)abuf[i];
	}
	if (r < 33) {
		*count = chance(c, 50) ? 1 + rnd(c, 8) : bval32(c);
		return (uintptr_t)bad_ptr(c);
	}
	*count = r < 60 ? 1 + rnd(c, 4) : rnd(c, cap + 1);
	return (uintptr_t)abuf[i];
}

void op_master(struct ctx *c)
{
	struct ent *dev;
	bool set = chance(c, 50);
	unsigned int i;
	struct ent *e;
	int ret;

	/* Under the lock: the master belief stays exact for our ops. */
	model_lock();
	dev = pick_dev(c, OP_MASTER, false);
	if (!dev) {
		model_unlock();
		op_skip(c, OP_MASTER, "no device file");
		return;
	}
	note_dev(c, dev);
	note(c, set ? " SET_MASTER" : " DROP_MASTER");
	ret = x_ioctl(c, dev->fd, set ? DRM_IOCTL_SET_MASTER :
		      DRM_IOCTL_DROP_MASTER, NULL);
	op_result(c, OP_MASTER, ret);
	if (!ret && set) {
		for (i = 0; i < live_count(K_DEV); i++) {
			e = live_at(K_DEV, i);
			if (e->devi == dev->devi)
				e->master = false;
		}
		dev->master = true;
	} else if (!ret || ret == -EINVAL || ret == -EBUSY) {
		/* Dropped, or not master (EINVAL), or another is (EBUSY). */
		dev->master = false;
	}
	model_unlock();
}

void op_getresources(struct ctx *c)
{
	struct drm_mode_card_res r;
	struct ent *dev = kms_use_dev(c, OP_GETRESOURCES, false);
	int ret;

	if (!dev)
		return;
	memset(&r, 0, sizeof(r));
	r.fb_id_ptr = arr(c, 0, &r.count_fbs, 4);
	r.crtc_id_ptr = arr(c, 1, &r.count_crtcs, 4);
	r.connector_id_ptr = arr(c, 2, &r.count_connectors, 4);
	r.encoder_id_ptr = arr(c, 3, &r.count_encoders, 4);
	note(c, " counts=%u,%u,%u,%u", r.count_fbs, r.count_crtcs,
	     r.count_connectors, r.count_encoders);
	ret = x_ioctl(c, dev->fd, DRM_IOCTL_MODE_GETRESOURCES, &r);
	op_result(c, OP_GETRESOURCES, ret);
	if (!ret)
		note(c, " crtcs=%u connectors=%u encoders=%u", r.count_crtcs,
		     r.count_connectors, r.count_encoders);
	kms_unuse(dev);
}

static u32 crtc_id(struct ctx *c, const struct kms *k)
{
	if (chance(c, 90))
		return k->crtcs[rnd(c, k->ncrtcs)].id;
	return chance(c, 50) ? kms_random_obj(c, k)->id : bval32(c);
}

void op_getcrtc(struct ctx *c)
{
	struct drm_mode_crtc r;
	struct ent *dev = kms_use_dev(c, OP_GETCRTC, false);
	int ret;

	if (!dev)
		return;
	memset(&r, 0, sizeof(r));
	r.crtc_id = crtc_id(c, &g_kms[dev->devi]);
	r.count_connectors = chance(c, 90) ? 0 : bval32(c);
	note(c, " crtc=%u", r.crtc_id);
	ret = x_ioctl(c, dev->fd, DRM_IOCTL_MODE_GETCRTC, &r);
	op_result(c, OP_GETCRTC, ret);
	kms_unuse(dev);
}

void op_getencoder(struct ctx *c)
{
	struct drm_mode_get_encoder r;
	struct ent *dev = kms_use_dev(c, OP_GETENCODER, false);
	const struct kms *k;
	int ret;

	if (!dev)
		return;
	k = &g_kms[dev->devi];
	memset(&r, 0, sizeof(r));
	r.encoder_id = chance(c, 85) && k->nencs ? k->encs[rnd(c, k->nencs)] :
		       kms_random_obj(c, k)->id;
	if (chance(c, 5))
		r.encoder_id = bval32(c);
	note(c, " encoder=%u", r.encoder_id);
	ret = x_ioctl(c, dev->fd, DRM_IOCTL_MODE_GETENCODER, &r);
	op_result(c, OP_GETENCODER, ret);
	kms_unuse(dev);
}

void op_getconnector(struct ctx *c)
{
	struct drm_mode_get_connector r;
	struct ent *dev = kms_use_dev(c, OP_GETCONNECTOR, false);
	const struct kms *k;
	int ret;

	if (!dev)
		return;
	k = &g_kms[dev->devi];
	memset(&r, 0, sizeof(r));
	r.connector_id = chance(c, 90) ? k->conns[rnd(c, k->nconns)].id :
			 chance(c, 50) ? kms_random_obj(c, k)->id : bval32(c);
	r.encoders_ptr = arr(c, 0, &r.count_encoders, 4);
	r.modes_ptr = arr(c, 1, &r.count_modes,
			  sizeof(struct drm_mode_modeinfo));
	r.props_ptr = arr(c, 2, &r.count_props, 4);
	r.prop_values_ptr = chance(c, 90) ? (uintptr_t)abuf[3] :
			    (uintptr_t)bad_ptr(c);
	if (r.count_props > ABUF_BYTES / 8)
		r.count_props = ABUF_BYTES / 8;
	r.pad = pad32(c);
	note(c, " connector=%u counts=%u,%u,%u pad=%#x", r.connector_id,
	     r.count_encoders, r.count_modes, r.count_props, r.pad);
	ret = x_ioctl(c, dev->fd, DRM_IOCTL_MODE_GETCONNECTOR, &r);
	op_result(c, OP_GETCONNECTOR, ret);
	kms_unuse(dev);
}

void op_getplaneres(struct ctx *c)
{
	struct drm_mode_get_plane_res r;
	struct ent *dev = kms_use_dev(c, OP_GETPLANERES, false);
	int ret;

	if (!dev)
		return;
	memset(&r, 0, sizeof(r));
	r.plane_id_ptr = arr(c, 0, &r.count_planes, 4);
	note(c, " count=%u", r.count_planes);
	ret = x_ioctl(c, dev->fd, DRM_IOCTL_MODE_GETPLANERESOURCES, &r);
	op_result(c, OP_GETPLANERES, ret);
	if (!ret)
		note(c, " planes=%u", r.count_planes);
	kms_unuse(dev);
}

void op_getplane(struct ctx *c)
{
	struct drm_mode_get_plane r;
	struct ent *dev = kms_use_dev(c, OP_GETPLANE, false);
	const struct kms *k;
	int ret;

	if (!dev)
		return;
	k = &g_kms[dev->devi];
	memset(&r, 0, sizeof(r));
	r.plane_id = chance(c, 90) ? k->planes[rnd(c, k->nplanes)].id :
		     chance(c, 50) ? kms_random_obj(c, k)->id : bval32(c);
	r.format_type_ptr = arr(c, 0, &r.count_format_types, 4);
	note(c, " plane=%u count=%u", r.plane_id, r.count_format_types);
	ret = x_ioctl(c, dev->fd, DRM_IOCTL_MODE_GETPLANE, &r);
	op_result(c, OP_GETPLANE, ret);
	if (!ret)
		note(c, " formats=%u", r.count_format_types);
	kms_unuse(dev);
}

void op_getproperty(struct ctx *c)
{
	struct drm_mode_get_property r;
	struct ent *dev = kms_use_dev(c, OP_GETPROPERTY, false);
	int ret;

	if (!dev)
		return;
	memset(&r, 0, sizeof(r));
	r.prop_id = chance(c, 92) ? kms_random_prop_id(c, &g_kms[dev->devi]) :
		    kms_random_obj(c, &g_kms[dev->devi])->id;
	r.values_ptr = arr(c, 0, &r.count_values, 8);
	r.enum_blob_ptr = arr(c, 1, &r.count_enum_blobs,
			      sizeof(struct drm_mode_property_enum));
	note(c, " prop=%u counts=%u,%u", r.prop_id, r.count_values,
	     r.count_enum_blobs);
	ret = x_ioctl(c, dev->fd, DRM_IOCTL_MODE_GETPROPERTY, &r);
	op_result(c, OP_GETPROPERTY, ret);
	kms_unuse(dev);
}

void op_obj_getprops(struct ctx *c)
{
	struct drm_mode_obj_get_properties r;
	struct ent *dev = kms_use_dev(c, OP_OBJ_GETPROPS, false);
	int ret;

	if (!dev)
		return;
	memset(&r, 0, sizeof(r));
	r.obj_id = kms_obj_id(c, &g_kms[dev->devi], &r.obj_type);
	r.props_ptr = arr(c, 0, &r.count_props, 4);
	r.prop_values_ptr = chance(c, 92) ? (uintptr_t)abuf[1] :
			    (uintptr_t)bad_ptr(c);
	note(c, " obj=%u type=%#x count=%u", r.obj_id, r.obj_type,
	     r.count_props);
	ret = x_ioctl(c, dev->fd, DRM_IOCTL_MODE_OBJ_GETPROPERTIES, &r);
	op_result(c, OP_OBJ_GETPROPS, ret);
	if (!ret)
		note(c, " props=%u", r.count_props);
	kms_unuse(dev);
}

/* Blob ids: ours mostly; sometimes the kernel's (IN_FORMATS and such). */
void op_getpropblob(struct ctx *c)
{
	struct drm_mode_get_blob r;
	struct ent *dev = kms_use_dev(c, OP_GETPROPBLOB, false);
	struct idpick p;
	const struct kms *k;
	int ret;

	if (!dev)
		return;
	k = &g_kms[dev->devi];
	memset(&r, 0, sizeof(r));
	if (chance(c, 15) && k->nkblobs) {
		p.e = NULL;
		p.how = "kernel";
		p.val = k->kblobs[rnd(c, k->nkblobs)];
	} else {
		kms_pick_id(c, K_BLOB, dev, &p, false);
	}
	note_id(c, "blob", &p);
	r.blob_id = p.val;
	r.data = arr(c, 0, &r.length, 1);
	note(c, " len=%u", r.length);
	ret = x_ioctl(c, dev->fd, DRM_IOCTL_MODE_GETPROPBLOB, &r);
	op_result(c, OP_GETPROPBLOB, ret);
	model_lock();
	if (!ret && p.e && p.e->live && !p.e->raced && !c->child &&
	    r.length != p.e->blob_len)
		fail(c, "blob%u of %u bytes reads back as %u bytes", p.e->id,
		     p.e->blob_len, r.length);
	unuse_opt(p.e);
	ent_unuse(dev);
	model_unlock();
}

/*
 * A new framebuffer or blob id: no live one of ours on the device has it.
 * Under the lock; false when the id is not ours to track.
 */
bool kms_new_id(struct ctx *c, struct ent *dev, u32 id, const char *what)
{
	struct ent *e;

	if (!dev->live) {
		note(c, " (file closed meanwhile)");
		return false;
	}
	if (c->child) {
		note(c, " (in a child: not tracked)");
		return false;
	}
	e = find_in_device(K_FB, dev->devi, id);
	if (!e)
		e = find_in_device(K_BLOB, dev->devi, id);
	if (e && dev->unknown_gen == c->gen) {
		fail(c, "new %s id %u is the id of live %s%u (made by op %s)",
		     what, id, e->kind == K_FB ? "fb" : "blob", e->id, e->origin);
		return false;
	}
	return !e;
}

void op_createpropblob(struct ctx *c)
{
	static __thread u8 data[ABUF_BYTES];
	struct drm_mode_create_blob r;
	struct drm_mode_modeinfo m;
	struct ent *dev = kms_use_dev(c, OP_CREATEPROPBLOB, false), *b;
	bool valid = false, badp = false;
	u32 i;
	int ret;

	if (!dev)
		return;
	memset(&r, 0, sizeof(r));
	if (chance(c, 70)) {
		kms_random_mode(c, &g_kms[dev->devi], &m, &valid);
		memcpy(data, &m, sizeof(m));
		r.length = sizeof(m);
		if (chance(c, 5)) {
			r.length += chance(c, 50) ? 1 : -1;
			valid = false;
		}
	} else {
		static const u32 lens[] = { 0, 1, 3, 4, 67, 68, 69, 256, 4096,
					    ABUF_BYTES };

		r.length = lens[rnd(c, ARRAY_SIZE(lens))];
		for (i = 0; i < r.length; i++)
			data[i] = (u8)rnd(c, 256);
		if (chance(c, 10)) {
			/*
			 * The kernel zeroes a buffer of that length before it
			 * copies: past 16 MiB that is just slow (debug kernels).
			 */
			r.length = bval32(c);
			if (r.length > (16U << 20) && r.length < INT32_MAX - 4096)
				r.length = 16U << 20;
			badp = true;
		}
	}
	r.data = badp || chance(c, 3) ? (uintptr_t)bad_ptr(c) : (uintptr_t)data;
	note(c, " len=%u%s%s", r.length, valid ? " mode" : "",
	     r.data == (uintptr_t)data ? "" : " bad-ptr");
	/*
	 * Under the lock, as DESTROYPROPBLOB: else a destroy of a stale id
	 * can remove this blob between the ioctl and the model's record.
	 */
	model_lock();
	ret = x_ioctl(c, dev->fd, DRM_IOCTL_MODE_CREATEPROPBLOB, &r);
	op_result(c, OP_CREATEPROPBLOB, ret);
	if (!ret && kms_new_id(c, dev, r.blob_id, "blob")) {
		b = ent_new(K_BLOB);
		b->val = r.blob_id;
		b->blob_len = r.length;
		b->blob_mode = valid && r.length == sizeof(m);
		ent_origin(b, c);
		ent_set_dev(b, dev);
		note(c, " -> blob%u", b->id);
	}
	ent_unuse(dev);
	model_unlock();
}

void op_destroypropblob(struct ctx *c)
{
	struct drm_mode_destroy_blob r = { 0 };
	struct ent *dev = kms_use_dev(c, OP_DESTROYPROPBLOB, true), *e;
	struct idpick p;
	int ret;

	if (!dev)
		return;
	kms_pick_id(c, K_BLOB, dev, &p, true);
	note_id(c, "blob", &p);
	r.blob_id = p.val;
	/* Under the lock: the model's blobs stay the kernel's. */
	model_lock();
	e = find_in_device(K_BLOB, dev->devi, p.val);
	ret = x_ioctl(c, dev->fd, DRM_IOCTL_MODE_DESTROYPROPBLOB, &r);
	op_result(c, OP_DESTROYPROPBLOB, ret);
	if (!ret && e && e->dev != dev)
		fail(c, "destroyed blob%u of another file (made by op %s)",
		     e->id, e->origin);
	else if (!ret && e)
		ent_kill(e);
	else if (!ret)
		dev->unknown_gen++;
	else if (ret == -ENOENT && e && e->dev == dev &&
		 !(c->child && dev->inherited))
		fail(c, "destroying live blob%u (made by op %s) failed",
		     e->id, e->origin);
	unuse_opt(p.e);
	ent_unuse(dev);
	model_unlock();
}

/* Read events: any length, any buffer; then everything, and the checks. */
void op_read_events(struct ctx *c)
{
	static const size_t lens[] = { 0, 1, 8, 31, 32, 33, 64, 4096 };
	static __thread char buf[4096];
	struct ent *dev = kms_use_dev(c, OP_READ_EVENTS, true);
	size_t len;
	void *p;
	int ret;

	if (!dev)
		return;
	len = lens[rnd(c, ARRAY_SIZE(lens))];
	p = chance(c, 90) ? buf : (void *)bad_ptr(c);
	note(c, " len=%zu%s", len, p == buf ? "" : " bad-ptr");
	model_lock();
	if (p == buf)
		ret = kms_read_events(c, dev, buf, len);
	else
		ret = read(dev->fd, p, len) < 0 ? -errno : 0;
	kms_drain(c, dev);
	kms_check_fences(c);
	model_unlock();
	/* How many bytes depends on timing: only errors go in the log. */
	op_result(c, OP_READ_EVENTS, ret < 0 && ret != -EAGAIN ? ret : 0);
	kms_unuse(dev);
}

static u32 crtc_high(unsigned int index)
{
	if (index == 1)
		return _DRM_VBLANK_SECONDARY;
	return (index << _DRM_VBLANK_HIGH_CRTC_SHIFT) &
	       _DRM_VBLANK_HIGH_CRTC_MASK;
}

/*
 * WAIT_VBLANK, CRTC_GET_SEQUENCE, CRTC_QUEUE_SEQUENCE. With one thread,
 * only targets that have passed: the answer must not depend on timing.
 */
void op_vblank(struct ctx *c)
{
	union drm_wait_vblank w;
	struct drm_crtc_get_sequence g;
	struct drm_crtc_queue_sequence q;
	struct ent *dev = kms_use_dev(c, OP_VBLANK, false);
	const struct kms *k;
	bool one = g_opt.threads == 1, block = false;
	unsigned int idx;
	int ret;

	if (!dev)
		return;
	k = &g_kms[dev->devi];
	idx = chance(c, 92) ? rnd(c, k->ncrtcs) : rnd(c, 64);
	switch (rnd(c, 3)) {
	case 0:
		memset(&w, 0, sizeof(w));
		w.request.type = (chance(c, 80) ? _DRM_VBLANK_RELATIVE :
				  _DRM_VBLANK_ABSOLUTE) | crtc_high(idx);
		if (chance(c, 70))
			w.request.type |= _DRM_VBLANK_EVENT;
		if (chance(c, 10))
			w.request.type |= _DRM_VBLANK_NEXTONMISS;
		if (chance(c, 4))
			w.request.type = bval32(c);
		w.request.sequence = one ? 0 : chance(c, 80) ? rnd(c, 3) :
				     bval32(c);
		w.request.signal = kms_user_data(UD_VBLANK);
		block = !(w.request.type & _DRM_VBLANK_EVENT) &&
			w.request.sequence;
		note(c, " WAIT_VBLANK type=%#x seq=%u", w.request.type,
		     w.request.sequence);
		ret = block ? x_ioctl_blocking(c, dev->fd, DRM_IOCTL_WAIT_VBLANK, &w) :
			      x_ioctl(c, dev->fd, DRM_IOCTL_WAIT_VBLANK, &w);
		break;
	case 1:
		memset(&g, 0, sizeof(g));
		g.crtc_id = idx < k->ncrtcs ? k->crtcs[idx].id : bval32(c);
		note(c, " CRTC_GET_SEQUENCE crtc=%u", g.crtc_id);
		ret = x_ioctl(c, dev->fd, DRM_IOCTL_CRTC_GET_SEQUENCE, &g);
		break;
	default:
		memset(&q, 0, sizeof(q));
		q.crtc_id = idx < k->ncrtcs ? k->crtcs[idx].id : bval32(c);
		q.flags = flags32(c, DRM_CRTC_SEQUENCE_RELATIVE |
				  DRM_CRTC_SEQUENCE_NEXT_ON_MISS, 5);
		q.sequence = one ? 0 : chance(c, 80) ? rnd(c, 3) : bval64(c);
		q.user_data = kms_user_data(UD_SEQ);
		note(c, " CRTC_QUEUE_SEQUENCE crtc=%u flags=%#x", q.crtc_id,
		     q.flags);
		ret = x_ioctl(c, dev->fd, DRM_IOCTL_CRTC_QUEUE_SEQUENCE, &q);
		break;
	}
	/* A blocking wait ends early or late: its result is timing. */
	op_result(c, OP_VBLANK, block && one ? 0 : ret);
	if (!ret)
		kms_note_async();
	kms_unuse(dev);
}

void op_gamma(struct ctx *c)
{
	static __thread u16 lut[3][4096];
	struct drm_mode_crtc_lut r;
	struct ent *dev = kms_use_dev(c, OP_GAMMA, false);
	bool set = chance(c, 50);
	int ret;

	if (!dev)
		return;
	memset(&r, 0, sizeof(r));
	r.crtc_id = crtc_id(c, &g_kms[dev->devi]);
	r.gamma_size = chance(c, 60) ? (chance(c, 50) ? 0 : 256) :
		       chance(c, 50) ? rnd(c, 4097) : bval32(c);
	if (r.gamma_size <= 4096 && chance(c, 90)) {
		r.red = (uintptr_t)lut[0];
		r.green = (uintptr_t)lut[1];
		r.blue = (uintptr_t)lut[2];
	} else {
		r.red = r.green = r.blue = (uintptr_t)bad_ptr(c);
	}
	note(c, " %s crtc=%u size=%u", set ? "SETGAMMA" : "GETGAMMA", r.crtc_id,
	     r.gamma_size);
	ret = x_ioctl(c, dev->fd, set ? DRM_IOCTL_MODE_SETGAMMA :
		      DRM_IOCTL_MODE_GETGAMMA, &r);
	op_result(c, OP_GAMMA, ret);
	kms_unuse(dev);
}
