// SPDX-License-Identifier: MIT
/*
 * drm_fuzz: a bounded, seeded, reproducible ioctl fuzzer for drm_vgem_plus
 * and drm_display.
 *
 * Random sequences of the drivers' and the DRM core's ioctls (KMS ones on
 * drm_display's card node), dma-buf and sync_file ioctls, poll, mmap and
 * memory access, event reads, closes and forks, from 1-4 threads over
 * every node of both devices at once, mostly on live objects of a small
 * model and sometimes on stale or boundary values. It does not judge
 * errno values; it fails on its own crash, on an op that hangs, on a
 * broken invariant (see ops_*.c and kms.c), on a dma-buf, object or
 * framebuffer left behind, and with --kmemleak on a leak in either
 * module.
 *
 * One generator per thread, seeded from --seed: with --threads 1 a seed
 * replays the same ops (and the --verbose log is the same).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fuzz.h"

struct options g_opt = {
	.ops = 300000,
	.threads = 3,
	.watchdog = 20,
	.display_fence_ms = 200,
};

#define REPLAY_VM "tools/vm/vm-run --module drm_vgem_plus/drm_vgem_plus.ko --module drm_display/drm_display.ko --"

struct ctx g_ctx[MAX_THREADS];
volatile sig_atomic_t g_stop;
volatile sig_atomic_t g_failed;
s64 g_start_ms;

static volatile int watchdog_done;

s64 now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (s64)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void usage(void)
{
	fprintf(stderr,
		"usage: drm_fuzz [--ops N] [--seconds S] [--seed N] [--threads T]\n"
		"                [--verbose] [--failslab PERCENT] [--kmemleak]\n"
		"                [--watchdog S] [--failslab-module M]\n"
		"                [--display-fence-ms MS]\n"
		"  --ops N          ops in all (default 300000), split over the threads\n"
		"  --seconds S      stop after S seconds too (default: no limit)\n"
		"  --seed N         default: from the clock; printed first\n"
		"  --threads T      1-4 (default 3); --threads 1 replays a seed exactly\n"
		"  --verbose        log every op with its arguments and result\n"
		"  --failslab P     fail P%% of one module's slab allocations\n"
		"  --failslab-module M  drm_vgem_plus or drm_display (default: from\n"
		"                   the seed, seed %% 2: 0 drm_vgem_plus, 1 drm_display)\n"
		"  --kmemleak       fail on kmemleak reports that mention our modules\n"
		"  --display-fence-ms MS  drm_display's fence_timeout_ms for the run\n"
		"                   (default 200, fence_skip Y; 0: leave both)\n"
		"  --watchdog S     an op taking longer fails the run (default 20)\n"
		"exit: 0 done, 1 failure found, 2 usage or set-up error, 77 a\n"
		"requested kernel feature is missing\n");
	exit(2);
}

static unsigned long long num_arg(const char *s, unsigned long long max)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno || *end || !*s || v > max)
		usage();
	return v;
}

static void parse_args(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "ops", required_argument, NULL, 'o' },
		{ "seconds", required_argument, NULL, 's' },
		{ "seed", required_argument, NULL, 'S' },
		{ "threads", required_argument, NULL, 't' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "failslab", required_argument, NULL, 'f' },
		{ "kmemleak", no_argument, NULL, 'k' },
		{ "watchdog", required_argument, NULL, 'w' },
		{ "failslab-module", required_argument, NULL, 'm' },
		{ "display-fence-ms", required_argument, NULL, 'D' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	bool seeded = false;
	struct timespec ts;
	int o;

	while ((o = getopt_long(argc, argv, "", lo, NULL)) != -1) {
		switch (o) {
		case 'o': g_opt.ops = num_arg(optarg, 1UL << 40); break;
		case 's': g_opt.seconds = num_arg(optarg, 1U << 30); break;
		case 'S': g_opt.seed = num_arg(optarg, ~0ULL); seeded = true; break;
		case 't': g_opt.threads = num_arg(optarg, MAX_THREADS); break;
		case 'v': g_opt.verbose = true; break;
		case 'f': g_opt.failslab = num_arg(optarg, 100); break;
		case 'k': g_opt.kmemleak = true; break;
		case 'w': g_opt.watchdog = num_arg(optarg, 3600); break;
		case 'm':
			if (strcmp(optarg, "drm_vgem_plus") &&
			    strcmp(optarg, "drm_display"))
				usage();
			g_opt.failslab_module = optarg;
			break;
		case 'D': g_opt.display_fence_ms = num_arg(optarg, 60000); break;
		default: usage();
		}
	}
	if (optind != argc || !g_opt.threads || g_opt.watchdog < 3)
		usage();
	if (!seeded) {
		clock_gettime(CLOCK_REALTIME, &ts);
		g_opt.seed = ((u64)ts.tv_sec * 1000000007ULL) ^ (u64)ts.tv_nsec ^
			     ((u64)getpid() << 32);
	}
}

static void on_interrupt(int sig)
{
	(void)sig;
}

static void signals_setup(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_interrupt;	/* no SA_RESTART: ioctls see EINTR */
	sigaction(SIGUSR1, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	crash_handlers_install();
}

