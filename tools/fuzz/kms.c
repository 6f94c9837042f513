// SPDX-License-Identifier: MIT
/*
 * drm_display's KMS side, outside the ops: the mode objects and their
 * properties (found once, before the threads start), the module
 * parameters a run sets, the events and out-fences successful commits
 * owe, and the clean-up and leak check at the end.
 *
 * Checked invariants:
 * - a commit that asked for events (atomic PAGE_FLIP_EVENT, legacy page
 *   flip with an event) gets exactly one per CRTC: each CRTC it named
 *   within kms_bound_ms(), never two for one CRTC, and none at all when
 *   the ioctl failed;
 * - an OUT_FENCE_PTR sync_file signals within the same bound.
 * The bound is (threads + 1) * (planes per CRTC * fence_timeout_ms + one
 * frame at 1 Hz) + 5 s: a commit may queue behind one of each thread,
 * each waiting for every plane's fence.
 *
 * Events are read only under the model lock, so that a reader that finds
 * nothing has seen everything another reader took. Children never read
 * the files they inherited: the events there are their parent's.
 *
 * With --threads 1 a run must replay exactly, but nonblocking commits
 * finish in the kernel's own time, and what they leave (old states with
 * their framebuffers and mode blobs, whose ids are reused) would change
 * later results. kms_settle() therefore waits, after each op that may
 * have left work behind, until it has: owed events and fences are in, no
 * fence wait is listed in debugfs fence_waits, and two frames passed.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <xf86drm.h>
#include <xf86drmMode.h>

#include "kms.h"

struct kms g_kms[MAX_DEVICES];

#define NREC		512
#define NFAILED		64
#define PARAMS		"/sys/module/drm_display/parameters/"

struct rec {
	bool used;
	bool pending;		/* events: its ioctl has not returned yet */
	bool fence;		/* an out-fence, else events */
	unsigned int dev_id;	/* events: the file's model id */
	unsigned int devi;
	u64 user_data;
	u32 expect, got;	/* CRTC index masks */
	int fd;			/* out-fence: our own dup */
	s64 deadline;
	char origin[320];	/* the op's log line so far */
};

static struct rec recs[NREC];
static u64 failed_ud[NFAILED];
static unsigned int nfailed;
static u64 ud_serial;
static bool async_pending;
static char saved_timeout[32], saved_skip[8];
static bool params_set;

/* ---- discovery ---- */

static const struct kprop *intern_prop(struct kms *k, int fd, u32 id)
{
	drmModePropertyPtr p;
	struct kprop *kp;
	unsigned int i;

	for (i = 0; i < k->nprops; i++)
		if (k->props[i].id == id)
			return &k->props[i];
	if (k->nprops == KMS_MAX_PROPS)
		return NULL;
	p = drmModeGetProperty(fd, id);
	if (!p)
		return NULL;
	kp = &k->props[k->nprops++];
	kp->id = id;
	snprintf(kp->name, sizeof(kp->name), "%s", p->name);
	kp->flags = p->flags;
	if (p->flags & (DRM_MODE_PROP_RANGE | DRM_MODE_PROP_SIGNED_RANGE) &&
	    p->count_values >= 2) {
		kp->min = p->values[0];
		kp->max = p->values[1];
	}
	for (i = 0; i < (unsigned int)p->count_enums && i < KMS_MAX_ENUMS; i++)
		kp->enums[kp->nenum++] = p->enums[i].value;
	drmModeFreeProperty(p);
	return kp;
}

static void obj_props(struct kms *k, int fd, struct kobj *o)
{
	drmModeObjectPropertiesPtr op = drmModeObjectGetProperties(fd, o->id,
								   o->type);
	const struct kprop *kp;
	unsigned int i;

	for (i = 0; op && i < op->count_props && o->nprops < KMS_OBJ_PROPS; i++) {
		kp = intern_prop(k, fd, op->props[i]);
		if (!kp)
			continue;
		o->props[o->nprops++] = kp;
		if ((kp->flags & DRM_MODE_PROP_BLOB) && op->prop_values[i] &&
		    k->nkblobs < ARRAY_SIZE(k->kblobs))
			k->kblobs[k->nkblobs++] = (u32)op->prop_values[i];
		if (!strcmp(kp->name, "type"))
			o->plane_type = (u32)op->prop_values[i];
	}
	drmModeFreeObjectProperties(op);
}

