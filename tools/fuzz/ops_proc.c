// SPDX-License-Identifier: MIT
/*
 * The op table and its draw, device files (open, close), forks, and the
 * final clean-up.
 *
 * A forked child inherits every fd and mapping, runs a few ops of its own
 * (seeded from its parent's generator) and either exits or blocks in the
 * kernel on a fence nobody signals until its parent kills it. So that the
 * parent's model stays exact, a child closes handles and attaches fences
 * only in device files it opened itself; everything else it may use. With
 * one thread the parent waits for a handshake before it kills, so a seed
 * replays; with more, it also kills children at random moments.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <linux/dma-buf.h>

#include "kms.h"
#include "vgem_plus_drm.h"

const struct op_desc op_table[OP_COUNT] = {
	[OP_OPEN] = { "OPEN", 8, false, op_open },
	[OP_CLOSE_DEV] = { "CLOSE_DEV", 5, true, op_close_dev },
	[OP_VERSION] = { "VERSION", 8, true, op_version },
	[OP_GET_CAP] = { "GET_CAP", 8, true, op_get_cap },
	[OP_SET_CLIENT_CAP] = { "SET_CLIENT_CAP", 5, true, op_set_client_cap },
	[OP_CREATE] = { "VGEM_PLUS_CREATE", 60, true, op_create },
	[OP_CREATE_DUMB] = { "CREATE_DUMB", 25, true, op_create_dumb },
	[OP_MAP_DUMB] = { "MAP_DUMB", 20, true, op_map_dumb },
	[OP_DESTROY_DUMB] = { "DESTROY_DUMB", 12, true, op_destroy_dumb },
	[OP_MAP_OFFSET] = { "VGEM_PLUS_MAP_OFFSET", 30, true, op_map_offset },
	[OP_GEM_CLOSE] = { "GEM_CLOSE", 40, true, op_gem_close },
	[OP_FLINK] = { "GEM_FLINK", 15, true, op_flink },
	[OP_GEM_OPEN] = { "GEM_OPEN", 15, true, op_gem_open },
	[OP_PRIME_EXPORT] = { "PRIME_HANDLE_TO_FD", 45, true, op_prime_export },
	[OP_PRIME_IMPORT] = { "PRIME_FD_TO_HANDLE", 35, true, op_prime_import },
	[OP_FENCE_ATTACH] = { "VGEM_FENCE_ATTACH", 60, true, op_fence_attach },
	[OP_FENCE_SIGNAL] = { "VGEM_FENCE_SIGNAL", 30, true, op_fence_signal },
	[OP_FENCE_SIGNAL_ERROR] = { "VGEM_PLUS_FENCE_SIGNAL_ERROR", 15, true,
				    op_fence_signal_error },
	[OP_FENCE_EXPORT] = { "VGEM_PLUS_FENCE_EXPORT", 35, true,
			      op_fence_export },
	[OP_SYNCOBJ] = { "SYNCOBJ", 5, true, op_syncobj },
	[OP_RAW_IOCTL] = { "RAW_DRIVER_IOCTL", 6, true, op_raw_ioctl },
	[OP_MMAP_GEM] = { "MMAP_GEM", 30, false, op_mmap_gem },
	[OP_FDINFO] = { "FDINFO", 5, false, op_fdinfo },
	[OP_DEBUGFS] = { "DEBUGFS", 3, false, op_debugfs },
	[OP_DMABUF_SYNC] = { "DMA_BUF_IOCTL_SYNC", 30, false, op_dmabuf_sync },
	[OP_DMABUF_SET_NAME] = { "DMA_BUF_SET_NAME", 12, false,
				 op_dmabuf_set_name },
	[OP_DMABUF_EXPORT_SYNC] = { "DMA_BUF_EXPORT_SYNC_FILE", 25, false,
				    op_dmabuf_export_sync },
	[OP_DMABUF_IMPORT_SYNC] = { "DMA_BUF_IMPORT_SYNC_FILE", 20, false,
				    op_dmabuf_import_sync },
	[OP_POLL] = { "POLL", 30, false, op_poll },
	[OP_MMAP_DMABUF] = { "MMAP_DMABUF", 25, false, op_mmap_dmabuf },
	[OP_MAP_ACCESS] = { "MAP_ACCESS", 60, false, op_map_access },
	[OP_MUNMAP] = { "MUNMAP", 22, false, op_munmap },
	[OP_SYNC_INFO] = { "SYNC_IOC_FILE_INFO", 20, false, op_sync_info },
	[OP_SYNC_MERGE] = { "SYNC_IOC_MERGE", 15, false, op_sync_merge },
	[OP_CLOSE_FD] = { "CLOSE_FD", 40, false, op_close_fd },
	[OP_FORK] = { "FORK", 4, false, op_fork },
	[OP_MASTER] = { "SET/DROP_MASTER", 4, true, op_master },
	[OP_GETRESOURCES] = { "MODE_GETRESOURCES", 5, true, op_getresources },
	[OP_GETCRTC] = { "MODE_GETCRTC", 6, true, op_getcrtc },
	[OP_SETCRTC] = { "MODE_SETCRTC", 15, true, op_setcrtc },
	[OP_GETENCODER] = { "MODE_GETENCODER", 4, true, op_getencoder },
	[OP_GETCONNECTOR] = { "MODE_GETCONNECTOR", 6, true, op_getconnector },
	[OP_GETPLANERES] = { "MODE_GETPLANERESOURCES", 4, true,
			     op_getplaneres },
	[OP_GETPLANE] = { "MODE_GETPLANE", 5, true, op_getplane },
	[OP_SETPLANE] = { "MODE_SETPLANE", 15, true, op_setplane },
	[OP_GETPROPERTY] = { "MODE_GETPROPERTY", 6, true, op_getproperty },
	[OP_GETPROPBLOB] = { "MODE_GETPROPBLOB", 6, true, op_getpropblob },
	[OP_OBJ_GETPROPS] = { "MODE_OBJ_GETPROPERTIES", 8, true,
			      op_obj_getprops },
	[OP_OBJ_SETPROP] = { "MODE_OBJ_SETPROPERTY", 10, true, op_obj_setprop },
	[OP_CREATEPROPBLOB] = { "MODE_CREATEPROPBLOB", 20, true,
				op_createpropblob },
	[OP_DESTROYPROPBLOB] = { "MODE_DESTROYPROPBLOB", 10, true,
				 op_destroypropblob },
	[OP_ADDFB] = { "MODE_ADDFB", 15, true, op_addfb },
	[OP_ADDFB2] = { "MODE_ADDFB2", 40, true, op_addfb2 },
	[OP_RMFB] = { "MODE_RMFB", 20, true, op_rmfb },
	[OP_CLOSEFB] = { "MODE_CLOSEFB", 8, true, op_closefb },
	[OP_GETFB] = { "MODE_GETFB", 8, true, op_getfb },
	[OP_GETFB2] = { "MODE_GETFB2", 12, true, op_getfb2 },
	[OP_DIRTYFB] = { "MODE_DIRTYFB", 4, true, op_dirtyfb },
	[OP_PAGE_FLIP] = { "MODE_PAGE_FLIP", 20, true, op_page_flip },
	[OP_CURSOR] = { "MODE_CURSOR", 12, true, op_cursor },
	[OP_ATOMIC] = { "MODE_ATOMIC", 70, true, op_atomic },
	[OP_READ_EVENTS] = { "READ_EVENTS", 25, true, op_read_events },
	[OP_VBLANK] = { "WAIT_VBLANK/CRTC_SEQUENCE", 10, true, op_vblank },
	[OP_GAMMA] = { "MODE_GET/SETGAMMA", 3, true, op_gamma },
	[OP_REAP] = { "REAP_SIGNAL", 0, false, op_reap },
};

enum { FORK_EXIT, FORK_KILL_HANDSHAKE, FORK_KILL_RANDOM };

void run_op(struct ctx *c, enum op_id op)
{
	op_begin(c, op);
	op_table[op].fn(c);
	op_end(c);
	kms_settle(c);
}

/* Keep the model within its limits: trade a creating op for a closing one. */
static enum op_id redirect(struct ctx *c, enum op_id op)
{
	switch (op) {
	case OP_CREATE:
	case OP_CREATE_DUMB:
	case OP_GEM_OPEN:
	case OP_PRIME_IMPORT:
	case OP_GETFB:
	case OP_GETFB2:
		return live_count(K_HANDLE) >= MAX_LIVE_HANDLES ? OP_GEM_CLOSE : op;
	case OP_ADDFB:
	case OP_ADDFB2:
		return live_count(K_FB) >= MAX_LIVE_FBS ? OP_RMFB : op;
	case OP_CREATEPROPBLOB:
		return live_count(K_BLOB) >= MAX_LIVE_BLOBS ?
		       OP_DESTROYPROPBLOB : op;
	case OP_PRIME_EXPORT:
		return live_count(K_DMABUF) >= MAX_LIVE_FDS ? OP_CLOSE_FD : op;
	case OP_FENCE_EXPORT:
	case OP_DMABUF_EXPORT_SYNC:
	case OP_SYNC_MERGE:
		return live_count(K_SYNC) >= MAX_LIVE_FDS ? OP_CLOSE_FD : op;
	case OP_FENCE_ATTACH:
		return own_fences(c) >= MAX_OWN_FENCES ? OP_FENCE_SIGNAL : op;
	case OP_MMAP_GEM:
	case OP_MMAP_DMABUF:
		return live_count(K_MAP) >= MAX_LIVE_MAPS ? OP_MUNMAP : op;
	case OP_OPEN:
		return live_count(K_DEV) >= MAX_LIVE_DEVS ? OP_CLOSE_DEV : op;
	case OP_FORK:
		return c->child ? OP_POLL : op;
	default:
		return op;
	}
}

