// SPDX-License-Identifier: MIT
/*
 * Parser of drm_vgem_plus's debugfs "objects": see vgem_debugfs_parse.h.
 */

#include <stdlib.h>
#include <string.h>

#include "tokens.h"
#include "util.h"
#include "vgem_debugfs_parse.h"

static void parse_object(const struct tokens *t, struct vgem_object *o)
{
	unsigned long long v = 0;
	long long age = 0;
	int i;

	tokens_ull(t, "object", &v);
	o->id = v;
	tokens_ull(t, "size", &o->size);
	tokens_ull(t, "creator", &v);
	o->creator_pid = v;
	/* The creator's command follows its pid, without a key. */
	i = tokens_find(t, "creator", 0);
	o->creator_comm = xstrdup(i >= 0 && (size_t)i + 2 < t->n ?
				  t->word[i + 2] : "");
	tokens_ll(t, "age-ms", &age);
	o->age_ms = age;
}

/* The timeline may hold spaces: it runs up to the last "seq". */
static bool parse_fence(const struct tokens *t, struct vgem_fence *f)
{
	unsigned long long seqno;
	long long v;
	int seq = -1, i;

	for (i = 3; (i = tokens_find(t, "seq", i)) >= 0; i++)
		seq = i;
	if (t->n < 4 || seq < 0 || (size_t)seq + 2 >= t->n ||
	    !parse_ull(t->word[seq + 1], 10, &seqno))
		return false;

	f->usage = xstrdup(t->word[1]);
	f->driver = xstrdup(t->word[2]);
	f->timeline = tokens_join(t, 3, seq);
	f->seqno = seqno;
	f->signalled = !strcmp(t->word[seq + 2], "signalled");
	f->error = tokens_ll(t, "error", &v) ? (int)v : 0;
	f->age_ms = tokens_ll(t, "age-ms", &v) ? v : -1;
	return true;
}

static void parse_object_detail(const struct tokens *t, struct vgem_object *o)
{
	const char *what = t->word[0];
	unsigned long long ino = 0;
	struct vgem_fence *f;
	char **dev;

	if (!strcmp(what, "exported") || !strcmp(what, "imported")) {
		tokens_ull(t, "ino", &ino);
		if (what[0] == 'e') {
			o->exported_ino = ino;
			free(o->exported_name);
			o->exported_name = tokens_dup(t, "name");
		} else {
			o->imported_ino = ino;
		}
	} else if (!strcmp(what, "importer") && t->n >= 2) {
		dev = ARRAY_PUSH(o->importers, o->num_importers,
				 o->cap_importers);
		*dev = xstrdup(t->word[1]);
	} else if (!strcmp(what, "fence")) {
		f = ARRAY_PUSH(o->fences, o->num_fences, o->cap_fences);
		if (!parse_fence(t, f))
			o->num_fences--;
	} else if (!strcmp(what, "reservation")) {
		o->resv_locked = true;
	}
}

static void parse_client(const struct tokens *t, struct vgem_client *c)
{
	unsigned long long v = 0;

	tokens_ull(t, "client", &c->id);
	tokens_ull(t, "pid", &v);
	c->pid = v;
	c->comm = tokens_dup(t, "comm");
}

static void parse_handle(const struct tokens *t, struct vgem_client *c)
{
	unsigned long long h, o;
	struct vgem_handle *vh;

	if (!tokens_ull(t, "handle", &h) || !tokens_ull(t, "object", &o))
		return;
	vh = ARRAY_PUSH(c->handles, c->num_handles, c->cap_handles);
	vh->handle = h;
	vh->object = o;
}

/* A tab-indented line belongs to the record above it. */
static void parse_line(struct vgem_objects *vo, const char *line)
{
	bool detail = line[0] == '\t';
	struct tokens t;

	tokens_split(line, &t);
	if (!t.n)
		goto out;
	if (!detail && !strcmp(t.word[0], "object"))
		parse_object(&t, ARRAY_PUSH(vo->objects, vo->num_objects,
					    vo->cap_objects));
	else if (!detail && !strcmp(t.word[0], "client"))
		parse_client(&t, ARRAY_PUSH(vo->clients, vo->num_clients,
					    vo->cap_clients));
	else if (!detail && !strcmp(t.word[0], "total"))
		vo->has_total = true;
	else if (detail && !strcmp(t.word[0], "handle") && vo->num_clients)
		parse_handle(&t, &vo->clients[vo->num_clients - 1]);
	else if (detail && vo->num_objects && !vo->num_clients)
		parse_object_detail(&t, &vo->objects[vo->num_objects - 1]);
out:
	tokens_free(&t);
}

bool vgem_objects_parse(const char *text, struct vgem_objects *vo)
{
	char *copy = xstrdup(text), *line, *next;

	memset(vo, 0, sizeof(*vo));
	for (line = copy; line && *line; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		parse_line(vo, line);
	}
	free(copy);
	return vo->has_total;
}

static void fence_free(struct vgem_fence *f)
{
	free(f->usage);
	free(f->driver);
	free(f->timeline);
}

void vgem_objects_free(struct vgem_objects *vo)
{
	struct vgem_object *o;
	size_t i, j;

	for (i = 0; i < vo->num_objects; i++) {
		o = &vo->objects[i];
		free(o->creator_comm);
		free(o->exported_name);
		for (j = 0; j < o->num_importers; j++)
			free(o->importers[j]);
		free(o->importers);
		for (j = 0; j < o->num_fences; j++)
			fence_free(&o->fences[j]);
		free(o->fences);
	}
	free(vo->objects);
	for (i = 0; i < vo->num_clients; i++) {
		free(vo->clients[i].comm);
		free(vo->clients[i].handles);
	}
	free(vo->clients);
	memset(vo, 0, sizeof(*vo));
}

const struct vgem_object *vgem_object_by_ino(const struct vgem_objects *vo,
					     unsigned long ino)
{
	size_t i;

	for (i = 0; i < vo->num_objects; i++)
		if (vo->objects[i].exported_ino == ino ||
		    vo->objects[i].imported_ino == ino)
			return &vo->objects[i];
	return NULL;
}
