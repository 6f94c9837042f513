// SPDX-License-Identifier: MIT
/*
 * drm_bench measurement 5: with 10, 1,000 and 10,000 live buffers, each
 * exported by the exporter and imported by the display, how long reading
 * /sys/kernel/debug/dma_buf/bufinfo takes, and the kernel memory each
 * buffer costs (slab before and after, over N; below). bufinfo
 * lists every dma-buf of the system, so only one pair's buffers live at
 * a time.
 *
 * Kernel memory is counted in slab objects, not slab pages: every cache
 * is shrunk first (its per-CPU slabs flushed), then /proc/slabinfo's
 * active objects times their size are added up. Slab pages (the Slab line
 * of /proc/meminfo, in the JSON file) also count the empty room of caches
 * the other pair filled and left. The buffers' own pages are the same
 * for both pairs and not counted.
 *
 * With the first round of our pair, the debugging tool's "list" runs
 * too (list_tool()): our time only, upstream has no such tool.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <xf86drm.h>

#include "bench.h"

#define BUFINFO "/sys/kernel/debug/dma_buf/bufinfo"
#define MAXN 10000

static uint32_t exp_h[MAXN], disp_h[MAXN];

#define MAX_CACHES 512

struct slab_snap {
	int n;
	char name[MAX_CACHES][32];
	long long bytes[MAX_CACHES];
	long long total;
};

/* Flushes the per-CPU slabs of every cache (aliases are symlinks). */
static void slab_shrink(void)
{
	char path[300];
	struct dirent *de;
	DIR *dir = opendir("/sys/kernel/slab");

	if (!dir)
		return;
	while ((de = readdir(dir))) {
		if (de->d_type != DT_DIR || de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/sys/kernel/slab/%s/shrink",
			 de->d_name);
		write_file(path, "1");
	}
	closedir(dir);
}