/* Each device's card and render node, before any thread starts. */
static void open_initial_files(void)
{
	unsigned int i, n;
	struct ent *e;
	int fd;

	for (i = 0; i < g_ndevices; i++) {
		for (n = 0; n < NODE_KINDS; n++) {
			if (!g_devices[i].path[n][0])
				continue;
			fd = open(g_devices[i].path[n], O_RDWR | O_CLOEXEC);
			if (fd < 0)
				continue;
			e = ent_new(K_DEV);
			e->fd = fd;
			e->devi = i;
			e->node = (enum node_kind)n;
			kms_file_opened(NULL, e);
		}
	}
}

static void print_setup(void)
{
	unsigned int i;

	for (i = 0; i < g_ndevices; i++)
		out("fuzz: device %s: %s%s%s\n", g_devices[i].type->name,
		    g_devices[i].path[NODE_CARD],
		    g_devices[i].path[NODE_RENDER][0] ? " " : "",
		    g_devices[i].path[NODE_RENDER]);
	out("fuzz: %lu ops, %u thread%s%s, watchdog %u s\n", g_opt.ops,
	    g_opt.threads, g_opt.threads == 1 ? "" : "s",
	    g_opt.seconds ? ", time limit set" : "", g_opt.watchdog);
}

static bool time_is_up(void)
{
	return g_opt.seconds &&
	       now_ms() - g_start_ms >= (s64)g_opt.seconds * 1000;
}

static void *worker(void *arg)
{
	struct ctx *c = arg;
	unsigned long budget = g_opt.ops / g_opt.threads +
			       ((unsigned long)c->thread < g_opt.ops % g_opt.threads);

	set_tls_ctx(c);
	sys_thread_init(c);
	for (c->opi = 0; c->opi < budget && !g_stop && !time_is_up(); c->opi++) {
		run_op(c, draw_op(c));
		c->ops_done++;
	}
	/* Fence reaping continues the op numbering of this context. */
	signal_own_fences(c);
	sys_thread_fini(c);
	return NULL;
}

static void report_hang(struct ctx *c)
{
	char path[64], stack[4096];

	failslab_stop();
	out("fuzz: FAIL: op %.*s hangs for more than %u s\n", (int)c->dlen,
	    c->desc, g_opt.watchdog);
	snprintf(path, sizeof(path), "/proc/self/task/%d/stack", (int)c->tid);
	if (read_file(path, stack, sizeof(stack)))
		out("fuzz: kernel stack of thread %d:\n%s", c->thread, stack);
	out("fuzz: replay: " REPLAY_VM " build/tools/drm_fuzz --seed %llu --ops %lu --threads %u --verbose\n",
	    (unsigned long long)g_opt.seed, g_opt.ops, g_opt.threads);
	_exit(1);
}