static void discover_one(unsigned int di)
{
	struct kms *k = &g_kms[di];
	drmModeResPtr r;
	drmModePlaneResPtr pr;
	drmModePlanePtr pl;
	drmModeConnectorPtr cn;
	unsigned int i, j, per[KMS_MAX_CRTCS] = { 0 };
	int fd = open(g_devices[di].path[NODE_CARD], O_RDWR | O_CLOEXEC);

	if (fd < 0)
		return;
	drmSetClientCap(fd, DRM_CLIENT_CAP_UNIVERSAL_PLANES, 1);
	drmSetClientCap(fd, DRM_CLIENT_CAP_ATOMIC, 1);
	r = drmModeGetResources(fd);
	pr = drmModeGetPlaneResources(fd);
	if (!r || !pr)
		goto out;
	for (i = 0; i < (unsigned int)r->count_crtcs && k->ncrtcs < KMS_MAX_CRTCS; i++) {
		struct kobj *o = &k->crtcs[k->ncrtcs];

		o->id = r->crtcs[i];
		o->type = DRM_MODE_OBJECT_CRTC;
		o->index = k->ncrtcs++;
		obj_props(k, fd, o);
	}
	for (i = 0; i < (unsigned int)r->count_encoders && k->nencs < KMS_MAX_CONNS; i++)
		k->encs[k->nencs++] = r->encoders[i];
	for (i = 0; i < (unsigned int)r->count_connectors && k->nconns < KMS_MAX_CONNS; i++) {
		struct kobj *o = &k->conns[k->nconns++];

		o->id = r->connectors[i];
		o->type = DRM_MODE_OBJECT_CONNECTOR;
		obj_props(k, fd, o);
		cn = drmModeGetConnector(fd, o->id);
		/* Small modes first: buffers that cover them stay small. */
		for (j = cn ? (unsigned int)cn->count_modes : 0; j-- > 0 &&
		     k->nmodes < KMS_MAX_MODES;)
			k->modes[k->nmodes++] = *(struct drm_mode_modeinfo *)&cn->modes[j];
		drmModeFreeConnector(cn);
	}
	for (i = 0; i < pr->count_planes && k->nplanes < KMS_MAX_PLANES; i++) {
		struct kobj *o = &k->planes[k->nplanes];

		pl = drmModeGetPlane(fd, pr->planes[i]);
		if (!pl)
			continue;
		o->id = pl->plane_id;
		o->type = DRM_MODE_OBJECT_PLANE;
		o->possible_crtcs = pl->possible_crtcs;
		drmModeFreePlane(pl);
		obj_props(k, fd, o);
		for (j = 0; j < k->ncrtcs; j++)
			per[j] += !!(o->possible_crtcs & (1U << j));
		k->nplanes++;
	}
	for (j = 0; j < k->ncrtcs; j++)
		if (per[j] > k->planes_per_crtc)
			k->planes_per_crtc = per[j];
	k->ok = k->ncrtcs && k->nplanes && k->nconns;
out:
	drmModeFreePlaneResources(pr);
	drmModeFreeResources(r);
	close(fd);
	/* For settling: never master, never in the model. */
	k->qfd = open(g_devices[di].path[NODE_CARD], O_RDWR | O_CLOEXEC);
	if (k->qfd >= 0)
		drmDropMaster(k->qfd);
}

int kms_discover(void)
{
	unsigned int i, n = 0;

	for (i = 0; i < g_ndevices; i++) {
		if (!g_devices[i].type->kms)
			continue;
		discover_one(i);
		if (!g_kms[i].ok) {
			out("fuzz: %s: no CRTC, plane or connector found\n",
			    g_devices[i].path[NODE_CARD]);
			continue;
		}
		n++;
		out("fuzz: device drm_display: %u CRTCs, %u planes, %u connectors, %u properties, %u modes kept\n",
		    g_kms[i].ncrtcs, g_kms[i].nplanes, g_kms[i].nconns,
		    g_kms[i].nprops, g_kms[i].nmodes);
	}
	return (int)n;
}

static bool have_display(void)
{
	unsigned int i;

	for (i = 0; i < g_ndevices; i++)
		if (g_kms[i].ok)
			return true;
	return false;
}

/* ---- module parameters ---- */

static void strip(char *s)
{
	s[strcspn(s, "\n")] = 0;
}

/*
 * Hung flips resolve after fence_timeout_ms with the frame skipped. The
 * kernel then reports each timeout: tell vm-run those lines are expected
 * (the fuzzer's own commits, under the timeout it set).
 */
