// SPDX-License-Identifier: MIT
/*
 * dmabuf-inspect: which dma-buf, exported by whom, imported by whom, held
 * by which process, waiting on which fence, since when. See
 * dmabuf-inspect.1.
 *
 * Usage: dmabuf-inspect [--root DIR] [--timeout MS] COMMAND [OPTIONS]
 */

#define _GNU_SOURCE
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "util.h"

static const char usage_text[] =
	"usage: dmabuf-inspect [--root DIR] [--timeout MS] COMMAND [OPTIONS]\n"
	"\n"
	"  list [--json] [--since SNAPSHOT] [--exporter NAME] [--pid PID]\n"
	"       [--ino INO] [--dark]\n"
	"          every dma-buf: exporter, size, name, fences (state, age),\n"
	"          importers, processes holding it by fd or mapping, GEM\n"
	"          objects and framebuffers behind it, what is on screen\n"
	"  top [--json] [--interval SECONDS] [--count N]\n"
	"          totals per process and per exporter, largest first\n"
	"  hang [--json] [--threshold MS] [--since SNAPSHOT] [--no-wait]\n"
	"          unsignalled fences older than MS (default 1000), who waits\n"
	"          for them; exit status 1 when there is any\n"
	"  snapshot FILE\n"
	"          save the state as JSON (FILE - for stdout)\n"
	"  diff [--json] [--exporter NAME] [--pid PID] [--dark] OLD [NEW]\n"
	"          buffers created since snapshot OLD and not freed (by NEW,\n"
	"          or now); exit status 1 when there is any\n"
	"\n"
	"Exit status 2: bad usage, or it could not look. See dmabuf-inspect(1).\n";

static const struct {
	const char *name;
	int (*fn)(int argc, char **argv, const struct global_opts *g);
} commands[] = {
	{ "list", cmd_list },
	{ "top", cmd_top },
	{ "hang", cmd_hang },
	{ "snapshot", cmd_snapshot },
	{ "diff", cmd_diff },
};

static const struct option global_options[] = {
	{ "root", required_argument, NULL, 'r' },
	{ "timeout", required_argument, NULL, 't' },
	{ "help", no_argument, NULL, 'h' },
	{}
};

int main(int argc, char **argv)
{
	struct global_opts g = { .root = "", .timeout_ms = 5000 };
	unsigned long long v;
	size_t i;
	int opt;

	/* "+": stop at the command, whose options are its own. */
	while ((opt = getopt_long(argc, argv, "+h", global_options, NULL)) != -1) {
		switch (opt) {
		case 'r':
			g.root = optarg;
			break;
		case 't':
			if (!parse_ull(optarg, 10, &v) || !v) {
				fputs(usage_text, stderr);
				return EXIT_CANNOT_TELL;
			}
			g.timeout_ms = v;
			break;
		case 'h':
			fputs(usage_text, stdout);
			return 0;
		default:
			fputs(usage_text, stderr);
			return EXIT_CANNOT_TELL;
		}
	}
	if (optind >= argc) {
		fputs(usage_text, stderr);
		return EXIT_CANNOT_TELL;
	}

	for (i = 0; i < ARRAY_LEN(commands); i++) {
		if (strcmp(argv[optind], commands[i].name))
			continue;
		argc -= optind;
		argv += optind;
		optind = 1;
		return commands[i].fn(argc, argv, &g);
	}
	fprintf(stderr, "dmabuf-inspect: unknown command %s\n\n%s", argv[optind],
		usage_text);
	return EXIT_CANNOT_TELL;
}
