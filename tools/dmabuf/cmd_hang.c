// SPDX-License-Identifier: MIT
/*
 * "hang": unsignalled fences older than a threshold, each with its
 * buffers, importers, holders, the drm_display commits waiting for it and
 * the holders' threads asleep in fence waits. Exit status 1 when there is
 * any, so that scripts and CI can ask.
 *
 * bufinfo has no time stamps. A fence's age comes from drm_vgem_plus's
 * debugfs (exact), drm_display's fence_waits (a lower bound), a snapshot
 * given with --since (a lower bound), or else from looking twice,
 * --threshold apart (a lower bound).
 */

#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cmd.h"
#include "json_write.h"
#include "print.h"
#include "state_json.h"
#include "util.h"

/**
 * struct hang - one hung fence
 * @fence: the fence (of the first buffer that has it)
 * @bufs: the buffers that have it
 * @num_bufs: entries in @bufs
 */
struct hang {
	const struct fence_info *fence;
	const struct dbuf **bufs;
	size_t num_bufs, cap_bufs;
};

/**
 * struct hang_opts - options of hang
 * @threshold_ms: how old a fence must be
 * @since: snapshot for ages, NULL for none
 * @wait: look twice when an age is not known well enough
 * @json: print JSON
 */
struct hang_opts {
	long long threshold_ms;
	const struct state *since;
	bool wait;
	bool json;
};

/**
 * struct hang_report - the finding
 * @hangs: hung fences on buffers
 * @num_hangs: entries in @hangs
 * @unknown: unsignalled fences whose age stayed unknown (no second look)
 * @num_unknown: entries in @unknown
 * @waited_ms: how long the second look waited, 0 for none
 */
struct hang_report {
	struct hang *hangs;
	size_t num_hangs, cap_hangs;
	const struct fence_info **unknown;
	size_t num_unknown, cap_unknown;
	long long waited_ms;
};

static bool old_enough(const struct fence_info *f, long long threshold)
{
	return !f->signalled && f->age_ms >= 0 && f->age_ms >= threshold;
}

/* A lower bound under the threshold could still reach it. */
static bool needs_second_look(const struct state *s, long long threshold)
{
	const struct fence_info *f;
	size_t i, j;

	for (i = 0; i < s->num_bufs; i++) {
		for (j = 0; j < s->bufs[i].num_fences; j++) {
			f = &s->bufs[i].fences[j];
			if (!f->signalled && f->age_source != AGE_VGEM &&
			    f->age_ms < threshold)
				return true;
		}
	}
	return false;
}

static struct hang *find_hang(struct hang_report *r,
			      const struct fence_info *f)
{
	size_t i;

	for (i = 0; i < r->num_hangs; i++)
		if (fence_same(r->hangs[i].fence, f))
			return &r->hangs[i];
	return NULL;
}

static void add_unknown(struct hang_report *r, const struct fence_info *f)
{
	size_t i;

	for (i = 0; i < r->num_unknown; i++)
		if (fence_same(r->unknown[i], f))
			return;
	*ARRAY_PUSH(r->unknown, r->num_unknown, r->cap_unknown) = f;
}

static void find_hangs(const struct state *s, long long threshold,
		       struct hang_report *r)
{
	const struct fence_info *f;
	const struct dbuf *b;
	struct hang *h;
	size_t i, j;

	for (i = 0; i < s->num_bufs; i++) {
		b = &s->bufs[i];
		for (j = 0; j < b->num_fences; j++) {
			f = &b->fences[j];
			if (!f->signalled && f->age_ms < 0)
				add_unknown(r, f);
			if (!old_enough(f, threshold))
				continue;
			h = find_hang(r, f);
			if (!h) {
				h = ARRAY_PUSH(r->hangs, r->num_hangs,
					       r->cap_hangs);
				h->fence = f;
			}
			*ARRAY_PUSH(h->bufs, h->num_bufs, h->cap_bufs) = b;
		}
	}
}

/* Explicit fences: a drm_display commit waits for one on no buffer. */
static size_t explicit_hangs(const struct state *s, long long threshold)
{
	size_t i, n = 0;

	for (i = 0; i < s->num_waits; i++)
		n += !s->waits[i].on_buffer &&
		     s->waits[i].since_ms >= threshold;
	return n;
}