void kms_params_setup(void)
{
	char v[32], re[256];

	if (!have_display() || !g_opt.display_fence_ms)
		return;
	if (!read_file(PARAMS "fence_timeout_ms", saved_timeout,
		       sizeof(saved_timeout)) ||
	    !read_file(PARAMS "fence_skip", saved_skip, sizeof(saved_skip))) {
		out("fuzz: cannot read drm_display's fence parameters: left as they are\n");
		return;
	}
	strip(saved_timeout);
	strip(saved_skip);
	snprintf(v, sizeof(v), "%u", g_opt.display_fence_ms);
	if (write_file(PARAMS "fence_timeout_ms", v) ||
	    write_file(PARAMS "fence_skip", "Y")) {
		out("fuzz: cannot set drm_display's fence parameters\n");
		return;
	}
	params_set = true;
	out("fuzz: drm_display fence_timeout_ms %u (was %s), fence_skip Y (was %s)\n",
	    g_opt.display_fence_ms, saved_timeout, saved_skip);
	/*
	 * Only the start of the line: the report quotes the dma-buf's name
	 * as it is, and names of ours can hold a newline.
	 */
	snprintf(re, sizeof(re),
		 "drm_display: \\[drm\\] fence timed out after %u ms: fence ",
		 g_opt.display_fence_ms);
	record_allow(re);
}

void kms_params_restore(void)
{
	if (!params_set)
		return;
	write_file(PARAMS "fence_timeout_ms", saved_timeout);
	write_file(PARAMS "fence_skip", saved_skip);
	params_set = false;
}

s64 kms_bound_ms(void)
{
	unsigned int i, ppc = 1;
	char v[32];
	unsigned int ms = g_opt.display_fence_ms;

	if (!params_set && read_file(PARAMS "fence_timeout_ms", v, sizeof(v)))
		ms = (unsigned int)strtoul(v, NULL, 10);
	for (i = 0; i < g_ndevices; i++)
		if (g_kms[i].planes_per_crtc > ppc)
			ppc = g_kms[i].planes_per_crtc;
	return (s64)(g_opt.threads + 1) * ((s64)ppc * ms + 1000) + 5000;
}

/* ---- lookups ---- */

const struct kprop *kobj_prop(const struct kobj *o, const char *name)
{
	unsigned int i;

	for (i = 0; i < o->nprops; i++)
		if (!strcmp(o->props[i]->name, name))
			return o->props[i];
	return NULL;
}

const struct kobj *kms_crtc_by_id(const struct kms *k, u32 id)
{
	unsigned int i;

	for (i = 0; i < k->ncrtcs; i++)
		if (k->crtcs[i].id == id)
			return &k->crtcs[i];
	return NULL;
}

const struct kobj *kms_random_obj(struct ctx *c, const struct kms *k)
{
	u32 r = rnd(c, 100);

	if (r < 55)
		return &k->planes[rnd(c, k->nplanes)];
	if (r < 80)
		return &k->crtcs[rnd(c, k->ncrtcs)];
	return &k->conns[rnd(c, k->nconns)];
}

/* Any mode object id with its type; sometimes a wrong type or none. */
u32 kms_obj_id(struct ctx *c, const struct kms *k, u32 *type)
{
	static const u32 types[] = {
		DRM_MODE_OBJECT_CRTC, DRM_MODE_OBJECT_CONNECTOR,
		DRM_MODE_OBJECT_ENCODER, DRM_MODE_OBJECT_MODE,
		DRM_MODE_OBJECT_PROPERTY, DRM_MODE_OBJECT_FB,
		DRM_MODE_OBJECT_BLOB, DRM_MODE_OBJECT_PLANE, DRM_MODE_OBJECT_ANY,
	};
	const struct kobj *o;
	u32 id;

	if (chance(c, 85)) {
		o = kms_random_obj(c, k);
		id = o->id;
		*type = o->type;
	} else if (chance(c, 50)) {
		id = k->nencs ? k->encs[rnd(c, k->nencs)] : 0;
		*type = DRM_MODE_OBJECT_ENCODER;
	} else {
		id = bval32(c);
		*type = types[rnd(c, ARRAY_SIZE(types))];
	}
	if (chance(c, 10))
		*type = chance(c, 70) ? types[rnd(c, ARRAY_SIZE(types))] :
			bval32(c);
	return id;
}

u32 kms_random_prop_id(struct ctx *c, const struct kms *k)
{
	if (chance(c, 90) && k->nprops)
		return k->props[rnd(c, k->nprops)].id;
	return bval32(c);
}

/* A connector's mode, one with its timings bent, or garbage. */
void kms_random_mode(struct ctx *c, const struct kms *k,
		     struct drm_mode_modeinfo *m, bool *valid)
{
	unsigned int i;
	u8 *b = (u8 *)m;

