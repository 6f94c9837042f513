// SPDX-License-Identifier: MIT
/*
 * Ops on dma-buf and sync_file fds and on mappings: DMA_BUF_IOCTL_SYNC,
 * DMA_BUF_SET_NAME, sync_file export/import, poll, mmap of GEM offsets and
 * dma-bufs, reads and writes through mappings, munmap, closes, and reads
 * of fdinfo and debugfs files.
 *
 * Checked invariant: a value written through a mapping reads back at
 * once, and every later sure mapping of the same object shows it (each
 * writer owns an 8-byte cell per page, so writers never race).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <linux/dma-buf.h>

#include "ops.h"

static void unuse_locked(struct ent *e)
{
	model_lock();
	unuse_opt(e);
	model_unlock();
}

/* START waits for fences: mostly only where none of ours is pending. */
static u64 sync_flags(struct ctx *c, const struct fdpick *p)
{
	static const u64 rw[] = { DMA_BUF_SYNC_READ, DMA_BUF_SYNC_WRITE,
				  DMA_BUF_SYNC_RW };
	bool fenced;
	u64 f;

	if (chance(c, 8))
		return chance(c, 50) ? rnd(c, 16) : bval64(c);
	f = rw[rnd(c, 3)] | (chance(c, 50) ? DMA_BUF_SYNC_END : 0);
	model_lock();
	fenced = !p->e || !p->e->obj || p->e->obj->fences ||
		 p->e->obj->unsure;
	model_unlock();
	if (!(f & DMA_BUF_SYNC_END) && fenced && !chance(c, 15))
		f |= DMA_BUF_SYNC_END;
	return f;
}

void op_dmabuf_sync(struct ctx *c)
{
	struct dma_buf_sync s;
	struct fdpick p;
	int ret;

	pick_fd(c, K_DMABUF, &p);
	note_fd(c, "fd", &p);
	s.flags = sync_flags(c, &p);
	note(c, " flags=%#llx", (unsigned long long)s.flags);
	if (s.flags & DMA_BUF_SYNC_END)
		ret = x_ioctl(c, p.fd, DMA_BUF_IOCTL_SYNC, &s);
	else
		ret = x_ioctl_blocking(c, p.fd, DMA_BUF_IOCTL_SYNC, &s);
	op_result(c, OP_DMABUF_SYNC, ret);
	unuse_locked(p.e);
}

void op_dmabuf_set_name(struct ctx *c)
{
	static const unsigned long reqs[] = { DMA_BUF_SET_NAME,
					      DMA_BUF_SET_NAME_A,
					      DMA_BUF_SET_NAME_B };
	static const size_t lens[] = { 0, 1, 8, 31, 32, 33, 64, 200 };
	char name[256];
	const char *arg = name;
	struct fdpick p;
	size_t len, i;
	int ret;

	pick_fd(c, K_DMABUF, &p);
	note_fd(c, "fd", &p);
	len = lens[rnd(c, ARRAY_SIZE(lens))];
	for (i = 0; i < len; i++)
		name[i] = (char)(chance(c, 90) ? 'A' + rnd(c, 26) :
				 1 + rnd(c, 255));
	name[len] = 0;
	if (chance(c, 5))
		arg = bad_ptr(c);
	note(c, " len=%zu%s", len, arg == name ? "" : " bad-ptr");
	ret = x_ioctl(c, p.fd, reqs[rnd(c, 3)], (void *)arg);
	op_result(c, OP_DMABUF_SET_NAME, ret);
	unuse_locked(p.e);
}

void op_dmabuf_export_sync(struct ctx *c)
{
	struct dma_buf_export_sync_file a;
	struct fdpick p;
	int ret;

	pick_fd(c, K_DMABUF, &p);
	note_fd(c, "fd", &p);
	a.flags = chance(c, 92) ? 1 + rnd(c, 3) : bval32(c);
	a.fd = (s32)bval32(c);
	note(c, " flags=%#x", a.flags);
	ret = x_ioctl(c, p.fd, DMA_BUF_IOCTL_EXPORT_SYNC_FILE, &a);
	op_result(c, OP_DMABUF_EXPORT_SYNC, ret);
	model_lock();
	if (!ret)
		add_sync(c, a.fd, "");
	unuse_opt(p.e);
	model_unlock();
}

void op_dmabuf_import_sync(struct ctx *c)
{
	struct dma_buf_import_sync_file a;
	struct fdpick b, s;
	int ret;

	pick_fd(c, K_DMABUF, &b);
	pick_fd(c, K_SYNC, &s);
	note_fd(c, "fd", &b);
	note_fd(c, "sync", &s);
	a.flags = chance(c, 92) ? 1 + rnd(c, 3) : bval32(c);
	a.fd = s.fd;
	note(c, " flags=%#x", a.flags);
	ret = x_ioctl(c, b.fd, DMA_BUF_IOCTL_IMPORT_SYNC_FILE, &a);
	op_result(c, OP_DMABUF_IMPORT_SYNC, ret);
	unuse_locked(b.e);
	unuse_locked(s.e);
}