static void *watchdog(void *arg)
{
	s64 since;
	unsigned int t;

	(void)arg;
	while (!watchdog_done) {
		usleep(250000);
		for (t = 0; t < g_opt.threads; t++) {
			since = g_ctx[t].busy_since;
			if (since && now_ms() - since > (s64)g_opt.watchdog * 1000)
				report_hang(&g_ctx[t]);
		}
	}
	return NULL;
}

static unsigned long run_threads(void)
{
	pthread_t th[MAX_THREADS], wd;
	unsigned long total = 0;
	unsigned int t;

	pthread_create(&wd, NULL, watchdog, NULL);
	for (t = 0; t < g_opt.threads; t++) {
		g_ctx[t].thread = (int)t;
		g_ctx[t].cell = (int)t;
		rng_seed(&g_ctx[t].rng, g_opt.seed, t);
		if (pthread_create(&th[t], NULL, worker, &g_ctx[t])) {
			out("fuzz: cannot start thread %u\n", t);
			exit(2);
		}
	}
	for (t = 0; t < g_opt.threads; t++) {
		pthread_join(th[t], NULL);
		total += g_ctx[t].ops_done;
	}
	watchdog_done = 1;
	pthread_join(wd, NULL);
	return total;
}

/*
 * The kernel prints a failure's header line outside the lock that keeps
 * its stack together: a failure on another CPU could cut a stack in two
 * in the log. On one CPU (threads and children inherit it) they cannot.
 */
static void pin_to_one_cpu(void)
{
	cpu_set_t set;
	int cpu = sched_getcpu();

	CPU_ZERO(&set);
	CPU_SET(cpu < 0 ? 0 : cpu, &set);
	if (sched_setaffinity(0, sizeof(set), &set))
		out("fuzz: failslab: cannot pin to one CPU: %s\n", strerror(errno));
	else
		out("fuzz: failslab: running on CPU %d only, so that failure reports do not interleave\n",
		    cpu < 0 ? 0 : cpu);
}

/* Fault injection and kmemleak first; 77 when the kernel lacks them. */
static void kdebug_setup(void)
{
	int ret;

	if (g_opt.kmemleak && (ret = kmemleak_setup()))
		exit(ret);
	if (g_opt.failslab) {
		kmsg_start();
		ret = failslab_setup(g_opt.failslab);
		if (ret)
			exit(ret);
		pin_to_one_cpu();
	}
}

static void finish(unsigned long total)
{
	if (g_opt.failslab)
		failslab_stop();
	/* Events and out-fences owed must come while the files are open. */
	kms_final_check();
	close_everything();
	kms_reset_display();
	if (leak_check()) {
		out("fuzz: FAIL: dma-bufs, objects or framebuffers left behind after closing everything\n");
		g_failed = 1;
	}
	kms_params_restore();
	if (g_opt.failslab) {
		kmsg_stop();
		failslab_report();
	}
	if (g_opt.kmemleak && kmemleak_check())
		g_failed = 1;
	print_summary(total);
	out("fuzz: %s after %.1f s\n", g_failed ? "FAILED" : "done",
	    (double)(now_ms() - g_start_ms) / 1000);
	if (g_failed)
		out("fuzz: replay: " REPLAY_VM " build/tools/drm_fuzz --seed %llu --ops %lu --threads 1 --verbose%s\n",
		    (unsigned long long)g_opt.seed, g_opt.ops,
		    g_opt.threads > 1 ? " (a failure with more threads may need them to show again)" : "");
}

int main(int argc, char **argv)
{
	unsigned long total;

	parse_args(argc, argv);
	out("fuzz: seed %llu\n", (unsigned long long)g_opt.seed);
	signals_setup();
	if (!devices_discover()) {
		out("fuzz: no drm_vgem_plus or drm_display device (are the modules loaded?)\n");
		return 2;
	}
	print_setup();
	kms_discover();
	leak_baseline();
	kdebug_setup();
	kms_params_setup();
	g_start_ms = now_ms();
	open_initial_files();
	total = run_threads();
	finish(total);
	return g_failed ? 1 : 0;
}