	*valid = false;
	if (k->nmodes && chance(c, 75)) {
		*m = k->modes[rnd(c, k->nmodes)];
		*valid = true;
		if (chance(c, 85))
			return;
		*valid = false;
		switch (rnd(c, 6)) {
		case 0: m->clock = chance(c, 50) ? 0 : bval32(c); break;
		case 1: m->htotal = (u16)bval32(c); break;
		case 2: m->vtotal = (u16)rnd(c, 3); break;
		case 3: m->hdisplay = (u16)bval32(c); break;
		case 4: m->flags = bval32(c); break;
		default:
			/* A slow but valid refresh: 1-30 Hz. */
			m->clock = (u32)((u64)m->htotal * m->vtotal *
					 (1 + rnd(c, 30)) / 1000) + 1;
			*valid = true;
			break;
		}
		return;
	}
	for (i = 0; i < sizeof(*m); i++)
		b[i] = (u8)rnd(c, 256);
	if (chance(c, 50)) {
		m->hdisplay = (u16)(16 + rnd(c, 1024));
		m->vdisplay = (u16)(16 + rnd(c, 768));
	}
	m->name[sizeof(m->name) - 1] = chance(c, 80) ? 0 : 'x';
}

/* ---- device files ---- */

static bool display_dev(const struct ent *e)
{
	return e->kind == K_DEV && g_devices[e->devi].type->kms;
}

/*
 * A new file of drm_display's card node: nonblocking (events are read
 * under the model lock), mostly with the atomic and universal-plane
 * client caps, and DRM master if the device had none. Under the lock.
 */
void kms_file_opened(struct ctx *c, struct ent *dev)
{
	unsigned int i;
	struct ent *e;
	int fl;

	if (!display_dev(dev) || dev->node != NODE_CARD)
		return;
	fl = fcntl(dev->fd, F_GETFL);
	if (fl >= 0)
		fcntl(dev->fd, F_SETFL, fl | O_NONBLOCK);
	if (!c || chance(c, 85)) {
		drmSetClientCap(dev->fd, DRM_CLIENT_CAP_UNIVERSAL_PLANES, 1);
		drmSetClientCap(dev->fd, DRM_CLIENT_CAP_ATOMIC, 1);
		if (c)
			note(c, " caps=atomic");
	}
	dev->master = true;
	for (i = 0; i < live_count(K_DEV); i++) {
		e = live_at(K_DEV, i);
		if (e != dev && e->devi == dev->devi && e->master)
			dev->master = false;
	}
	if (c && dev->master)
		note(c, " master");
}

/* The file goes: its events go with it (out-fences still signal). */
void kms_file_closing(struct ent *dev)
{
	unsigned int i;

	if (!display_dev(dev))
		return;
	for (i = 0; i < NREC; i++)
		if (recs[i].used && !recs[i].fence && recs[i].dev_id == dev->id)
			recs[i].used = false;
	if (dev->node == NODE_CARD && dev->master)
		dev->master = false;
	async_pending = true;
}

bool kms_op_wants_master(enum op_id op)
{
	switch (op) {
	case OP_SETCRTC: case OP_SETPLANE: case OP_CURSOR: case OP_PAGE_FLIP:
	case OP_ATOMIC: case OP_OBJ_SETPROP: case OP_DIRTYFB: case OP_GAMMA:
		return true;
	default:
		return false;
	}
}

struct kms_filter {
	enum op_id op;
	bool own_only;
	bool master;
};

static bool kms_dev_ok(struct ctx *c, struct ent *e, const void *arg)
{
	const struct kms_filter *f = arg;

	(void)c;
	return device_has_op(&g_devices[e->devi], f->op) &&
	       g_kms[e->devi].ok && (!f->own_only || !e->inherited) &&
	       (!f->master || e->master);
}

static bool has_master(unsigned int devi)
{
	unsigned int i;
	struct ent *e;

	for (i = 0; i < live_count(K_DEV); i++) {
		e = live_at(K_DEV, i);
		if (e->devi == devi && e->master)
			return true;
	}
	return false;
}

/*
 * The master is a file we closed that mappings keep open: let it go, by
 * unmapping what was mapped through files closed since. Under the lock.
 */
static void unmap_closed_files(struct ctx *c)
{
	unsigned int i, j, n = 0;
	struct ent *m;
	bool open;

	for (i = live_count(K_MAP); i-- > 0;) {
		m = live_at(K_MAP, i);
		if (!m->map_file)
			continue;
		for (j = 0, open = false; j < live_count(K_DEV) && !open; j++)
			open = live_at(K_DEV, j)->id == m->map_file;
		if (!open) {
			ent_kill(m);
			n++;
		}
	}
	note(c, " (unmapped %u mappings of closed files)", n);
}

