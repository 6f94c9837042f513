// SPDX-License-Identifier: MIT
/*
 * The state as JSON and back: see state_json.h.
 */

#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "state_json.h"
#include "util.h"

/* ---- writing ----------------------------------------------------------- */

static void write_source(struct json_writer *w, const char *key,
			 const struct source_status *src)
{
	json_object_begin(w, key);
	json_string(w, "path", src->path);
	json_bool(w, "ok", src->ok);
	json_string(w, "error", src->ok ? NULL : strerror(src->err));
	json_object_end(w);
}

static void write_sources(const struct state *s, struct json_writer *w)
{
	json_object_begin(w, "sources");
	write_source(w, "bufinfo", &s->bufinfo);
	write_source(w, "sysfs_stats", &s->sysfs);
	write_source(w, "drm_debugfs", &s->debugfs_dri);
	json_object_begin(w, "processes");
	json_uint(w, "seen", s->procs_seen);
	json_uint(w, "unreadable", s->procs_denied);
	json_object_end(w);
	json_object_end(w);
}

/* "a b,c" split at @sep into an array of strings. */
static void write_list(struct json_writer *w, const char *key,
		       const char *list, char sep)
{
	const char *p = list, *end;

	json_array_begin(w, key);
	while (p && *p) {
		end = strchr(p, sep);
		if (!end)
			end = p + strlen(p);
		if (end > p) {
			char *item = xstrndup(p, end - p);

			json_string(w, NULL, item);
			free(item);
		}
		p = *end ? end + 1 : end;
	}
	json_array_end(w);
}

static void write_devices(const struct state *s, struct json_writer *w)
{
	const struct drm_dev_info *d;
	size_t i;

	json_array_begin(w, "devices");
	for (i = 0; i < s->num_devs; i++) {
		d = &s->devs[i];
		json_object_begin(w, NULL);
		json_string(w, "device", d->device);
		json_string(w, "driver", *d->driver ? d->driver : NULL);
		json_string(w, "kind", d->kind);
		json_string(w, "debugfs", *d->dir ? d->dir : NULL);
		write_list(w, "nodes", d->nodes, ' ');
		json_object_end(w);
	}
	json_array_end(w);
}

static void write_fence(const struct fence_info *f, struct json_writer *w)
{
	json_object_begin(w, NULL);
	json_string(w, "usage", f->usage);
	json_string(w, "driver", f->driver);
	json_string(w, "timeline", f->timeline);
	json_uint(w, "seqno", f->seqno);
	json_bool(w, "signalled", f->signalled);
	if (f->error_known)
		json_int(w, "error", f->error);
	else
		json_null(w, "error");
	if (f->age_ms >= 0)
		json_int(w, "age_ms", f->age_ms);
	else
		json_null(w, "age_ms");
	json_string(w, "age_source", age_source_name(f->age_source));
	json_bool(w, "age_is_lower_bound",
		  f->age_ms >= 0 && f->age_source != AGE_VGEM);
	json_object_end(w);
}

static void write_proc_refs(struct json_writer *w, const char *key,
			    const struct proc_ref *r, size_t n)
{
	char addr[32];
	size_t i;

	json_array_begin(w, key);
	for (i = 0; i < n; i++) {
		json_object_begin(w, NULL);
		json_int(w, "pid", r[i].pid);
		json_string(w, "comm", r[i].comm);
		if (r[i].fd >= 0) {
			json_int(w, "fd", r[i].fd);
		} else {
			snprintf(addr, sizeof(addr), "0x%llx", r[i].start);
			json_string(w, "start", addr);
			snprintf(addr, sizeof(addr), "0x%llx", r[i].end);
			json_string(w, "end", addr);
			json_string(w, "perms", r[i].perms);
		}
		json_object_end(w);
	}
	json_array_end(w);
}