void op_poll(struct ctx *c)
{
	static const enum ent_kind kinds[] = { K_DMABUF, K_DMABUF, K_SYNC,
					       K_SYNC, K_DEV };
	static const short events[] = { POLLIN, POLLOUT, POLLIN | POLLOUT,
					POLLIN | POLLPRI, 0 };
	struct pollfd pfd[3];
	struct fdpick p[3];
	unsigned int n = 1 + rnd(c, 3), i;
	int timeout = chance(c, 75) ? 0 : 1 + (int)rnd(c, 10), ret;

	for (i = 0; i < n; i++) {
		pick_fd(c, kinds[rnd(c, ARRAY_SIZE(kinds))], &p[i]);
		note_fd(c, "fd", &p[i]);
		pfd[i].fd = p[i].fd;
		pfd[i].events = chance(c, 90) ?
			events[rnd(c, ARRAY_SIZE(events))] : (short)rnd(c, 0x8000);
		pfd[i].revents = 0;
	}
	note(c, " timeout=%d", timeout);
	ret = poll(pfd, n, timeout);
	op_result(c, OP_POLL, ret < 0 ? -errno : ret);
	for (i = 0; i < n; i++) {
		note(c, " %#x", pfd[i].revents);
		unuse_locked(p[i].e);
	}
}

static int gen_prot(struct ctx *c)
{
	u32 r = rnd(c, 100);

	return r < 85 ? PROT_READ | PROT_WRITE : r < 95 ? PROT_READ : PROT_NONE;
}

/* Mapping lengths: the whole object mostly, some too long or zero. */
static size_t gen_len(struct ctx *c, u64 size)
{
	u32 r = rnd(c, 100);

	if (r < 65 || size < PAGE)
		return size;
	if (r < 85)
		return PAGE * (1 + rnd(c, (u32)(size / PAGE)));
	if (r < 92)
		return size + PAGE;
	if (r < 96)
		return 0;
	return 1ULL << (20 + rnd(c, 20));
}

/* A new mapping into the model. Under the lock. */
static void add_map(struct ctx *c, void *addr, size_t len, int prot,
		    struct obj *o, u64 obj_off)
{
	struct ent *m = ent_new(K_MAP);

	m->addr = addr;
	m->len = len;
	m->prot = prot;
	m->obj_off = obj_off;
	if (!o)
		o = obj_new(len, true);
	ent_set_obj(m, o);
	note(c, " -> m%u o%u%s", m->id, o->id, o->unsure ? "?" : "");
}

static bool mappable_handle(struct ctx *c, struct ent *e, const void *arg)
{
	(void)c;
	(void)arg;
	return e->offset && e->obj->size <= MAX_OBJ_SIZE && !e->obj->unsure;
}

/* Another file of the same device: offsets are per device. */
static bool other_dev(struct ctx *c, struct ent *e, const void *dev)
{
	(void)c;
	return e != dev && e->devi == ((const struct ent *)dev)->devi;
}

void op_mmap_gem(struct ctx *c)
{
	struct ent *h, *dev;
	u64 off;
	size_t len;
	int prot, flags, err;
	bool exact;
	void *p;

	model_lock();
	h = pick_live(c, K_HANDLE, mappable_handle, NULL);
	dev = h ? h->dev : NULL;
	if (h && chance(c, 20))
		dev = pick_live(c, K_DEV, other_dev, h->dev) ?: h->dev;
	if (h) {
		ent_use(h);
		ent_use(dev);
	}
	model_unlock();
	if (!h) {
		op_skip(c, OP_MMAP_GEM, "no object with an mmap offset");
		return;
	}
	off = h->offset;
	if (chance(c, 8))
		off = chance(c, 50) ? off + PAGE : bval64(c) & ~(PAGE - 1);
	exact = off == h->offset;
	len = gen_len(c, h->obj->size);
	prot = gen_prot(c);
	flags = chance(c, 95) ? MAP_SHARED : MAP_PRIVATE;
	note_dev(c, dev);
	note(c, " o%u%s len=%#zx prot=%d %s", h->obj->id,
	     exact ? "" : " off=wrong", len, prot,
	     flags == MAP_SHARED ? "shared" : "private");
	p = x_mmap(c, len, prot, flags, dev->fd, (off_t)off, &err);
	op_result(c, OP_MMAP_GEM, p == MAP_FAILED ? -err : 0);
	model_lock();
	if (p != MAP_FAILED) {
		add_map(c, p, len, prot, exact && h->live && dev->live &&
			len <= h->obj->size ? h->obj : NULL, 0);
		live_at(K_MAP, live_count(K_MAP) - 1)->map_file = dev->id;
	}
	ent_unuse(h);
	ent_unuse(dev);
	model_unlock();
}

