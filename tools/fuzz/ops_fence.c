// SPDX-License-Identifier: MIT
/*
 * Fence ops (attach, signal, signal with an error, export as sync_file)
 * and sync_file ops (SYNC_IOC_FILE_INFO, SYNC_IOC_MERGE).
 *
 * Every fence we attach is signalled again by the context that attached
 * it, FENCE_AGE of its ops later (NOTIMEOUT_AGE for no-timeout fences),
 * long before the driver's own 10 s timeout, so replays do not depend on
 * time and no-timeout fences never stall anyone for long. With more than
 * one thread, some fences with a timeout are "abandoned": never signalled
 * by hand before the end, they time out in drm_vgem_plus (and first in
 * drm_display's commits that wait for them). Attaches prefer, now and
 * then, objects that have framebuffers on drm_display.
 *
 * Checked invariants: fence ids are never 0 and never reused in a file; an
 * id signalled by hand can be neither signalled nor exported again.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <linux/sync_file.h>

#include "ops.h"
#include "vgem_plus_drm.h"

#define INFO_MAX	1024	/* sync_fence_info entries we can receive */

static bool fd_kind_ok(struct ctx *c, struct ent *e, const void *arg)
{
	(void)c;
	(void)arg;
	return e->fd >= 0;
}

/*
 * An fd for a call that wants @want: mostly a live one of that kind,
 * sometimes one of another kind, a closed number or a boundary value.
 */
void pick_fd(struct ctx *c, enum ent_kind want, struct fdpick *p)
{
	static const enum ent_kind others[] = { K_DMABUF, K_SYNC, K_DEV };
	static const int bvals[] = { -1, 0, 1, 2, 1023, 1 << 20, INT32_MAX,
				     INT32_MIN };
	struct stale s;
	u32 r = rnd(c, 100);

	model_lock();
	p->e = NULL;
	p->how = "live";
	if (r < 80)
		p->e = pick_live(c, want, fd_kind_ok, NULL);
	else if (r < 88)
		p->e = pick_live(c, others[rnd(c, 3)], fd_kind_ok, NULL);
	if (p->e) {
		if (p->e->kind != want)
			p->how = p->e->kind == K_DEV ? "dev" :
				 p->e->kind == K_SYNC ? "sync" : "dmabuf";
		p->fd = p->e->fd;
		ent_use(p->e);
	} else if (r < 95 && pick_stale(c, want, &s)) {
		p->fd = (int)s.val;
		p->how = "stale";
	} else {
		p->fd = bvals[rnd(c, ARRAY_SIZE(bvals))];
		p->how = "bval";
	}
	model_unlock();
}

/* Logs model ids only: fd numbers differ between runs. */
void note_fd(struct ctx *c, const char *name, const struct fdpick *p)
{
	static const char prefix[K_KINDS] = {
		[K_DEV] = 'd', [K_DMABUF] = 'b', [K_SYNC] = 's',
	};

	if (p->e)
		note(c, " %s=%c%u", name, prefix[p->e->kind], p->e->id);
	else if (!strcmp(p->how, "bval"))
		note(c, " %s=%d", name, p->fd);
	else
		note(c, " %s=(%s)", name, p->how);
}

void add_sync(struct ctx *c, int fd, const char *what)
{
	struct ent *s = ent_new(K_SYNC);

	s->fd = fd;
	note(c, " -> s%u%s", s->id, what);
}

static bool fence_own(struct ctx *c, struct ent *e, const void *arg)
{
	(void)arg;
	return e->owner == c->cell;
}

static bool dev_by_id(struct ctx *c, struct ent *e, const void *arg)
{
	(void)c;
	return e->id == *(const unsigned int *)arg;
}

/*
 * Mostly one of our own live fences, else any live fence, a signalled
 * one, another file's id or a boundary value. Under the lock; takes the
 * entries it returns.
 */
bool pick_fence(struct ctx *c, struct fpick *p)
{
	struct stale s;
	u32 r = rnd(c, 100);

	p->f = NULL;
	p->dev = NULL;
	p->how = "live";
	if (r < 60)
		p->f = pick_live(c, K_FENCE, fence_own, NULL);
	if (!p->f && r < 75)
		p->f = pick_live(c, K_FENCE, NULL, NULL);
	if (p->f) {
		p->val = p->f->val;
		p->dev = p->f->dev;
		if (chance(c, 5)) {
			p->dev = pick_live(c, K_DEV, NULL, NULL);
			p->how = "other-fd";
		}
	} else if (r < 90 && pick_stale(c, K_FENCE, &s)) {
		p->val = s.val;
		p->dev = pick_live(c, K_DEV, dev_by_id, &s.dev_id);
		p->how = "stale";
	} else {
		p->val = bval32(c);
		p->how = "bval";
	}
	if (!p->dev)
		p->dev = pick_dev(c, OP_FENCE_SIGNAL, false);
	if (!p->dev)
		return false;
	p->f = find_fence(p->dev, p->val);
	ent_use(p->dev);
	use_opt(p->f);
	return true;
}