/*
 * Like use_dev() in ops_gem.c, for KMS ops. Ops that need DRM master
 * mostly get the master's file, or make the file master when the device
 * has none (its master closed, or dropped it).
 */
struct ent *kms_use_dev(struct ctx *c, enum op_id op, bool own_only)
{
	struct kms_filter f = { op, own_only && c->child, false };
	struct ent *dev = NULL;
	int ret;

	model_lock();
	if (kms_op_wants_master(op) && chance(c, 85)) {
		f.master = true;
		dev = pick_live(c, K_DEV, kms_dev_ok, &f);
		f.master = false;
	}
	if (!dev)
		dev = pick_live(c, K_DEV, kms_dev_ok, &f);
	if (dev && kms_op_wants_master(op) && !dev->master &&
	    !has_master(dev->devi) && chance(c, 70)) {
		ret = x_ioctl(c, dev->fd, DRM_IOCTL_SET_MASTER, NULL);
		note(c, " (d%u SET_MASTER = %d)", dev->id, ret);
		dev->master = !ret;
		if (ret == -EBUSY && chance(c, 30))
			unmap_closed_files(c);
	}
	use_opt(dev);
	if (dev) {
		c->gen = dev->unknown_gen;
		c->close_gen = dev->close_gen;
	}
	model_unlock();
	if (dev)
		note_dev(c, dev);
	else
		op_skip(c, op, "no display file");
	return dev;
}

/*
 * A master-only call was refused: the file is not master after all (the
 * master can be a file we closed that a mapping keeps open).
 */
void kms_master_denied(struct ent *dev, int ret)
{
	if (ret != -EACCES)
		return;
	model_lock();
	dev->master = false;
	model_unlock();
}

void kms_unuse(struct ent *e)
{
	model_lock();
	unuse_opt(e);
	model_unlock();
}

static bool id_in(struct ctx *c, struct ent *e, const void *dev)
{
	(void)c;
	return e->dev == dev;
}

static bool id_other(struct ctx *c, struct ent *e, const void *dev)
{
	(void)c;
	return e->dev != dev &&
	       e->dev->devi == ((const struct ent *)dev)->devi;
}

void kms_pick_id(struct ctx *c, enum ent_kind k, struct ent *dev,
		 struct idpick *p, bool own_only)
{
	struct ent *e = NULL;
	struct stale s;
	u32 r = rnd(c, 100);

	model_lock();
	p->how = "live";
	if (r < 72 && (e = pick_live(c, k, id_in, dev))) {
		p->val = e->val;
	} else if (r < 82 && (e = pick_live(c, k, id_other, dev))) {
		p->val = e->val;
		p->how = "other-fd";
	} else if (r < 92 && pick_stale(c, k, &s)) {
		p->val = s.val;
		p->how = "stale";
	} else {
		p->val = chance(c, 30) ? 0 : bval32(c);
		p->how = "bval";
	}
	p->e = find_in_device(k, dev->devi, p->val);
	/* In a child, ids of the parent's files are not ours to remove. */
	if (own_only && c->child && p->e && p->e->inherited) {
		p->val = bval32(c);
		p->how = "bval";
		p->e = find_in_device(k, dev->devi, p->val);
	}
	use_opt(p->e);
	model_unlock();
}

void note_id(struct ctx *c, const char *name, const struct idpick *p)
{
	if (p->e)
		note(c, " %s=%s%u(%s)", name, p->e->kind == K_FB ? "fb" : "blob",
		     p->e->id, p->how);
	else if (!strcmp(p->how, "bval"))
		note(c, " %s=%u(bval)", name, p->val);
	else
		note(c, " %s=(%s)", name, p->how);
}

/* ---- what commits owe ---- */

u64 kms_user_data(u64 tag)
{
	u64 s;

	model_lock();
	s = ++ud_serial;
	model_unlock();
	return tag << 56 | s;
}

static struct rec *rec_new(void)
{
	unsigned int i;
	s64 now = now_ms();

	for (i = 0; i < NREC; i++)
		if (!recs[i].used)
			return &recs[i];
	/* Full: reuse a complete one that is past its deadline. */
	for (i = 0; i < NREC; i++)
		if (!recs[i].fence && !recs[i].pending &&
		    (recs[i].got & recs[i].expect) == recs[i].expect &&
		    recs[i].deadline < now)
			return &recs[i];
	return NULL;
}