static void write_gem(const struct gem_ref *g, struct json_writer *w)
{
	const struct gem_handle_ref *h;
	size_t i;

	json_object_begin(w, NULL);
	json_string(w, "driver", g->driver);
	json_uint(w, "object", g->object);
	json_bool(w, "imported", g->imported);
	json_int(w, "creator_pid", g->creator_pid);
	json_string(w, "creator_comm", g->creator_comm);
	json_array_begin(w, "handles");
	for (i = 0; i < g->num_handles; i++) {
		h = &g->handles[i];
		json_object_begin(w, NULL);
		json_uint(w, "client", h->client);
		json_uint(w, "handle", h->handle);
		json_int(w, "pid", h->pid);
		json_string(w, "comm", h->comm);
		if (h->fd >= 0)
			json_int(w, "fd", h->fd);
		else
			json_null(w, "fd");
		json_object_end(w);
	}
	json_array_end(w);
	json_object_end(w);
}

static void write_fb(const struct fb_ref *fb, struct json_writer *w)
{
	json_object_begin(w, NULL);
	json_string(w, "device", fb->device);
	json_uint(w, "fb", fb->fb);
	json_int(w, "owner_pid", fb->owner_pid);
	json_string(w, "owner_comm", fb->owner_comm);
	write_list(w, "shown_on", fb->shown_on, ',');
	write_list(w, "committed_on", fb->committed_on, ',');
	write_list(w, "waiting_on", fb->waiting_on, ',');
	json_object_end(w);
}

void notes_write_json(char *const *notes, size_t n, struct json_writer *w)
{
	size_t i;

	json_array_begin(w, "notes");
	for (i = 0; i < n; i++)
		json_string(w, NULL, notes[i]);
	json_array_end(w);
}

void wait_write_json(const struct wait_ref *wr, const char *key,
		     struct json_writer *w)
{
	json_object_begin(w, key);
	json_string(w, "device", wr->device);
	json_string(w, "plane", wr->plane);
	json_string(w, "crtc", wr->crtc);
	json_int(w, "since_ms", wr->since_ms);
	json_object_begin(w, "fence");
	json_string(w, "driver", wr->driver);
	json_string(w, "timeline", wr->timeline);
	json_uint(w, "seqno", wr->seqno);
	json_object_end(w);
	json_uint(w, "ino", wr->ino);
	json_int(w, "committer_pid", wr->committer_pid);
	json_string(w, "committer_comm", wr->committer_comm);
	json_bool(w, "on_buffer", wr->on_buffer);
	json_object_end(w);
}

void dbuf_write_json(const struct state *s, const struct dbuf *b,
		     struct json_writer *w)
{
	size_t i;

	json_uint(w, "ino", b->ino);
	json_string(w, "exporter", b->exporter);
	json_uint(w, "size", b->size);
	json_string(w, "name", b->name);
	if (b->count >= 0)
		json_int(w, "count", b->count);
	else
		json_null(w, "count");
	json_uint(w, "flags", b->flags);
	json_uint(w, "mode", b->mode);
	json_string(w, "source", b->source);
	if (s->dark_known)
		json_bool(w, "dark", b->dark);
	else
		json_null(w, "dark");
	json_array_begin(w, "fences");
	for (i = 0; i < b->num_fences; i++)
		write_fence(&b->fences[i], w);
	json_array_end(w);
	json_array_begin(w, "importers");
	for (i = 0; i < b->num_importers; i++)
		json_string(w, NULL, b->importers[i]);
	json_array_end(w);
	write_proc_refs(w, "fds", b->fds, b->num_fds);
	write_proc_refs(w, "maps", b->maps, b->num_maps);
	json_array_begin(w, "gem");
	for (i = 0; i < b->num_gems; i++)
		write_gem(&b->gems[i], w);
	json_array_end(w);
	json_array_begin(w, "framebuffers");
	for (i = 0; i < b->num_fbs; i++)
		write_fb(&b->fbs[i], w);
	json_array_end(w);
	json_array_begin(w, "waits");
	for (i = 0; i < s->num_waits; i++)
		if (s->waits[i].ino == b->ino)
			wait_write_json(&s->waits[i], NULL, w);
	json_array_end(w);
}