/* Ops that some device found here takes (or that need no device). */
static unsigned int weight_of(unsigned int op)
{
	unsigned int d;

	if (!op_table[op].dev_scoped)
		return op_table[op].weight;
	for (d = 0; d < g_ndevices; d++)
		if (device_has_op(&g_devices[d], (enum op_id)op) &&
		    (!g_devices[d].type->kms || g_kms[d].ok))
			return op_table[op].weight;
	return 0;
}

static unsigned int total, weights[OP_COUNT];
static pthread_once_t weights_once = PTHREAD_ONCE_INIT;

/* Once, whichever thread draws first. */
static void weights_init(void)
{
	unsigned int i;

	for (i = 0; i < OP_COUNT; i++)
		total += weights[i] = weight_of(i);
}

enum op_id draw_op(struct ctx *c)
{
	unsigned int i, r;
	enum op_id op = OP_VERSION;

	pthread_once(&weights_once, weights_init);
	if (reap_one(c))
		return OP_REAP;
	r = rnd(c, total);
	for (i = 0; i < OP_COUNT; i++) {
		if (r < weights[i]) {
			op = (enum op_id)i;
			break;
		}
		r -= weights[i];
	}
	model_lock();
	op = redirect(c, op);
	if (op_table[op].dev_scoped && !live_count(K_DEV))
		op = OP_OPEN;
	model_unlock();
	return op;
}