/*
 * Before the ioctl: another thread may read the events of a commit
 * before its ioctl has returned, so the record exists first (without a
 * deadline) and collects them. Under the lock; -1: no record.
 */
int kms_events_begin(struct ctx *c, struct ent *dev, u64 user_data,
		     u32 crtc_mask)
{
	struct rec *r = rec_new();

	if (!r)
		return -1;
	memset(r, 0, sizeof(*r));
	r->used = true;
	r->pending = true;
	r->dev_id = dev->id;
	r->devi = dev->devi;
	r->user_data = user_data;
	r->expect = crtc_mask;
	r->fd = -1;
	snprintf(r->origin, sizeof(r->origin), "%.*s", (int)c->dlen, c->desc);
	return (int)(r - recs);
}

/* After it: owed from now on, or (it failed) nothing may have come. */
void kms_events_end(struct ctx *c, int i, bool ok)
{
	struct rec *r;

	if (i < 0)
		return;
	r = &recs[i];
	if (!r->used)		/* the file was closed meanwhile */
		return;
	snprintf(r->origin, sizeof(r->origin), "%.*s", (int)c->dlen, c->desc);
	r->pending = false;
	if (ok) {
		r->deadline = now_ms() + kms_bound_ms();
		async_pending = true;
		return;
	}
	if (r->got)
		fail(c, "flip event for a commit that failed");
	failed_ud[nfailed++ % NFAILED] = r->user_data;
	r->used = false;
}

void kms_expect_fence(struct ctx *c, int fd)
{
	struct rec *r = rec_new();
	int d;

	async_pending = true;
	if (!r)
		return;
	d = fcntl(fd, F_DUPFD_CLOEXEC, 100);
	if (d < 0)
		return;
	memset(r, 0, sizeof(*r));
	r->used = true;
	r->fence = true;
	r->fd = d;
	r->deadline = now_ms() + kms_bound_ms();
	snprintf(r->origin, sizeof(r->origin), "%.*s", (int)c->dlen, c->desc);
}

void kms_note_async(void)
{
	model_lock();
	async_pending = true;
	model_unlock();
}

void kms_note_async_locked(void)
{
	async_pending = true;
}

static bool ud_failed(u64 ud)
{
	unsigned int i, n = nfailed < NFAILED ? nfailed : NFAILED;

	for (i = 0; i < n; i++)
		if (failed_ud[i] == ud)
			return true;
	return false;
}

static void got_event(struct ctx *c, struct ent *dev, const struct drm_event *ev)
{
	const struct drm_event_vblank *vb = (const void *)ev;
	const struct kobj *crtc;
	unsigned int i;
	struct rec *r = NULL;
	u64 ud;

	if (ev->type != DRM_EVENT_FLIP_COMPLETE || ev->length < sizeof(*vb))
		return;
	ud = vb->user_data;
	for (i = 0; i < NREC && !r; i++)
		if (recs[i].used && !recs[i].fence &&
		    recs[i].dev_id == dev->id && recs[i].user_data == ud)
			r = &recs[i];
	if (!r) {
		if (ud_failed(ud))
			fail(c, "flip event (user_data %#llx) for a commit that failed",
			     (unsigned long long)ud);
		return;
	}
	crtc = kms_crtc_by_id(&g_kms[r->devi], vb->crtc_id);
	if (!crtc) {
		fail(c, "flip event of commit %s names no CRTC of ours (%u)",
		     r->origin, vb->crtc_id);
		return;
	}
	if (r->got & (1U << crtc->index))
		fail(c, "a second flip event for CRTC %u from commit %s",
		     vb->crtc_id, r->origin);
	r->got |= 1U << crtc->index;
}

/* A read of events, as the fuzzer's op or to drain. Under the lock. */
int kms_read_events(struct ctx *c, struct ent *dev, void *buf, size_t len)
{
	char *p = buf;
	ssize_t n = read(dev->fd, buf, len);
	size_t off = 0;
	const struct drm_event *ev;

	if (n < 0)
		return -errno;
	while (off + sizeof(*ev) <= (size_t)n) {
		ev = (const void *)(p + off);
		if (ev->length < sizeof(*ev) || off + ev->length > (size_t)n)
			break;
		got_event(c, dev, ev);
		off += ev->length;
	}
	return (int)n;
}

static void check_events(struct ctx *c, struct ent *dev)
{
	s64 now = now_ms();
	unsigned int i;
	struct rec *r;

	for (i = 0; i < NREC; i++) {
		r = &recs[i];
		if (!r->used || r->fence || r->pending || r->dev_id != dev->id)
			continue;
		if ((r->got & r->expect) == r->expect) {
			if (r->deadline < now)
				r->used = false;
			continue;
		}
		if (r->deadline >= now)
			continue;
		fail(c, "commit %s: no flip event within %lld ms for CRTCs %#x (got %#x)",
		     r->origin, (long long)kms_bound_ms(), r->expect & ~r->got,
		     r->got);
		r->used = false;
	}
}

