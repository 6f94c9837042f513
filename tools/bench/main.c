// SPDX-License-Identifier: MIT
/*
 * drm_bench: drm_vgem_plus + drm_display against upstream vgem + vkms, in
 * the same guest, each measurement on both pairs in alternating rounds.
 * Run by tools/bench/run.sh (make bench) inside the VM, with the four
 * modules loaded.
 *
 * Usage: drm_bench [--rounds N] [--quick] [--only NAME]
 *                  [--json FILE] [--table FILE] [--icount SHIFT]
 *                  [--swap-exporters]
 *        drm_bench --profile OP --graph FUNCS --trace-dir DIR
 *                  [--depth N] [--filter FUNCS] [--profile-ops N]
 *                  (see profile.c)
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bench.h"

struct opts opt = { .rounds = 5, .icount = -1, .depth = 3, .profile_ops = 50 };

struct pair pairs[NPAIRS] = {
	[OURS] = {
		.label = "ours",
		.exp_name = "vgem_plus",
		.disp_name = "drm_display",
		.trace_fn = "display_compose",
	},
	[UP] = {
		.label = "upstream",
		.exp_name = "vgem",
		.disp_name = "vkms",
		.trace_fn = "compose_active_planes",
	},
};

static const struct {
	const char *name;
	void (*run)(void);
} measurements[] = {
	/* First, while nothing else has run: see bench_fence(). */
	{ "fence", bench_fence },
	{ "prime", bench_prime },
	{ "touch", bench_touch },
	{ "compose", bench_compose },
	{ "scale", bench_scale },
};

static void usage(void)
{
	fprintf(stderr,
		"usage: drm_bench [--rounds N] [--quick] [--only NAME] [--json FILE] [--table FILE] [--icount SHIFT] [--swap-exporters]\n"
		"       drm_bench --profile prime:SIZE|touch:SIZE --graph 'FUNC...' --trace-dir DIR [--depth N] [--filter FUNCS] [--profile-ops N]\n"
		"  NAME: prime, touch, fence, compose or scale\n");
	exit(2);
}

static void parse(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "rounds", required_argument, NULL, 'r' },
		{ "quick", no_argument, NULL, 'q' },
		{ "only", required_argument, NULL, 'o' },
		{ "json", required_argument, NULL, 'j' },
		{ "table", required_argument, NULL, 't' },
		{ "icount", required_argument, NULL, 'i' },
		{ "swap-exporters", no_argument, NULL, 'x' },
		{ "profile", required_argument, NULL, 'P' },
		{ "graph", required_argument, NULL, 'g' },
		{ "depth", required_argument, NULL, 'd' },
		{ "filter", required_argument, NULL, 'f' },
		{ "trace-dir", required_argument, NULL, 'T' },
		{ "profile-ops", required_argument, NULL, 'n' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	int c;

	while ((c = getopt_long(argc, argv, "", lo, NULL)) != -1) {
		switch (c) {
		case 'r':
			opt.rounds = atoi(optarg);
			if (opt.rounds < 1 || opt.rounds > MAX_ROUNDS)
				die("--rounds: 1 to %d", MAX_ROUNDS);
			break;
		case 'q':
			opt.quick = true;
			break;
		case 'o':
			opt.only = optarg;
			break;
		case 'j':
			opt.json = optarg;
			break;
		case 't':
			opt.table = optarg;
			break;
		case 'x':
			/* Diagnosis: which half of a pair makes a difference. */
			pairs[OURS].exp_name = "vgem";
			pairs[UP].exp_name = "vgem_plus";
			break;
		case 'i':
			opt.icount = atoi(optarg);
			break;
		case 'P':
			opt.profile = optarg;
			break;
		case 'g':
			opt.graph = optarg;
			break;
		case 'd':
			opt.depth = atoi(optarg);
			break;
		case 'f':
			opt.filter = optarg;
			break;
		case 'T':
			opt.trace_dir = optarg;
			break;
		case 'n':
			opt.profile_ops = atoi(optarg);
			break;
		default:
			usage();
		}
	}
	if (optind != argc)
		usage();
}

int main(int argc, char **argv)
{
	unsigned int i;

	parse(argc, argv);
	setvbuf(stdout, NULL, _IOLBF, 0);

	for (i = 0; i < NPAIRS; i++) {
		struct pair *p = &pairs[i];

		dev_open(&p->exp, p->exp_name);
		dev_open(&p->disp, p->disp_name);
		if (strcmp(p->exp.driver, "vgem"))
			die("%s reports driver %s, not vgem", p->exp_name,
			    p->exp.driver);
		kms_init(p);
		note("%s: exporter card%d (%s, driver %s), display card%d (driver %s)",
		     p->label, p->exp.minor, p->exp.platform, p->exp.driver,
		     p->disp.minor, p->disp.driver);
	}

	if (opt.profile) {
		bench_profile();
		return 0;
	}

	for (i = 0; i < sizeof(measurements) / sizeof(measurements[0]); i++) {
		if (opt.only && strcmp(opt.only, measurements[i].name))
			continue;
		note("--- %s (guest clock %.1f s)", measurements[i].name,
		     now_s());
		/*
		 * Let the work the previous measurement left behind (freeing
		 * buffers, deferred fputs) finish before timing anything.
		 */
		sync();
		sleep_s(0.5);
		measurements[i].run();
	}

	if (opt.json)
		results_json(opt.json);
	results_print();
	return 0;
}