/* Open one of the devices' nodes; deterministic for a replay. */
void op_open(struct ctx *c)
{
	unsigned int di = rnd(c, g_ndevices);
	const struct device *d = &g_devices[di];
	enum node_kind node = (enum node_kind)rnd(c, NODE_KINDS);
	int flags = O_RDWR | (chance(c, 50) ? O_CLOEXEC : 0), fd;
	struct ent *e;

	if (!d->path[node][0])
		node = node == NODE_CARD ? NODE_RENDER : NODE_CARD;
	note(c, " %s %s", d->type->name, node_name(node));
	fd = x_open(c, d->path[node], flags);
	op_result(c, OP_OPEN, fd < 0 ? fd : 0);
	if (fd < 0)
		return;
	model_lock();
	e = ent_new(K_DEV);
	e->fd = fd;
	e->devi = di;
	e->node = node;
	note(c, " -> d%u", e->id);
	kms_file_opened(c, e);
	model_unlock();
}

/*
 * The file is closed: its handles, fences, framebuffers and blobs go, and
 * its events. Under the lock.
 */
void kill_dev(struct ent *dev)
{
	static const enum ent_kind kinds[] = { K_HANDLE, K_FENCE, K_FB,
					       K_BLOB };
	unsigned int i, k;
	struct ent *e;

	for (k = 0; k < ARRAY_SIZE(kinds); k++) {
		for (i = live_count(kinds[k]); i-- > 0;) {
			e = live_at(kinds[k], i);
			if (e->dev == dev)
				ent_kill(e);
		}
	}
	kms_file_closing(dev);
	ent_kill(dev);
}