static void note_fence(struct ctx *c, const struct fpick *p)
{
	note_dev(c, p->dev);
	note(c, " fence=%u(%s%s)", p->val, p->how,
	     p->f ? (p->f->notimeout ? " notimeout" : " timeout") : "");
}

static void unuse_fence(struct fpick *p)
{
	unuse_opt(p->f);
	ent_unuse(p->dev);
}

static bool handle_in(struct ctx *c, struct ent *e, const void *dev)
{
	(void)c;
	return e->dev == dev;
}

static bool handle_displayed(struct ctx *c, struct ent *e, const void *dev)
{
	(void)c;
	return e->dev == dev && e->obj->fbs;
}

/* A new fence id from the kernel: never 0, never seen before here. */
static void got_fence(struct ctx *c, struct ent *dev, struct ent *h,
		      const struct drm_vgem_fence_attach *a)
{
	struct ent *f;

	if (!dev->live) {
		note(c, " (file closed meanwhile)");
		return;
	}
	if (dev->unknown_gen != c->gen) {
		note(c, " (unknown fence signalled meanwhile: not tracked)");
		return;
	}
	if (!a->out_fence || find_fence(dev, a->out_fence) ||
	    bitmap_test(&dev->signalled, a->out_fence)) {
		fail(c, "fence id %u returned twice (or 0)", a->out_fence);
		return;
	}
	f = ent_new(K_FENCE);
	f->val = a->out_fence;
	f->notimeout = a->flags & WIP_VGEM_FENCE_NOTIMEOUT;
	f->abandoned = g_opt.threads > 1 && !f->notimeout && chance(c, 10);
	if (f->abandoned)
		note(c, " (abandoned)");
	f->owner = c->cell;
	f->birth = c->opi;
	ent_set_dev(f, dev);
	if (h && h->live) {
		ent_set_obj(f, h->obj);
		h->obj->fences++;
	}
}

void op_fence_attach(struct ctx *c)
{
	struct drm_vgem_fence_attach a = { 0 };
	struct ent *dev, *h = NULL;
	struct stale s;
	int ret;

	model_lock();
	dev = pick_dev(c, OP_FENCE_ATTACH, true);
	if (dev) {
		ent_use(dev);
		c->gen = dev->unknown_gen;
		h = NULL;
		if (chance(c, 40))
			h = pick_live(c, K_HANDLE, handle_displayed, dev);
		if (!h)
			h = pick_live(c, K_HANDLE, handle_in, dev);
		if (h && chance(c, 90))
			a.handle = h->val;
		else if (pick_stale(c, K_HANDLE, &s) && chance(c, 50))
			a.handle = s.val;
		else
			a.handle = bval32(c);
		h = find_handle(dev, a.handle);
		use_opt(h);
	}
	model_unlock();
	if (!dev) {
		op_skip(c, OP_FENCE_ATTACH, "no device file");
		return;
	}
	a.flags = (chance(c, 50) ? VGEM_FENCE_WRITE : 0) |
		  (chance(c, 20) ? WIP_VGEM_FENCE_NOTIMEOUT : 0);
	if (chance(c, 4))
		a.flags = flags32(c, 3, 100);
	a.pad = pad32(c);
	a.out_fence = bval32(c);
	note_dev(c, dev);
	note(c, " h=%u%s flags=%#x pad=%#x", a.handle, h ? "(live)" : "",
	     a.flags, a.pad);
	ret = x_ioctl(c, dev->fd, DRM_IOCTL_VGEM_FENCE_ATTACH, &a);
	op_result(c, OP_FENCE_ATTACH, ret);
	model_lock();
	if (!ret) {
		note(c, " fence=%u", a.out_fence);
		got_fence(c, dev, h, &a);
	}
	unuse_opt(h);
	ent_unuse(dev);
	model_unlock();
}

/*
 * Signal @p's fence, with @error when @with_error. A valid call takes the
 * id out of the file whatever the outcome: success, ETIMEDOUT or ENOENT.
 * @strict: valid flags and padding (reaping must succeed).
 */
