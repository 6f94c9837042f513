/* SPDX-License-Identifier: MIT */
/*
 * The subcommands of dmabuf-inspect. Each parses its own options from
 * @argv (argv[0] is the subcommand) and returns the exit status.
 */
#ifndef DMABUF_CMD_H
#define DMABUF_CMD_H

#include <stdbool.h>

#include "state.h"

/* Exit status when the tool could not look, or was used wrongly. */
#define EXIT_CANNOT_TELL 2

/**
 * struct global_opts - options before the subcommand
 * @root: --root: read the kernel's files under this directory
 * @timeout_ms: --timeout: bound on reading bufinfo
 */
struct global_opts {
	const char *root;
	int timeout_ms;
};

/**
 * struct buffer_filter - which buffers a listing shows
 * @exporter: only this exporter, NULL for any
 * @pid: only buffers this process holds (fd, mapping, GEM handle,
 *       framebuffer), 0 for any
 * @ino: only this buffer, 0 for any
 * @dark: only dark buffers
 */
struct buffer_filter {
	const char *exporter;
	int pid;
	unsigned long ino;
	bool dark;
};

bool filter_match(const struct buffer_filter *flt, const struct dbuf *b);
/* Whether process @pid has @b open by an fd or mapped. */
bool dbuf_held_by_fd_or_map(const struct dbuf *b, int pid);
/* Parses --exporter, --pid, --ino, --dark; false when @opt is none. */
bool filter_option(struct buffer_filter *flt, int opt, const char *arg);

/* Collects with the global options and, when @since is set, that snapshot. */
void collect_with(struct state *s, const struct global_opts *g,
		  const struct state *since);
/* Loads @path into @s for --since, or exits with a message. */
void load_or_die(const char *path, struct state *s);

int cmd_list(int argc, char **argv, const struct global_opts *g);
int cmd_top(int argc, char **argv, const struct global_opts *g);
int cmd_hang(int argc, char **argv, const struct global_opts *g);
int cmd_snapshot(int argc, char **argv, const struct global_opts *g);
int cmd_diff(int argc, char **argv, const struct global_opts *g);

#endif /* DMABUF_CMD_H */