static void unmap_file(struct ctx *c, struct ent *dev)
{
	unsigned int i, n = 0;
	struct ent *m;

	for (i = live_count(K_MAP); i-- > 0;) {
		m = live_at(K_MAP, i);
		if (m->map_file == dev->id) {
			ent_kill(m);
			n++;
		}
	}
	if (n)
		note(c, " (and its %u mappings)", n);
}

void op_close_dev(struct ctx *c)
{
	struct ent *dev;
	int fd, ret;

	model_lock();
	dev = pick_live(c, K_DEV, NULL, NULL);
	if (dev) {
		note_dev(c, dev);
		if (dev->users)
			note(c, " (in use)");
		/*
		 * A mapping keeps the file, and so DRM master, alive: a
		 * master's mappings mostly go with it, so that another file
		 * can become master.
		 */
		if (dev->master && chance(c, 80))
			unmap_file(c, dev);
		fd = dev->fd;
		kill_dev(dev);
		ret = x_close(c, fd);
		op_result(c, OP_CLOSE_DEV, ret);
	}
	model_unlock();
	if (!dev)
		op_skip(c, OP_CLOSE_DEV, "no device file");
}

/* A file of our own in the child, an object in it and a fence on it. */
static int child_fenced_dmabuf(void)
{
	struct drm_vgem_plus_create cr = { .size = PAGE };
	struct drm_vgem_fence_attach at = { 0 };
	struct drm_prime_handle ex = { 0 };
	const struct device *d = &g_devices[0];
	int fd = open(d->path[d->path[NODE_RENDER][0] ? NODE_RENDER : NODE_CARD],
		      O_RDWR);

	if (fd < 0 || ioctl(fd, DRM_IOCTL_VGEM_PLUS_CREATE, &cr))
		return -1;
	at.handle = cr.handle;
	at.flags = VGEM_FENCE_WRITE | WIP_VGEM_FENCE_NOTIMEOUT;
	ex.handle = cr.handle;
	ex.flags = DRM_CLOEXEC;
	if (ioctl(fd, DRM_IOCTL_VGEM_FENCE_ATTACH, &at) ||
	    ioctl(fd, DRM_IOCTL_PRIME_HANDLE_TO_FD, &ex))
		return -1;
	return ex.fd;
}

/* Wait in the kernel until the parent's SIGKILL. */
static void child_block(struct ctx *c)
{
	struct dma_buf_sync s = { DMA_BUF_SYNC_START | DMA_BUF_SYNC_RW };
	struct pollfd p;
	int fd = child_fenced_dmabuf();

	if (fd >= 0 && rnd(c, 2)) {
		ioctl(fd, DMA_BUF_IOCTL_SYNC, &s);
	} else if (fd >= 0) {
		p.fd = fd;
		p.events = POLLOUT;
		poll(&p, 1, -1);
	}
	for (;;)
		pause();
}

static void child_alarm(int sig)
{
	(void)sig;
	static const char msg[] = "fuzz: FAIL (in a child): an op hangs\n";

	if (write(1, msg, sizeof(msg) - 1) < 0)
		_exit(1);
	_exit(1);
}

static struct ctx child_ctx;

static void __attribute__((noreturn))
child_main(struct ctx *parent, int variant, unsigned int nops, u64 seed,
	   int wfd)
{
	struct ctx *c = &child_ctx;

	/* The forking thread held the lock: the copy is consistent. */
	model_unlock();
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	memset(c, 0, sizeof(*c));
	c->thread = parent->thread;
	c->cell = CELL_CHILD + parent->thread;
	c->child = true;
	c->fork_opi = parent->opi;
	rng_seed(&c->rng, seed, 100 + (u64)parent->thread);
	model_mark_inherited(g_opt.threads > 1);
	set_tls_ctx(c);
	sys_thread_init(c);
	signal(SIGALRM, child_alarm);
	alarm(g_opt.watchdog > 2 ? g_opt.watchdog - 2 : 1);
	for (c->opi = 0; c->opi < nops; c->opi++)
		run_op(c, draw_op(c));
	if (variant == FORK_EXIT) {
		signal_own_fences(c);
		_exit(0);
	}
	if (write(wfd, "r", 1) != 1)
		_exit(1);
	child_block(c);
	_exit(0);
}