void do_signal(struct ctx *c, enum op_id op, struct fpick *p, bool with_error,
	       int error, bool strict)
{
	struct drm_vgem_plus_fence_signal_error e = { 0 };
	struct drm_vgem_fence_signal s = { 0 };
	bool valid, was;
	int ret;

	model_lock();
	was = bitmap_test(&p->dev->signalled, p->val);
	model_unlock();
	if (with_error) {
		e.fence = p->val;
		e.flags = strict ? 0 : flags32(c, 0, 4);
		e.error = error;
		e.pad = strict ? 0 : pad32(c);
		note(c, " error=%d flags=%#x pad=%#x", e.error, e.flags, e.pad);
		valid = !e.flags && !e.pad && error < 0 && error >= -4095;
		ret = x_ioctl(c, p->dev->fd,
			      DRM_IOCTL_VGEM_PLUS_FENCE_SIGNAL_ERROR, &e);
	} else {
		s.fence = p->val;
		s.flags = strict ? 0 : flags32(c, 0, 4);
		note(c, " flags=%#x", s.flags);
		valid = !s.flags;
		ret = x_ioctl(c, p->dev->fd, DRM_IOCTL_VGEM_FENCE_SIGNAL, &s);
	}
	op_result(c, op, ret);
	model_lock();
	if (p->dev->live && valid && (!ret || ret == -ETIMEDOUT)) {
		if (!find_fence(p->dev, p->val))
			p->dev->unknown_gen++;
		if (was)
			fail(c, "fence %u signalled a second time", p->val);
		bitmap_set(&p->dev->signalled, p->val);
	}
	if (p->dev->live && valid &&
	    (!ret || ret == -ETIMEDOUT || ret == -ENOENT))
		fence_done(p->dev, p->val);
	model_unlock();
}

/* The id is gone from the file: forget our fence. Under the lock. */
void fence_done(struct ent *dev, u32 id)
{
	struct ent *f = find_fence(dev, id);

	if (f)
		ent_kill(f);
}

static int gen_error(struct ctx *c)
{
	static const int errs[] = { -EIO, -ENOMEM, -ETIMEDOUT, -ECANCELED,
				    -EDEADLK, -1, -4095, -ENODEV };
	static const int bad[] = { 0, 1, -4096, INT32_MIN, INT32_MAX };

	if (chance(c, 90))
		return errs[rnd(c, ARRAY_SIZE(errs))];
	return bad[rnd(c, ARRAY_SIZE(bad))];
}

static void signal_op(struct ctx *c, enum op_id op)
{
	struct fpick p;
	bool got;

	model_lock();
	got = pick_fence(c, &p);
	model_unlock();
	if (!got) {
		op_skip(c, op, "no device file");
		return;
	}
	note_fence(c, &p);
	do_signal(c, op, &p, op == OP_FENCE_SIGNAL_ERROR,
		  op == OP_FENCE_SIGNAL_ERROR ? gen_error(c) : 0, false);
	model_lock();
	unuse_fence(&p);
	model_unlock();
}

void op_fence_signal(struct ctx *c)
{
	signal_op(c, OP_FENCE_SIGNAL);
}

void op_fence_signal_error(struct ctx *c)
{
	signal_op(c, OP_FENCE_SIGNAL_ERROR);
}

void op_fence_export(struct ctx *c)
{
	struct drm_vgem_plus_fence_export a = { 0 };
	struct fpick p;
	bool got, was = false;
	int ret;

	model_lock();
	got = pick_fence(c, &p);
	if (got)
		was = bitmap_test(&p.dev->signalled, p.val);
	model_unlock();
	if (!got) {
		op_skip(c, OP_FENCE_EXPORT, "no device file");
		return;
	}
	note_fence(c, &p);
	a.fence = p.val;
	a.flags = flags32(c, VGEM_PLUS_FENCE_EXPORT_CLOEXEC, 4);
	a.pad = pad32(c);
	a.fd = (s32)bval32(c);
	note(c, " flags=%#x pad=%#x", a.flags, a.pad);
	ret = x_ioctl(c, p.dev->fd, DRM_IOCTL_VGEM_PLUS_FENCE_EXPORT, &a);
	op_result(c, OP_FENCE_EXPORT, ret);
	model_lock();
	if (!ret) {
		add_sync(c, a.fd, "");
		if (was && p.dev->live)
			fail(c, "fence %u exported after it was signalled by hand",
			     p.val);
	}
	unuse_fence(&p);
	model_unlock();
}

/* The oldest of our fences that is due, if any. Under the lock. */
static struct ent *due_fence(struct ctx *c)
{
	struct ent *f, *best = NULL;
	unsigned int i;

	for (i = 0; i < live_count(K_FENCE); i++) {
		f = live_at(K_FENCE, i);
		if (f->owner != c->cell || f->abandoned ||
		    c->opi - f->birth <= (f->notimeout ? NOTIMEOUT_AGE : FENCE_AGE))
			continue;
		if (!best || f->birth < best->birth)
			best = f;
	}
	return best;
}