/* Read everything @dev has, then fail on what is overdue. Under the lock. */
void kms_drain(struct ctx *c, struct ent *dev)
{
	static __thread char buf[4096];
	int n, i;

	if (!dev->live || !display_dev(dev) || dev->node != NODE_CARD ||
	    (c->child && dev->inherited))
		return;
	for (i = 0; i < 64; i++) {
		n = kms_read_events(c, dev, buf, sizeof(buf));
		if (n <= 0)
			break;
	}
	if (n == -EAGAIN)
		check_events(c, dev);
}

/* Out-fences: signalled, or failed once overdue. Under the lock. */
void kms_check_fences(struct ctx *c)
{
	struct pollfd p;
	s64 now = now_ms();
	unsigned int i;
	struct rec *r;

	for (i = 0; i < NREC; i++) {
		r = &recs[i];
		if (!r->used || !r->fence)
			continue;
		p.fd = r->fd;
		p.events = POLLIN;
		p.revents = 0;
		if (poll(&p, 1, 0) == 1) {
			close(r->fd);
			r->used = false;
			continue;
		}
		if (r->deadline >= now)
			continue;
		fail(c, "out-fence of commit %s not signalled within %lld ms",
		     r->origin, (long long)kms_bound_ms());
		close(r->fd);
		r->used = false;
	}
}

static bool all_owed_in(void)
{
	unsigned int i;
	struct rec *r;

	for (i = 0; i < NREC; i++) {
		r = &recs[i];
		if (!r->used)
			continue;
		if (r->fence)
			return false;
		if ((r->got & r->expect) != r->expect)
			return false;
	}
	return true;
}

static void drain_all(struct ctx *c)
{
	unsigned int i;

	model_lock();
	for (i = 0; i < live_count(K_DEV); i++)
		kms_drain(c, live_at(K_DEV, i));
	kms_check_fences(c);
	model_unlock();
}

static bool fence_waits_busy(void)
{
	static char text[16384];
	char path[96];
	unsigned int i;

	for (i = 0; i < g_ndevices; i++) {
		if (!g_kms[i].ok)
			continue;
		snprintf(path, sizeof(path),
			 "/sys/kernel/debug/dri/%d/fence_waits",
			 g_devices[i].minor);
		read_file(path, text, sizeof(text));
		if (strstr(text, "\nwait ") || !strncmp(text, "wait ", 5))
			return true;
	}
	return false;
}

/* The longest frame of the CRTCs now on, in ms (at most 1 s). */
static unsigned int frame_ms(void)
{
	struct drm_mode_crtc cr;
	unsigned int i, j, ms = 17, f;
	int fd;

	for (i = 0; i < g_ndevices; i++) {
		fd = g_kms[i].qfd;
		if (!g_kms[i].ok || fd < 0)
			continue;
		for (j = 0; j < g_kms[i].ncrtcs; j++) {
			memset(&cr, 0, sizeof(cr));
			cr.crtc_id = g_kms[i].crtcs[j].id;
			if (ioctl(fd, DRM_IOCTL_MODE_GETCRTC, &cr) ||
			    !cr.mode_valid || !cr.mode.clock)
				continue;
			f = (unsigned int)((u64)cr.mode.htotal * cr.mode.vtotal /
					   cr.mode.clock) + 1;
			if (f > ms)
				ms = f;
		}
	}
	return ms > 1000 ? 1000 : ms;
}

/* --threads 1: wait until what the last ops started is over. */
void kms_settle(struct ctx *c)
{
	s64 deadline;
	int quiet = 0;
	bool pending;

	if (g_opt.threads != 1 || c->child || !have_display())
		return;
	model_lock();
	pending = async_pending;
	async_pending = false;
	model_unlock();
	if (!pending)
		return;
	deadline = now_ms() + kms_bound_ms();
	while (quiet < 3 && now_ms() < deadline) {
		usleep(5000);
		drain_all(c);
		model_lock();
		quiet = all_owed_in() && !fence_waits_busy() ? quiet + 1 : 0;
		model_unlock();
	}
	usleep(2000 * frame_ms() + 5000);
	drain_all(c);
}

