// SPDX-License-Identifier: MIT
/*
 * Which buffers a listing shows, and the helpers every subcommand shares.
 */

#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "state_json.h"
#include "util.h"

bool dbuf_held_by_fd_or_map(const struct dbuf *b, int pid)
{
	size_t i;

	for (i = 0; i < b->num_fds; i++)
		if (b->fds[i].pid == pid)
			return true;
	for (i = 0; i < b->num_maps; i++)
		if (b->maps[i].pid == pid)
			return true;
	return false;
}

/* ... or through a GEM handle or a framebuffer. */
static bool held_by(const struct dbuf *b, int pid)
{
	size_t i, j;

	if (dbuf_held_by_fd_or_map(b, pid))
		return true;
	for (i = 0; i < b->num_gems; i++)
		for (j = 0; j < b->gems[i].num_handles; j++)
			if (b->gems[i].handles[j].pid == pid)
				return true;
	for (i = 0; i < b->num_fbs; i++)
		if (b->fbs[i].owner_pid == pid)
			return true;
	return false;
}

bool filter_match(const struct buffer_filter *flt, const struct dbuf *b)
{
	if (flt->exporter &&
	    (!b->exporter || strcmp(flt->exporter, b->exporter)))
		return false;
	if (flt->ino && b->ino != flt->ino)
		return false;
	if (flt->dark && !b->dark)
		return false;
	return !flt->pid || held_by(b, flt->pid);
}

bool filter_option(struct buffer_filter *flt, int opt, const char *arg)
{
	unsigned long long v;

	switch (opt) {
	case 'e':
		flt->exporter = arg;
		return true;
	case 'p':
	case 'i':
		if (!parse_ull(arg, 10, &v) || !v) {
			fprintf(stderr, "dmabuf-inspect: bad number: %s\n", arg);
			exit(EXIT_CANNOT_TELL);
		}
		if (opt == 'p')
			flt->pid = v;
		else
			flt->ino = v;
		return true;
	case 'd':
		flt->dark = true;
		return true;
	default:
		return false;
	}
}

void collect_with(struct state *s, const struct global_opts *g,
		  const struct state *since)
{
	struct collect_opts opts = {
		.root = g->root,
		.timeout_ms = g->timeout_ms,
		.since = since,
	};

	state_collect(s, &opts);
}

void load_or_die(const char *path, struct state *s)
{
	char err[256];

	if (state_load(path, s, err, sizeof(err))) {
		fprintf(stderr, "dmabuf-inspect: %s\n", err);
		exit(EXIT_CANNOT_TELL);
	}
}