static void write_totals(const struct state *s, struct json_writer *w)
{
	unsigned long long bytes = 0;
	size_t i, dark = 0;

	for (i = 0; i < s->num_bufs; i++) {
		bytes += s->bufs[i].size;
		dark += s->bufs[i].dark;
	}
	json_object_begin(w, "totals");
	json_uint(w, "buffers", s->num_bufs);
	json_uint(w, "bytes", bytes);
	if (s->dark_known)
		json_uint(w, "dark", dark);
	else
		json_null(w, "dark");
	if (s->has_totals) {
		json_uint(w, "bufinfo_objects", s->total_objects);
		json_uint(w, "bufinfo_bytes", s->total_bytes);
	} else {
		json_null(w, "bufinfo_objects");
		json_null(w, "bufinfo_bytes");
	}
	json_object_end(w);
}

void state_write_json(const struct state *s, FILE *f)
{
	struct json_writer w;
	size_t i;

	json_begin(&w, f);
	json_object_begin(&w, NULL);
	json_string(&w, "tool", "dmabuf-inspect");
	json_int(&w, "format", STATE_JSON_FORMAT);
	json_string(&w, "boot_id", s->boot_id);
	json_int(&w, "taken_ms", s->taken_ms);
	json_int(&w, "realtime", s->realtime);
	write_sources(s, &w);
	notes_write_json(s->notes, s->num_notes, &w);
	write_devices(s, &w);
	json_array_begin(&w, "buffers");
	for (i = 0; i < s->num_bufs; i++) {
		json_object_begin(&w, NULL);
		dbuf_write_json(s, &s->bufs[i], &w);
		json_object_end(&w);
	}
	json_array_end(&w);
	json_array_begin(&w, "waits");
	for (i = 0; i < s->num_waits; i++)
		wait_write_json(&s->waits[i], NULL, &w);
	json_array_end(&w);
	json_array_begin(&w, "blocked_threads");
	for (i = 0; i < s->num_blocked; i++) {
		json_object_begin(&w, NULL);
		json_int(&w, "pid", s->blocked[i].pid);
		json_int(&w, "tid", s->blocked[i].tid);
		json_string(&w, "comm", s->blocked[i].comm);
		json_string(&w, "wchan", s->blocked[i].wchan);
		json_object_end(&w);
	}
	json_array_end(&w);
	write_totals(s, &w);
	json_object_end(&w);
	json_end(&w);
}

/* ---- reading ----------------------------------------------------------- */

static char *dup_or_null(const char *s)
{
	return s ? xstrdup(s) : NULL;
}

static enum age_source age_source_from(const char *name)
{
	enum age_source src;

	for (src = AGE_VGEM; src <= AGE_OBSERVED; src++)
		if (name && !strcmp(name, age_source_name(src)))
			return src;
	return AGE_NONE;
}

static void read_fence(const struct json_value *v, struct fence_info *f)
{
	f->usage = xstrdup(json_get_str(v, "usage") ?: "");
	f->driver = xstrdup(json_get_str(v, "driver") ?: "");
	f->timeline = xstrdup(json_get_str(v, "timeline") ?: "");
	f->seqno = json_get_int(v, "seqno", 0);
	f->signalled = json_get_bool(v, "signalled", false);
	f->error_known = !json_is_null(v, "error") && json_get(v, "error");
	f->error = json_get_int(v, "error", 0);
	f->age_ms = json_get_int(v, "age_ms", -1);
	f->age_source = age_source_from(json_get_str(v, "age_source"));
}