static bool hang_holder(const struct hang *h, int pid)
{
	size_t i;

	for (i = 0; i < h->num_bufs; i++)
		if (dbuf_held_by_fd_or_map(h->bufs[i], pid))
			return true;
	return false;
}

/* ---- text -------------------------------------------------------------- */

static void print_hang(const struct state *s, const struct hang *h)
{
	const struct blocked_thread *t;
	size_t i;

	printf("hung fence: ");
	print_fence(stdout, h->fence);
	putchar('\n');
	for (i = 0; i < s->num_waits; i++) {
		if (!wait_is_for(&s->waits[i], h->fence))
			continue;
		printf("  waiting:  ");
		print_wait(stdout, &s->waits[i]);
		putchar('\n');
	}
	for (i = 0; i < s->num_blocked; i++) {
		t = &s->blocked[i];
		if (hang_holder(h, t->pid))
			printf("  waiting:  thread %s[%d] of process %d, a holder, sleeps in %s\n",
			       t->comm, t->tid, t->pid, t->wchan);
	}
	for (i = 0; i < h->num_bufs; i++) {
		printf("  on ");
		print_buffer(stdout, s, h->bufs[i]);
	}
}

static void hang_text(const struct state *s, const struct hang_report *r,
		      const struct hang_opts *o)
{
	char ms[32];
	size_t i, n;

	for (i = 0; i < r->num_hangs; i++)
		print_hang(s, &r->hangs[i]);
	for (i = 0; i < s->num_waits; i++) {
		if (s->waits[i].on_buffer ||
		    s->waits[i].since_ms < o->threshold_ms)
			continue;
		printf("hung explicit fence: ");
		print_wait(stdout, &s->waits[i]);
		putchar('\n');
	}
	for (i = 0; i < r->num_unknown; i++) {
		printf("unsignalled, age not known: ");
		print_fence(stdout, r->unknown[i]);
		putchar('\n');
	}
	if (s->bufinfo.err == ETIMEDOUT)
		printf("bufinfo blocked: a dma-buf reservation lock is held\n");
	n = r->num_hangs + explicit_hangs(s, o->threshold_ms);
	printf("%zu hung %s older than %s", n, plural(n, "fence", "fences"),
	       human_ms(o->threshold_ms, ms, sizeof(ms)));
	if (r->waited_ms)
		printf(" (looked twice, %s apart)",
		       human_ms(r->waited_ms, ms, sizeof(ms)));
	putchar('\n');
	print_notes(stdout, s);
}

/* ---- JSON -------------------------------------------------------------- */

static void fence_json(struct json_writer *w, const char *key,
		       const struct fence_info *f)
{
	json_object_begin(w, key);
	json_string(w, "usage", f->usage);
	json_string(w, "driver", f->driver);
	json_string(w, "timeline", f->timeline);
	json_uint(w, "seqno", f->seqno);
	if (f->age_ms >= 0)
		json_int(w, "age_ms", f->age_ms);
	else
		json_null(w, "age_ms");
	json_string(w, "age_source", age_source_name(f->age_source));
	json_bool(w, "age_is_lower_bound",
		  f->age_ms >= 0 && f->age_source != AGE_VGEM);
	json_object_end(w);
}

static void hang_json_one(struct json_writer *w, const struct state *s,
			  const struct hang *h)
{
	const struct blocked_thread *t;
	size_t i;

	json_object_begin(w, NULL);
	fence_json(w, "fence", h->fence);
	json_array_begin(w, "buffers");
	for (i = 0; i < h->num_bufs; i++) {
		json_object_begin(w, NULL);
		dbuf_write_json(s, h->bufs[i], w);
		json_object_end(w);
	}
	json_array_end(w);
	json_array_begin(w, "waits");
	for (i = 0; i < s->num_waits; i++)
		if (wait_is_for(&s->waits[i], h->fence))
			wait_write_json(&s->waits[i], NULL, w);
	json_array_end(w);
	json_array_begin(w, "blocked_threads");
	for (i = 0; i < s->num_blocked; i++) {
		t = &s->blocked[i];
		if (!hang_holder(h, t->pid))
			continue;
		json_object_begin(w, NULL);
		json_int(w, "pid", t->pid);
		json_int(w, "tid", t->tid);
		json_string(w, "comm", t->comm);
		json_string(w, "wchan", t->wchan);
		json_object_end(w);
	}
	json_array_end(w);
	json_object_end(w);
}

