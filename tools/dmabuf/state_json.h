/* SPDX-License-Identifier: MIT */
/*
 * The state as JSON: what "list --json" prints and "snapshot" saves, and
 * back ("diff" and "--since" read snapshots). The format is described in
 * dmabuf-inspect.1.
 */
#ifndef DMABUF_STATE_JSON_H
#define DMABUF_STATE_JSON_H

#include <stdio.h>

#include "json_read.h"
#include "json_write.h"
#include "state.h"

#define STATE_JSON_FORMAT 1

/* The whole state as one JSON document. */
void state_write_json(const struct state *s, FILE *f);

/* Members of one buffer, inside an object the caller opened. */
void dbuf_write_json(const struct state *s, const struct dbuf *b,
		     struct json_writer *w);
/* The notes (what the tool could not see) as the array "notes". */
void notes_write_json(char *const *notes, size_t n, struct json_writer *w);
/* One drm_display wait as an object named @key (NULL in an array). */
void wait_write_json(const struct wait_ref *wr, const char *key,
		     struct json_writer *w);

/*
 * Reads back what state_write_json() wrote: time, buffers with their
 * fences, importers, fds and mappings (not GEM objects, framebuffers or
 * waits). Returns 0, or -EINVAL with a message in @err.
 */
int state_read_json(const struct json_value *root, struct state *s,
		    char *err, size_t errlen);
/* The same from the file @path. */
int state_load(const char *path, struct state *s, char *err, size_t errlen);

#endif /* DMABUF_STATE_JSON_H */