static void slab_snapshot(struct slab_snap *s)
{
	static char buf[1 << 17];
	char *line, *save = NULL;

	slab_shrink();
	if (read_file("/proc/slabinfo", buf, sizeof(buf)) < 0)
		die("cannot read /proc/slabinfo");
	s->n = 0;
	s->total = 0;
	for (line = strtok_r(buf, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		char name[32];
		long active, num, size;

		if (sscanf(line, "%31s %ld %ld %ld", name, &active, &num,
			   &size) != 4 || s->n == MAX_CACHES)
			continue;
		snprintf(s->name[s->n], sizeof(s->name[0]), "%s", name);
		s->bytes[s->n] = (long long)active * size;
		s->total += s->bytes[s->n];
		s->n++;
	}
}

/* The caches that grew most from @a to @b, as JSON, into @out. */
static void slab_top(const struct slab_snap *a, const struct slab_snap *b,
		     int n, char *out, size_t len)
{
	long long d[MAX_CACHES];
	int i, k, best, off = 0;

	for (i = 0; i < b->n; i++)
		d[i] = b->bytes[i] - (i < a->n && !strcmp(a->name[i], b->name[i]) ?
				      a->bytes[i] : 0);
	off += snprintf(out + off, len - off, "{");
	for (k = 0; k < 4; k++) {
		best = -1;
		for (i = 0; i < b->n; i++)
			if (d[i] > 0 && (best < 0 || d[i] > d[best]))
				best = i;
		if (best < 0)
			break;
		off += snprintf(out + off, len - off, "%s\"%s\": %lld",
				k ? ", " : "", b->name[best], d[best] / n);
		d[best] = 0;
	}
	snprintf(out + off, len - off, "}");
}

static void populate(struct pair *p, int n)
{
	int i, fd, ret;

	for (i = 0; i < n; i++) {
		ret = dumb_create(p->exp.fd, 32, 32, 32, &exp_h[i], NULL, NULL);
		if (ret)
			die("%s: CREATE_DUMB #%d: %s", p->exp_name, i,
			    strerror(-ret));
		if (drmPrimeHandleToFD(p->exp.fd, exp_h[i], DRM_CLOEXEC, &fd))
			die("%s: export #%d: %s", p->exp_name, i,
			    strerror(errno));
		if (drmPrimeFDToHandle(p->disp.fd, fd, &disp_h[i]))
			die("%s: import #%d: %s", p->disp_name, i,
			    strerror(errno));
		/* The import keeps the dma-buf alive. */
		close(fd);
	}
}

static void depopulate(struct pair *p, int n)
{
	int i;

	for (i = 0; i < n; i++) {
		gem_close(p->disp.fd, disp_h[i]);
		dumb_destroy(p->exp.fd, exp_h[i]);
	}
}

/* Seconds to read all of bufinfo, median of a few reads. */
static double read_bufinfo(int n)
{
	static char *buf;
	/* A line of about 80 bytes per buffer, a few for its attachment. */
	size_t len = 4096 + (size_t)n * 256;
	double v[3], t;
	int i, got;

	buf = realloc(buf, len);
	if (!buf)
		die("out of memory");
	for (i = 0; i < 3; i++) {
		t = now_s();
		got = read_file(BUFINFO, buf, len);
		v[i] = now_s() - t;
		if (got < 0)
			die("read %s: %s", BUFINFO, strerror(-got));
		if ((size_t)got >= len - 1)
			die("%s larger than expected", BUFINFO);
	}
	return median(v, 3);
}

/*
 * The debugging tool's "list" over all those buffers: the command in
 * DRM_BENCH_LIST_CMD (tools/bench/guest.sh sets dmabuf-inspect's); its
 * time. Without it nothing is measured, and the table says why.
 */
static bool list_tool(double *secs)
{
	const char *cmd = getenv("DRM_BENCH_LIST_CMD");
	char line[512];
	double t;

	if (!cmd || !*cmd)
		return false;
	snprintf(line, sizeof(line), "%s >/dev/null 2>&1", cmd);
	t = now_s();
	if (system(line))
		die("%s failed", cmd);
	*secs = now_s() - t;
	return true;
}

void bench_scale(void)
{
	static const int full[] = { 10, 1000, 10000 };
	static const int quick[] = { 10, 1000 };
	const int *ns = opt.quick ? quick : full;
	int nn = opt.quick ? 2 : 3, i, r, k;
	double per_read[NPAIRS][3] = { { 0 } }, per_mem[NPAIRS][3] = { { 0 } };
	bool have_list = false;
	double list_s[3] = { 0 };
	char top[NPAIRS][200];

	/*
	 * Once each, unmeasured, as many buffers as the most measured: the
	 * caches, tables and arrays grow to that size before any count,
	 * not in the first measured round (ours first: ours would pay).
	 */
	for (k = 0; k < NPAIRS; k++) {
		populate(&pairs[k], ns[nn - 1]);
		depopulate(&pairs[k], ns[nn - 1]);
	}

	for (i = 0; i < nn; i++) {
		int n = ns[i];
		int rounds = n >= 10000 ? 2 : opt.rounds;
		struct result *rd, *mem;
		double meminfo_slab[NPAIRS][MAX_ROUNDS] = { { 0 } };
		char size[24];

		if (rounds > opt.rounds)
			rounds = opt.rounds;
		snprintf(size, sizeof(size), "%d bufs", n);
		rd = result_new("bufinfo-read", size, "s/read", rounds);
		mem = result_new("kmem-per-buffer", size, "bytes", rounds);
		snprintf(rd->note, sizeof(rd->note),
			 "read all of bufinfo, 4 KiB buffers exported and imported");
		snprintf(mem->note, sizeof(mem->note),
			 "slab objects' bytes / N");
		if (n < 1000) {
			/* A few kB either way in slab caches swamp 10 buffers. */
			mem->counted = false;
			snprintf(mem->note, sizeof(mem->note),
				 "not measured: slab noise swamps %d buffers", n);
		}

		for (r = 0; r < rounds; r++)
			for (k = 0; k < NPAIRS; k++) {
				int pi = pair_order(r, k);
				struct pair *p = &pairs[pi];
				static struct slab_snap s0, s1;
				long slab0, slab1;

				sync();
				slab_snapshot(&s0);
				slab0 = meminfo_kb("Slab");
				populate(p, n);
				slab_snapshot(&s1);
				slab1 = meminfo_kb("Slab");
				rd->cost[pi][r] = read_bufinfo(n);
				mem->cost[pi][r] = (double)(s1.total - s0.total) / n;
				meminfo_slab[pi][r] = (slab1 - slab0) * 1024.0 / n;
				slab_top(&s0, &s1, n, top[pi], sizeof(top[pi]));
				if (pi == OURS && r == 0)
					have_list = list_tool(&list_s[i]);
				depopulate(p, n);
			}
		for (k = 0; k < NPAIRS; k++) {
			per_read[k][i] = median(rd->cost[k], rounds) / n;
			per_mem[k][i] = median(mem->cost[k], rounds);
		}
		if (n < 1000)
			mem->rounds = 0;
		snprintf(mem->extra, sizeof(mem->extra),
			 "\"meminfo_slab_per_buffer\": {\"ours\": %.0f, \"upstream\": %.0f}, \"top_caches_last_round\": {\"ours\": %s, \"upstream\": %s}",
			 median(meminfo_slab[OURS], rounds),
			 median(meminfo_slab[UP], rounds), top[OURS], top[UP]);
		if (i > 0) {
			double o = per_read[OURS][i] / per_read[OURS][i - 1];
			double u = per_read[UP][i] / per_read[UP][i - 1];

			snprintf(rd->extra, sizeof(rd->extra),
				 "\"per_buffer_vs_%d\": {\"ours\": %.3f, \"upstream\": %.3f}",
				 ns[i - 1], o, u);
			snprintf(rd->note + strlen(rd->note),
				 sizeof(rd->note) - strlen(rd->note),
				 "; per buffer vs %d: ours x%.2f, upstream x%.2f",
				 ns[i - 1], o, u);
		}
		if (i > 0 && per_mem[OURS][i - 1] > 0 && per_mem[UP][i - 1] > 0 &&
		    ns[i - 1] >= 1000) {
			double o = per_mem[OURS][i] / per_mem[OURS][i - 1];
			double u = per_mem[UP][i] / per_mem[UP][i - 1];

			snprintf(mem->note + strlen(mem->note),
				 sizeof(mem->note) - strlen(mem->note),
				 "; per buffer vs %d: ours x%.2f, upstream x%.2f",
				 ns[i - 1], o, u);
		}
		note("scale %d: bufinfo ratio %.2f, kmem ratio %.2f (ours %.0f B, upstream %.0f B per buffer)",
		     n, result_ratio(rd, NULL, NULL),
		     result_ratio(mem, NULL, NULL), per_mem[OURS][i],
		     per_mem[UP][i]);
	}

	for (i = 0; i < nn; i++) {
		struct result *res;
		char size[24];

		snprintf(size, sizeof(size), "%d bufs", ns[i]);
		res = result_new("debug-tool-list", size, "s/run",
				 have_list ? 1 : 0);
		res->counted = false;
		if (have_list) {
			/* No upstream counterpart: our time only, no ratio. */
			snprintf(res->note, sizeof(res->note),
				 "dmabuf-inspect list: ours %.3f s (guest time), no upstream counterpart",
				 list_s[i]);
			res->rounds = 0;
		} else {
			snprintf(res->note, sizeof(res->note),
				 "not measured: DRM_BENCH_LIST_CMD is not set (tools/bench/guest.sh sets it)");
		}
	}
}