static void hang_json(const struct state *s, const struct hang_report *r,
		      const struct hang_opts *o)
{
	struct json_writer w;
	size_t i;

	json_begin(&w, stdout);
	json_object_begin(&w, NULL);
	json_int(&w, "threshold_ms", o->threshold_ms);
	json_int(&w, "waited_ms", r->waited_ms);
	json_bool(&w, "bufinfo_blocked", s->bufinfo.err == ETIMEDOUT);
	json_array_begin(&w, "hung");
	for (i = 0; i < r->num_hangs; i++)
		hang_json_one(&w, s, &r->hangs[i]);
	json_array_end(&w);
	json_array_begin(&w, "hung_explicit");
	for (i = 0; i < s->num_waits; i++)
		if (!s->waits[i].on_buffer &&
		    s->waits[i].since_ms >= o->threshold_ms)
			wait_write_json(&s->waits[i], NULL, &w);
	json_array_end(&w);
	json_array_begin(&w, "unknown_age");
	for (i = 0; i < r->num_unknown; i++)
		fence_json(&w, NULL, r->unknown[i]);
	json_array_end(&w);
	notes_write_json(s->notes, s->num_notes, &w);
	json_object_end(&w);
	json_end(&w);
}

/* ---- the command ------------------------------------------------------- */

static void sleep_ms(long long ms)
{
	struct timespec ts = { ms / 1000, ms % 1000 * 1000000 };

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

/*
 * Looks, and if some fence's age is not known well enough, looks again
 * after the threshold: what stayed unsignalled is at least that old.
 */
static void look(struct state *s, const struct global_opts *g,
		 const struct hang_opts *o, long long *waited)
{
	struct state first;

	*waited = 0;
	collect_with(s, g, o->since);
	if (!o->wait || !needs_second_look(s, o->threshold_ms))
		return;
	first = *s;
	sleep_ms(o->threshold_ms);
	collect_with(s, g, o->since);
	state_age_from(s, &first, AGE_OBSERVED);
	*waited = s->taken_ms - first.taken_ms;
	state_free(&first);
}

static const struct option hang_options[] = {
	{ "json", no_argument, NULL, 'j' },
	{ "threshold", required_argument, NULL, 't' },
	{ "since", required_argument, NULL, 's' },
	{ "no-wait", no_argument, NULL, 'n' },
	{}
};

static bool can_see_fences(const struct state *s)
{
	size_t i;

	if (s->bufinfo.ok || s->bufinfo.err == ETIMEDOUT)
		return true;
	for (i = 0; i < s->num_devs; i++)
		if (!strcmp(s->devs[i].kind, "drm_vgem_plus"))
			return true;
	return false;
}

int cmd_hang(int argc, char **argv, const struct global_opts *g)
{
	struct hang_opts o = { .threshold_ms = 1000, .wait = true };
	struct hang_report r = {};
	struct state s, since;
	unsigned long long v;
	size_t i, found;
	int opt, ret;

	while ((opt = getopt_long(argc, argv, "", hang_options, NULL)) != -1) {
		switch (opt) {
		case 'j':
			o.json = true;
			break;
		case 't':
			if (!parse_ull(optarg, 10, &v))
				return EXIT_CANNOT_TELL;
			o.threshold_ms = v;
			break;
		case 's':
			load_or_die(optarg, &since);
			o.since = &since;
			break;
		case 'n':
			o.wait = false;
			break;
		default:
			return EXIT_CANNOT_TELL;
		}
	}

	look(&s, g, &o, &r.waited_ms);
	find_hangs(&s, o.threshold_ms, &r);
	found = r.num_hangs + explicit_hangs(&s, o.threshold_ms);
	if (o.json)
		hang_json(&s, &r, &o);
	else
		hang_text(&s, &r, &o);

	if (found || s.bufinfo.err == ETIMEDOUT)
		ret = 1;
	else
		ret = can_see_fences(&s) ? 0 : EXIT_CANNOT_TELL;
	for (i = 0; i < r.num_hangs; i++)
		free(r.hangs[i].bufs);
	free(r.hangs);
	free(r.unknown);
	state_free(&s);
	if (o.since)
		state_free(&since);
	return ret;
}