static void read_proc_ref(const struct json_value *v, struct proc_ref *r)
{
	const char *start = json_get_str(v, "start");
	const char *end = json_get_str(v, "end");
	const char *perms = json_get_str(v, "perms");

	r->pid = json_get_int(v, "pid", 0);
	r->comm = xstrdup(json_get_str(v, "comm") ?: "?");
	r->fd = json_get_int(v, "fd", -1);
	r->start = start ? strtoull(start, NULL, 0) : 0;
	r->end = end ? strtoull(end, NULL, 0) : 0;
	snprintf(r->perms, sizeof(r->perms), "%s", perms ?: "");
}

static void read_buffer(const struct json_value *v, struct state *s)
{
	const struct json_value *a;
	struct dbuf *b = state_add(s, json_get_int(v, "ino", 0));
	size_t i;

	b->exporter = dup_or_null(json_get_str(v, "exporter"));
	b->size = json_get_int(v, "size", 0);
	b->name = dup_or_null(json_get_str(v, "name"));
	b->count = json_get_int(v, "count", -1);
	b->flags = json_get_int(v, "flags", 0);
	b->mode = json_get_int(v, "mode", 0);
	/* A snapshot's buffers are its own: "snapshot" says where from. */
	b->source = "snapshot";
	b->dark = json_get_bool(v, "dark", false);
	a = json_get(v, "fences");
	for (i = 0; i < json_len(a); i++)
		read_fence(json_at(a, i),
			   ARRAY_PUSH(b->fences, b->num_fences, b->cap_fences));
	a = json_get(v, "importers");
	for (i = 0; i < json_len(a); i++)
		if (json_at(a, i)->type == JSON_STRING)
			*ARRAY_PUSH(b->importers, b->num_importers,
				    b->cap_importers) =
				xstrdup(json_at(a, i)->string);
	a = json_get(v, "fds");
	for (i = 0; i < json_len(a); i++)
		read_proc_ref(json_at(a, i),
			      ARRAY_PUSH(b->fds, b->num_fds, b->cap_fds));
	a = json_get(v, "maps");
	for (i = 0; i < json_len(a); i++)
		read_proc_ref(json_at(a, i),
			      ARRAY_PUSH(b->maps, b->num_maps, b->cap_maps));
}

int state_read_json(const struct json_value *root, struct state *s,
		    char *err, size_t errlen)
{
	const struct json_value *bufs = json_get(root, "buffers");
	const char *tool = json_get_str(root, "tool");
	size_t i;

	memset(s, 0, sizeof(*s));
	if (!tool || strcmp(tool, "dmabuf-inspect") ||
	    json_get_int(root, "format", 0) != STATE_JSON_FORMAT ||
	    !bufs || bufs->type != JSON_ARRAY) {
		snprintf(err, errlen, "not a dmabuf-inspect snapshot of format %d",
			 STATE_JSON_FORMAT);
		return -EINVAL;
	}
	snprintf(s->boot_id, sizeof(s->boot_id), "%s",
		 json_get_str(root, "boot_id") ?: "");
	s->taken_ms = json_get_int(root, "taken_ms", 0);
	s->realtime = json_get_int(root, "realtime", 0);
	s->dark_known = !json_is_null(json_get(root, "totals"), "dark");
	for (i = 0; i < json_len(bufs); i++)
		read_buffer(json_at(bufs, i), s);
	return 0;
}

int state_load(const char *path, struct state *s, char *err, size_t errlen)
{
	struct json_value *root;
	char *text, msg[128];
	int ret;

	ret = read_file(path, 0, &text, NULL);
	if (ret) {
		snprintf(err, errlen, "%s: %s", path, strerror(-ret));
		return ret;
	}
	root = json_parse(text, msg, sizeof(msg));
	free(text);
	if (!root) {
		snprintf(err, errlen, "%s: %s", path, msg);
		return -EINVAL;
	}
	ret = state_read_json(root, s, msg, sizeof(msg));
	if (ret)
		snprintf(err, errlen, "%s: %s", path, msg);
	json_free(root);
	return ret;
}