bool reap_one(struct ctx *c)
{
	bool due;

	model_lock();
	due = due_fence(c) != NULL;
	model_unlock();
	return due;
}

/* Signal one of our own fences: the due one, or any at the end. */
static bool reap(struct ctx *c, bool any)
{
	struct fpick p = { 0 };

	model_lock();
	p.f = any ? pick_live(c, K_FENCE, fence_own, NULL) : due_fence(c);
	if (p.f) {
		p.dev = p.f->dev;
		p.val = p.f->val;
		p.how = "own";
		ent_use(p.dev);
		ent_use(p.f);
	}
	model_unlock();
	if (!p.f)
		return false;
	note_fence(c, &p);
	/* Some with an error: waiters must see it. */
	do_signal(c, OP_REAP, &p, rnd(c, 5) == 0, -EIO, true);
	model_lock();
	/* Whatever came back: not due again (closing the file signals it). */
	if (p.dev->live)
		fence_done(p.dev, p.val);
	unuse_fence(&p);
	model_unlock();
	return true;
}

void op_reap(struct ctx *c)
{
	reap(c, false);
}

/* Before a context ends: none of its fences may outlive it. */
void signal_own_fences(struct ctx *c)
{
	bool more = true;

	while (more) {
		op_begin(c, OP_REAP);
		more = reap(c, true);
		if (!more)
			note(c, " (none left)");
		op_end(c);
		c->opi++;
	}
}

void op_sync_info(struct ctx *c)
{
	static __thread struct sync_fence_info *buf;
	struct sync_file_info info;
	struct fdpick p;
	int ret, n = 0;

	if (!buf)
		buf = calloc(INFO_MAX, sizeof(*buf));
	pick_fd(c, K_SYNC, &p);
	note_fd(c, "fd", &p);
	memset(&info, 0, sizeof(info));
	/* First how many fences, then (mostly) all of them. */
	ret = x_ioctl(c, p.fd, SYNC_IOC_FILE_INFO, &info);
	if (!ret && info.num_fences <= INFO_MAX && buf)
		n = (int)info.num_fences;
	memset(&info, 0, sizeof(info));
	switch (rnd(c, 8)) {
	case 0:
		info.num_fences = n > 1 ? (u32)n - 1 : 0;
		break;
	case 1:
		info.num_fences = n ? INFO_MAX : 1;
		info.sync_fence_info = (uintptr_t)bad_ptr(c);
		break;
	case 2:
		info.flags = flags32(c, 0, 100);
		info.pad = pad32(c);
		break;
	default:
		info.num_fences = n;
		break;
	}
	if (!info.sync_fence_info && buf)
		info.sync_fence_info = (uintptr_t)buf;
	note(c, " num=%u flags=%#x pad=%#x", info.num_fences, info.flags,
	     info.pad);
	ret = x_ioctl(c, p.fd, SYNC_IOC_FILE_INFO, &info);
	op_result(c, OP_SYNC_INFO, ret);
	if (!ret)
		note(c, " status=%d fences=%u", info.status, info.num_fences);
	model_lock();
	unuse_opt(p.e);
	model_unlock();
}

void op_sync_merge(struct ctx *c)
{
	struct sync_merge_data m;
	struct fdpick a, b;
	unsigned int i;
	int ret;

	pick_fd(c, K_SYNC, &a);
	if (chance(c, 10) && a.e) {
		b = a;
		model_lock();
		ent_use(b.e);
		model_unlock();
	} else {
		pick_fd(c, K_SYNC, &b);
	}
	note_fd(c, "fd", &a);
	note_fd(c, "fd2", &b);
	memset(&m, 0, sizeof(m));
	for (i = 0; i < sizeof(m.name); i++)
		m.name[i] = (char)(chance(c, 90) ? 'a' + rnd(c, 26) : rnd64(c));
	if (chance(c, 50))
		m.name[rnd(c, sizeof(m.name))] = 0;
	m.fd2 = b.fd;
	m.flags = flags32(c, 0, 4);
	m.pad = pad32(c);
	m.fence = (s32)bval32(c);
	note(c, " flags=%#x pad=%#x", m.flags, m.pad);
	ret = x_ioctl(c, a.fd, SYNC_IOC_MERGE, &m);
	op_result(c, OP_SYNC_MERGE, ret);
	model_lock();
	if (!ret)
		add_sync(c, m.fence, "");
	unuse_opt(a.e);
	unuse_opt(b.e);
	model_unlock();
}