/* Before the files close: whatever is owed must come in time. */
void kms_final_check(void)
{
	static struct ctx fc;
	s64 deadline;

	if (!have_display())
		return;
	fc.thread = 0;
	fc.cur_op = OP_READ_EVENTS;
	fc.opi = ~0UL;
	deadline = now_ms() + kms_bound_ms() + 1000;
	for (;;) {
		drain_all(&fc);
		model_lock();
		if (all_owed_in() || now_ms() > deadline) {
			model_unlock();
			break;
		}
		model_unlock();
		usleep(20000);
	}
}

/* ---- the end ---- */

static void add_prop(struct drm_mode_atomic *a, u32 *objs, u32 *counts,
		     u32 *props, u64 *vals, unsigned int *np, u32 obj,
		     const struct kprop *p, u64 v)
{
	if (!p)
		return;
	if (!a->count_objs || objs[a->count_objs - 1] != obj) {
		objs[a->count_objs] = obj;
		counts[a->count_objs++] = 0;
	}
	counts[a->count_objs - 1]++;
	props[*np] = p->id;
	vals[(*np)++] = v;
}

/*
 * After every file of ours is closed: a file of our own switches every
 * plane, connector and CRTC off, so that nothing the run made stays on
 * screen (legacy cursor framebuffers belong to no file), then closes.
 */
void kms_reset_display(void)
{
	u32 objs[64], counts[64], props[256];
	u64 vals[256];
	struct drm_mode_atomic a;
	unsigned int i, j, np;
	struct kms *k;
	int fd;

	for (i = 0; i < g_ndevices; i++) {
		k = &g_kms[i];
		if (!k->ok)
			continue;
		fd = open(g_devices[i].path[NODE_CARD], O_RDWR | O_CLOEXEC);
		if (fd < 0)
			continue;
		drmSetClientCap(fd, DRM_CLIENT_CAP_UNIVERSAL_PLANES, 1);
		drmSetClientCap(fd, DRM_CLIENT_CAP_ATOMIC, 1);
		memset(&a, 0, sizeof(a));
		np = 0;
		for (j = 0; j < k->nplanes; j++) {
			add_prop(&a, objs, counts, props, vals, &np,
				 k->planes[j].id, kobj_prop(&k->planes[j], "FB_ID"), 0);
			add_prop(&a, objs, counts, props, vals, &np,
				 k->planes[j].id, kobj_prop(&k->planes[j], "CRTC_ID"), 0);
		}
		for (j = 0; j < k->nconns; j++)
			add_prop(&a, objs, counts, props, vals, &np,
				 k->conns[j].id, kobj_prop(&k->conns[j], "CRTC_ID"), 0);
		for (j = 0; j < k->ncrtcs; j++) {
			add_prop(&a, objs, counts, props, vals, &np,
				 k->crtcs[j].id, kobj_prop(&k->crtcs[j], "ACTIVE"), 0);
			add_prop(&a, objs, counts, props, vals, &np,
				 k->crtcs[j].id, kobj_prop(&k->crtcs[j], "MODE_ID"), 0);
		}
		a.flags = DRM_MODE_ATOMIC_ALLOW_MODESET;
		a.objs_ptr = (uintptr_t)objs;
		a.count_props_ptr = (uintptr_t)counts;
		a.props_ptr = (uintptr_t)props;
		a.prop_values_ptr = (uintptr_t)vals;
		if (ioctl(fd, DRM_IOCTL_MODE_ATOMIC, &a))
			out("fuzz: switching drm_display off at the end failed: %s\n",
			    strerror(errno));
		close(fd);
	}
}

/* Framebuffers made by this program still in debugfs: how many. */
int kms_fb_leak_check(bool print)
{
	static char text[1 << 20];
	char path[96], comm[32], want[64], *p, *next;
	unsigned int i;
	int n = 0;

	if (!read_file("/proc/self/comm", comm, sizeof(comm)))
		snprintf(comm, sizeof(comm), "drm_fuzz");
	strip(comm);
	snprintf(want, sizeof(want), "allocated by = %s\n", comm);
	for (i = 0; i < g_ndevices; i++) {
		if (!g_kms[i].ok)
			continue;
		snprintf(path, sizeof(path), "/sys/kernel/debug/dri/%d/framebuffer",
			 g_devices[i].minor);
		read_file(path, text, sizeof(text));
		for (p = strstr(text, "framebuffer["); p; p = next) {
			next = strstr(p + 1, "framebuffer[");
			if (next)
				next[-1] = 0;
			if (!strstr(p, want))
				continue;
			n++;
			if (print)
				out("fuzz: left in dri/%d/framebuffer: %s\n",
				    g_devices[i].minor, p);
		}
	}
	return n;
}
