// SPDX-License-Identifier: MIT
/*
 * drm_bench measurements 1 and 2: the PRIME round trip from exporter to
 * display and back, and the first touch of a new buffer's pages.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <drm_fourcc.h>
#include <xf86drm.h>
#include <xf86drmMode.h>

#include "bench.h"

struct size {
	const char *label;
	unsigned int w, h;	/* XRGB8888: 4 bytes a pixel */
	bool quick;		/* part of --quick */
};

/*
 * With -icount an operation costs the same instructions every time, so
 * a few suffice: 20 ms of guest time a round, at least 3 operations (1
 * from 16 MiB on, which take 0.1 s and more), and at most 3 rounds for
 * those. Guest time is instructions: a busy host takes longer to run
 * them, whatever the budget.
 */
#define BUDGET 0.02

static int min_ops(const struct size *s)
{
	return (size_t)s->w * s->h * 4 >= (16u << 20) ? 1 : 3;
}

static int rounds_for(const struct size *s)
{
	int big = (size_t)s->w * s->h * 4 >= (16u << 20);

	return big && opt.rounds > 3 ? 3 : opt.rounds;
}

static const struct size sizes[] = {
	{ "4KiB", 32, 32, true },
	{ "64KiB", 128, 128, false },
	{ "1MiB", 512, 512, true },
	{ "16MiB", 2048, 2048, true },
	{ "64MiB", 4096, 4096, false },
};

#define NSIZES (int)(sizeof(sizes) / sizeof(sizes[0]))

/*
 * Create on the exporter, export, import into the display, ADDFB2, RMFB,
 * and close everything: what a client does to show a buffer once.
 */
static void prime_op(struct pair *p, void *arg)
{
	const struct size *s = arg;
	uint32_t h, dh, pitch, fb, handles[4] = { 0 }, pitches[4] = { 0 };
	uint32_t offsets[4] = { 0 };
	int ret, fd;

	ret = dumb_create(p->exp.fd, s->w, s->h, 32, &h, &pitch, NULL);
	if (ret)
		die("%s: CREATE_DUMB %s: %s", p->exp_name, s->label,
		    strerror(-ret));
	if (drmPrimeHandleToFD(p->exp.fd, h, DRM_CLOEXEC | DRM_RDWR, &fd))
		die("%s: export: %s", p->exp_name, strerror(errno));
	if (drmPrimeFDToHandle(p->disp.fd, fd, &dh))
		die("%s: import: %s", p->disp_name, strerror(errno));
	handles[0] = dh;
	pitches[0] = pitch;
	if (drmModeAddFB2(p->disp.fd, s->w, s->h, DRM_FORMAT_XRGB8888,
			  handles, pitches, offsets, &fb, 0))
		die("%s: ADDFB2 %s: %s", p->disp_name, s->label,
		    strerror(errno));
	if (drmModeRmFB(p->disp.fd, fb))
		die("%s: RMFB: %s", p->disp_name, strerror(errno));
	gem_close(p->disp.fd, dh);
	close(fd);
	dumb_destroy(p->exp.fd, h);
}

void bench_prime(void)
{
	int i, r, k;

	for (i = 0; i < NSIZES; i++) {
		const struct size *s = &sizes[i];
		struct result *res;
		if (opt.quick && !s->quick)
			continue;
		res = result_new("prime-roundtrip", s->label, "s/op",
				 rounds_for(s));
		res->has_cpu = true;
		snprintf(res->note, sizeof(res->note),
			 "create, export, import, ADDFB2, RMFB, close");
		/* Warm up both: first allocations of slabs, page tables. */
		for (k = 0; k < NPAIRS; k++)
			prime_op(&pairs[k], (void *)s);
		for (r = 0; r < res->rounds; r++) {
			double wall[NPAIRS + 1], cpu[NPAIRS + 1];

			time_round(prime_op, NULL, (void *)s, BUDGET, min_ops(s), r,
				   wall, cpu);
			for (k = 0; k < NPAIRS; k++) {
				res->cost[k][r] = wall[k];
				res->cpu[k][r] = cpu[k];
			}
		}
		note("prime %s: ratio %.2f", s->label,
		     result_ratio(res, NULL, NULL));
	}
}