/* The child's status: fine unless it crashed or reported a failure. */
static void child_status(struct ctx *c, int variant, int status)
{
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return;
	if (WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL &&
	    variant != FORK_EXIT)
		return;
	if (WIFEXITED(status))
		fail(c, "child exited with status %d", WEXITSTATUS(status));
	else
		fail(c, "child died of signal %d", WTERMSIG(status));
}

static void wait_child(struct ctx *c, pid_t pid, int variant, int rfd)
{
	struct pollfd p = { .fd = rfd, .events = POLLIN };
	int status = 0;
	char b;

	if (variant == FORK_KILL_HANDSHAKE) {
		if (poll(&p, 1, (int)g_opt.watchdog * 1000) == 1 &&
		    read(rfd, &b, 1) == 1)
			usleep(2000);	/* let it reach its wait */
		kill(pid, SIGKILL);
	} else if (variant == FORK_KILL_RANDOM) {
		usleep(rnd(c, 3000));
		kill(pid, SIGKILL);
	}
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	child_status(c, variant, status);
}

void op_fork(struct ctx *c)
{
	static const char *const names[] = { "exit", "kill-after-handshake",
					     "kill-at-random" };
	unsigned int nops = 1 + rnd(c, 8);
	u64 seed = rnd64(c);
	int variant = chance(c, 60) ? FORK_EXIT : FORK_KILL_HANDSHAKE;
	int p[2], e;
	pid_t pid;

	if (variant && g_opt.threads > 1 && chance(c, 40))
		variant = FORK_KILL_RANDOM;
	note(c, " %s nops=%u", names[variant], nops);
	if (pipe2(p, O_CLOEXEC)) {
		op_result(c, OP_FORK, -errno);
		return;
	}
	model_lock();
	pid = fork();
	if (pid == 0) {
		close(p[0]);
		child_main(c, variant, nops, seed, p[1]);
	}
	e = errno;
	model_unlock();
	close(p[1]);
	op_result(c, OP_FORK, pid < 0 ? -e : 0);
	if (pid > 0) {
		wait_child(c, pid, variant, p[0]);
		c->forks[variant]++;
		if (variant != FORK_KILL_RANDOM)
			c->child_ops += nops;
		/* Its commits may still run: wait for them (--threads 1). */
		kms_note_async();
	}
	close(p[0]);
}

/* Every fd we did not open for ourselves: strays from raw ioctls etc. */
static void close_strays(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *de;
	int fd, keep[8], nkeep = 0, i;

	if (!d)
		return;
	keep[nkeep++] = dirfd(d);
	nkeep += kdebug_fds(keep + nkeep, 6);
	while ((de = readdir(d))) {
		fd = atoi(de->d_name);
		if (de->d_name[0] == '.' || fd <= 2)
			continue;
		for (i = 0; i < nkeep && keep[i] != fd; i++)
			;
		if (i == nkeep)
			close(fd);
	}
	closedir(d);
}

/* After the threads: unmap and close everything we made. */
void close_everything(void)
{
	static const enum ent_kind fds[] = { K_MAP, K_SYNC, K_DMABUF };
	unsigned int k;
	struct ent *e;
	int fd;

	model_lock();
	for (k = 0; k < ARRAY_SIZE(fds); k++) {
		while (live_count(fds[k])) {
			e = live_at(fds[k], 0);
			fd = e->fd;
			ent_kill(e);
			if (fd >= 0)
				close(fd);
		}
	}
	while (live_count(K_FLINK))
		ent_kill(live_at(K_FLINK, 0));
	while (live_count(K_DEV)) {
		e = live_at(K_DEV, 0);
		fd = e->fd;
		kill_dev(e);
		close(fd);
	}
	model_unlock();
	close_strays();
}