static bool small_dmabuf(struct ctx *c, struct ent *e, const void *arg)
{
	(void)c;
	(void)arg;
	return e->obj->size <= MAX_OBJ_SIZE;
}

void op_mmap_dmabuf(struct ctx *c)
{
	struct ent *b;
	u64 pgoff = 0;
	size_t len;
	int prot, flags, err;
	void *p;

	model_lock();
	b = pick_live(c, K_DMABUF, small_dmabuf, NULL);
	use_opt(b);
	model_unlock();
	if (!b) {
		op_skip(c, OP_MMAP_DMABUF, "no dma-buf");
		return;
	}
	if (chance(c, 15))
		pgoff = chance(c, 70) ? rnd(c, 3) : bval64(c) >> 12;
	len = gen_len(c, b->obj->size);
	if (pgoff && len == b->obj->size && pgoff * PAGE < len)
		len -= pgoff * PAGE;
	prot = gen_prot(c);
	flags = chance(c, 95) ? MAP_SHARED : MAP_PRIVATE;
	note(c, " b%u o%u pgoff=%#llx len=%#zx prot=%d %s", b->id, b->obj->id,
	     (unsigned long long)pgoff, len, prot,
	     flags == MAP_SHARED ? "shared" : "private");
	p = x_mmap(c, len, prot, flags, b->fd, (off_t)(pgoff * PAGE), &err);
	op_result(c, OP_MMAP_DMABUF, p == MAP_FAILED ? -err : 0);
	model_lock();
	if (p != MAP_FAILED)
		add_map(c, p, len, prot, b->live && obj_sure(b->obj) ?
			b->obj : NULL, pgoff * PAGE);
	ent_unuse(b);
	model_unlock();
}

static bool accessible(struct ctx *c, struct ent *e, const void *arg)
{
	(void)c;
	(void)arg;
	return (e->prot & PROT_READ) && e->len;
}

/* Remember what a sure mapping of @o shows at @off. Under the lock. */
static void remember(struct obj *o, int cell, u64 off, u64 val)
{
	unsigned int i, n = o->nwr[cell] < WREC ? o->nwr[cell] : WREC;

	for (i = 0; i < n; i++) {
		if (o->wr[cell][i].off == off) {
			o->wr[cell][i].val = val;
			return;
		}
	}
	o->wr[cell][o->nwr[cell]++ % WREC] = (struct wrec){ off, val };
}

/* Values this context wrote earlier that @m must show. Under the lock. */
static unsigned int expected(struct ctx *c, struct ent *m, struct wrec *w)
{
	struct obj *o = m->obj;
	unsigned int i, n = 0, have;
	u64 end = m->obj_off + (m->len + PAGE - 1) / PAGE * PAGE;

	if (o->unsure)
		return 0;
	have = o->nwr[c->cell] < WREC ? o->nwr[c->cell] : WREC;
	for (i = 0; i < have; i++)
		if (o->wr[c->cell][i].off >= m->obj_off &&
		    o->wr[c->cell][i].off < end)
			w[n++] = o->wr[c->cell][i];
	return n;
}

static bool check_read(struct ctx *c, struct ent *m, u64 off, u64 want,
		       const char *what)
{
	u64 got = 0;
	int sig = guarded_read((char *)m->addr + (off - m->obj_off), &got);

	if (sig) {
		fail(c, "signal %d reading m%u at %#llx", sig, m->id,
		     (unsigned long long)off);
		return false;
	}
	if (got != want) {
		fail(c, "m%u (o%u from offset %#llx) shows %#llx at object offset %#llx, %s %#llx",
		     m->id, m->obj->id, (unsigned long long)m->obj_off,
		     (unsigned long long)got, (unsigned long long)off, what,
		     (unsigned long long)want);
		return false;
	}
	return true;
}

