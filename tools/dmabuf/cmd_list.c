// SPDX-License-Identifier: MIT
/*
 * "list": every dma-buf with everything known about it.
 */

#define _GNU_SOURCE
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "cmd.h"
#include "json_write.h"
#include "print.h"
#include "state_json.h"

static const struct option list_options[] = {
	{ "json", no_argument, NULL, 'j' },
	{ "since", required_argument, NULL, 's' },
	{ "exporter", required_argument, NULL, 'e' },
	{ "pid", required_argument, NULL, 'p' },
	{ "ino", required_argument, NULL, 'i' },
	{ "dark", no_argument, NULL, 'd' },
	{}
};

static void list_json(const struct state *s, const struct buffer_filter *flt)
{
	struct state shown = *s;
	struct dbuf *bufs = calloc(s->num_bufs ? s->num_bufs : 1, sizeof(*bufs));
	size_t i;

	/* A shallow copy that lists only the chosen buffers. */
	shown.num_bufs = 0;
	shown.bufs = bufs;
	for (i = 0; i < s->num_bufs; i++)
		if (filter_match(flt, &s->bufs[i]))
			bufs[shown.num_bufs++] = s->bufs[i];
	state_write_json(&shown, stdout);
	free(bufs);
}

static void list_text(const struct state *s, const struct buffer_filter *flt)
{
	size_t i;

	for (i = 0; i < s->num_bufs; i++) {
		if (!filter_match(flt, &s->bufs[i]))
			continue;
		print_buffer(stdout, s, &s->bufs[i]);
	}
	print_totals(stdout, s);
	print_notes(stdout, s);
}

int cmd_list(int argc, char **argv, const struct global_opts *g)
{
	struct buffer_filter flt = {};
	struct state s, since, *sincep = NULL;
	bool json = false;
	int opt;

	while ((opt = getopt_long(argc, argv, "", list_options, NULL)) != -1) {
		if (filter_option(&flt, opt, optarg))
			continue;
		switch (opt) {
		case 'j':
			json = true;
			break;
		case 's':
			load_or_die(optarg, &since);
			sincep = &since;
			break;
		default:
			return EXIT_CANNOT_TELL;
		}
	}
	if (optind != argc) {
		fprintf(stderr, "dmabuf-inspect list: unexpected %s\n", argv[optind]);
		return EXIT_CANNOT_TELL;
	}

	collect_with(&s, g, sincep);
	if (json)
		list_json(&s, &flt);
	else
		list_text(&s, &flt);
	state_free(&s);
	if (sincep)
		state_free(sincep);
	return 0;
}