/* A new buffer, mapped and written all over, then freed. */
static void touch_op(struct pair *p, void *arg)
{
	const struct size *s = arg;
	uint64_t size;
	uint32_t h;
	void *m;
	int ret;

	ret = dumb_create(p->exp.fd, s->w, s->h, 32, &h, NULL, &size);
	if (ret)
		die("%s: CREATE_DUMB %s: %s", p->exp_name, s->label,
		    strerror(-ret));
	m = dumb_map(p->exp.fd, h, size);
	memset(m, 0x5a, size);
	munmap(m, size);
	dumb_destroy(p->exp.fd, h);
}

/* The limit: the same on fresh anonymous memory. */
static void anon_op(struct pair *p, void *arg)
{
	const struct size *s = arg;
	size_t size = (size_t)s->w * s->h * 4;
	void *m;

	(void)p;
	m = mmap(NULL, size, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (m == MAP_FAILED)
		die("mmap %zu: %s", size, strerror(errno));
	memset(m, 0x5a, size);
	munmap(m, size);
}

void bench_touch(void)
{
	int i, r, k;

	for (i = 1; i < NSIZES; i++) {
		const struct size *s = &sizes[i];
		double mb = s->w * s->h * 4 / 1e6, mbs[NPAIRS + 1];
		struct result *res;
		if (opt.quick && !s->quick)
			continue;
		res = result_new("first-touch", s->label, "s/op",
				 rounds_for(s));
		res->has_cpu = true;
		res->has_limit = true;
		for (k = 0; k < NPAIRS; k++)
			touch_op(&pairs[k], (void *)s);
		for (r = 0; r < res->rounds; r++) {
			double wall[NPAIRS + 1], cpu[NPAIRS + 1];

			time_round(touch_op, anon_op, (void *)s, BUDGET, min_ops(s),
				   r,
				   wall, cpu);
			for (k = 0; k < NPAIRS; k++) {
				res->cost[k][r] = wall[k];
				res->cpu[k][r] = cpu[k];
			}
			res->limit[r] = wall[NPAIRS];
		}
		mbs[OURS] = mb / median(res->cost[OURS], res->rounds);
		mbs[UP] = mb / median(res->cost[UP], res->rounds);
		mbs[NPAIRS] = mb / median(res->limit, res->rounds);
		snprintf(res->note, sizeof(res->note),
			 "create, mmap, memset, unmap; limit: anonymous memory");
		snprintf(res->extra, sizeof(res->extra),
			 "\"mb_per_s\": {\"ours\": %.1f, \"upstream\": %.1f, \"memset\": %.1f}",
			 mbs[OURS], mbs[UP], mbs[NPAIRS]);
		note("touch %s: ratio %.2f, ours %.0f MB/s, upstream %.0f MB/s, memset %.0f MB/s",
		     s->label, result_ratio(res, NULL, NULL), mbs[OURS],
		     mbs[UP], mbs[NPAIRS]);
	}
}

/* For --profile: "prime:SIZE" or "touch:SIZE", SIZE one of the labels. */
bool buffer_op(const char *spec, struct profile_op *po)
{
	const char *colon = strchr(spec, ':');
	int i;

	memset(po, 0, sizeof(*po));
	if (!colon)
		return false;
	if (!strncmp(spec, "prime:", 6))
		po->op = prime_op;
	else if (!strncmp(spec, "touch:", 6))
		po->op = touch_op;
	else
		return false;
	for (i = 0; i < NSIZES; i++)
		if (!strcmp(colon + 1, sizes[i].label)) {
			po->arg = (void *)&sizes[i];
			return true;
		}
	return false;
}