void op_map_access(struct ctx *c)
{
	struct wrec w[WREC];
	struct ent *m;
	unsigned int n = 0, i;
	u64 off = 0, val = 0;
	bool sure = false, write;
	int cell, sig;

	model_lock();
	m = pick_live(c, K_MAP, accessible, NULL);
	if (m) {
		ent_use(m);
		sure = !m->obj->unsure;
		n = expected(c, m, w);
	}
	model_unlock();
	if (!m) {
		op_skip(c, OP_MAP_ACCESS, "no mapping");
		return;
	}
	cell = sure ? c->cell : c->cell + CELL_UNSURE;
	off = m->obj_off + rnd(c, (u32)((m->len + PAGE - 1) / PAGE)) * PAGE +
	      (u64)cell * 8;
	write = (m->prot & PROT_WRITE) && chance(c, 70);
	val = rnd64(c);
	note(c, " m%u o%u%s page=%llu %s", m->id, m->obj->id, sure ? "" : "?",
	     (unsigned long long)(off / PAGE), write ? "write" : "read");
	/* What earlier writes left, then a new write that must read back. */
	for (i = 0; i < n; i++)
		if (!check_read(c, m, w[i].off, w[i].val,
				"earlier written through a mapping of it:"))
			break;
	sig = write ? guarded_write((char *)m->addr + (off - m->obj_off), val) :
		      0;
	op_result(c, OP_MAP_ACCESS, sig ? -EFAULT : 0);
	if (sig)
		fail(c, "signal %d writing m%u", sig, m->id);
	else if (write)
		check_read(c, m, off, val, "just wrote");
	model_lock();
	if (write && sure && !sig)
		remember(m->obj, cell, off, val);
	ent_unuse(m);
	model_unlock();
}

/* Unmap one page at the head or the tail: splits the vma. */
static int munmap_page(struct ctx *c, struct ent *m, size_t pages)
{
	bool head = chance(c, 50);
	char *addr = (char *)m->addr + (head ? 0 : (pages - 1) * PAGE);

	note(c, head ? " first page" : " last page");
	if (munmap(addr, PAGE))
		return -errno;
	if (head) {
		m->addr = (char *)m->addr + PAGE;
		m->obj_off += PAGE;
		m->len -= PAGE;
	} else {
		m->len = (pages - 1) * PAGE;
	}
	return 0;
}

void op_munmap(struct ctx *c)
{
	struct ent *m;
	size_t pages;
	int ret = 0;

	model_lock();
	m = pick_live(c, K_MAP, NULL, NULL);
	if (m) {
		pages = (m->len + PAGE - 1) / PAGE;
		note(c, " m%u", m->id);
		if (pages > 1 && !m->users && chance(c, 25))
			ret = munmap_page(c, m, pages);
		else
			ent_kill(m);
	}
	model_unlock();
	if (m)
		op_result(c, OP_MUNMAP, ret);
	else
		op_skip(c, OP_MUNMAP, "no mapping");
}

/* Close a dma-buf or sync_file fd; an op using it now sees it raced. */
void op_close_fd(struct ctx *c)
{
	enum ent_kind k = chance(c, 50) ? K_DMABUF : K_SYNC;
	struct ent *e;
	int fd, ret;

	model_lock();
	e = pick_live(c, k, NULL, NULL);
	if (!e)
		e = pick_live(c, k == K_SYNC ? K_DMABUF : K_SYNC, NULL, NULL);
	if (e) {
		note(c, " %c%u%s", e->kind == K_SYNC ? 's' : 'b', e->id,
		     e->users ? " (in use)" : "");
		fd = e->fd;
		ent_kill(e);	/* may free e */
		ret = x_close(c, fd);
		op_result(c, OP_CLOSE_FD, ret);
	}
	model_unlock();
	if (!e)
		op_skip(c, OP_CLOSE_FD, "no fd");
}

static int read_discard(const char *path)
{
	char buf[16384];
	ssize_t r;
	int fd = open(path, O_RDONLY | O_CLOEXEC), total = 0;

	if (fd < 0)
		return -errno;
	while ((r = read(fd, buf, sizeof(buf))) > 0)
		total += (int)r;
	if (r < 0)
		total = -errno;
	close(fd);
	return total;
}

void op_fdinfo(struct ctx *c)
{
	static const enum ent_kind kinds[] = { K_DEV, K_DEV, K_DMABUF, K_SYNC };
	char path[64];
	struct fdpick p;
	int ret;

	pick_fd(c, kinds[rnd(c, ARRAY_SIZE(kinds))], &p);
	note_fd(c, "fd", &p);
	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", p.fd);
	ret = read_discard(path);
	op_result(c, OP_FDINFO, ret < 0 ? ret : 0);
	unuse_locked(p.e);
}

/* The driver's objects view (a reader of every object) or bufinfo. */
void op_debugfs(struct ctx *c)
{
	const struct device *d = &g_devices[rnd(c, g_ndevices)];
	char path[96];
	int ret;

	if (chance(c, 70)) {
		snprintf(path, sizeof(path), "/sys/kernel/debug/dri/%d/objects",
			 d->minor);
		note(c, " %s objects", d->type->name);
	} else {
		snprintf(path, sizeof(path), "/sys/kernel/debug/dma_buf/bufinfo");
		note(c, " bufinfo");
	}
	ret = read_discard(path);
	op_result(c, OP_DEBUGFS, ret < 0 ? ret : 0);
}
