// SPDX-License-Identifier: MIT
/*
 * "snapshot" saves the state as JSON; "diff" compares a snapshot with a
 * later one or with now: buffers created and not freed (a leak check,
 * exit status 1 when there is any), buffers freed, and buffers whose
 * holders or reference count changed.
 */

#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "json_write.h"
#include "print.h"
#include "state_json.h"
#include "util.h"

static const struct option snapshot_options[] = {
	{}
};

int cmd_snapshot(int argc, char **argv, const struct global_opts *g)
{
	const char *path;
	struct state s;
	char size[32];
	unsigned long long bytes = 0;
	FILE *f;
	size_t i;

	if (getopt_long(argc, argv, "", snapshot_options, NULL) != -1 ||
	    optind != argc - 1) {
		fprintf(stderr, "usage: dmabuf-inspect snapshot FILE\n");
		return EXIT_CANNOT_TELL;
	}
	path = argv[optind];
	f = strcmp(path, "-") ? fopen(path, "w") : stdout;
	if (!f) {
		fprintf(stderr, "dmabuf-inspect: %s: %s\n", path, strerror(errno));
		return EXIT_CANNOT_TELL;
	}

	collect_with(&s, g, NULL);
	state_write_json(&s, f);
	if (f != stdout && fclose(f)) {
		fprintf(stderr, "dmabuf-inspect: %s: %s\n", path, strerror(errno));
		state_free(&s);
		return EXIT_CANNOT_TELL;
	}
	for (i = 0; i < s.num_bufs; i++)
		bytes += s.bufs[i].size;
	if (f != stdout)
		printf("snapshot: %zu %s, %s, saved to %s\n", s.num_bufs,
		       plural(s.num_bufs, "buffer", "buffers"), human_size(bytes, size, sizeof(size)), path);
	state_free(&s);
	return 0;
}

/* ---- diff -------------------------------------------------------------- */

/**
 * struct diff - what changed between two states
 * @old: the earlier state
 * @new: the later state
 * @flt: which buffers count
 * @created: buffers in @new only
 * @num_created: entries in @created
 * @freed: buffers in @old only
 * @num_freed: entries in @freed
 * @changed: buffers in both whose reference count changed, in @new
 * @num_changed: entries in @changed
 */
struct diff {
	const struct state *old, *new;
	const struct buffer_filter *flt;
	const struct dbuf **created, **freed, **changed;
	size_t num_created, cap_created, num_freed, cap_freed;
	size_t num_changed, cap_changed;
};

/*
 * Inode numbers are not reused soon, but check that it is the same
 * buffer: same exporter and size (when both are known).
 */
static bool same_buffer(const struct dbuf *a, const struct dbuf *b)
{
	if (a->exporter && b->exporter && strcmp(a->exporter, b->exporter))
		return false;
	return !a->size || !b->size || a->size == b->size;
}

static void diff_compute(struct diff *d)
{
	const struct dbuf *a, *b;
	size_t i;

	for (i = 0; i < d->new->num_bufs; i++) {
		b = &d->new->bufs[i];
		a = state_find(d->old, b->ino);
		if (!filter_match(d->flt, b))
			continue;
		if (!a || !same_buffer(a, b))
			*ARRAY_PUSH(d->created, d->num_created,
				    d->cap_created) = b;
		else if (a->count != b->count)
			*ARRAY_PUSH(d->changed, d->num_changed,
				    d->cap_changed) = b;
	}
	for (i = 0; i < d->old->num_bufs; i++) {
		a = &d->old->bufs[i];
		b = state_find(d->new, a->ino);
		/* The filter's --pid looks at the holders the snapshot saw. */
		if (filter_match(d->flt, a) && (!b || !same_buffer(a, b)))
			*ARRAY_PUSH(d->freed, d->num_freed, d->cap_freed) = a;
	}
}

static unsigned long long sum_bytes(const struct dbuf **bufs, size_t n)
{
	unsigned long long sum = 0;
	size_t i;

	for (i = 0; i < n; i++)
		sum += bufs[i]->size;
	return sum;
}

static void diff_text(const struct diff *d)
{
	const struct dbuf *a;
	char size[32], ms[32];
	size_t i;

	for (i = 0; i < d->num_created; i++) {
		printf("created, not freed: ");
		print_buffer(stdout, d->new, d->created[i]);
	}
	for (i = 0; i < d->num_freed; i++) {
		printf("freed: ");
		print_buffer(stdout, d->old, d->freed[i]);
	}
	for (i = 0; i < d->num_changed; i++) {
		a = state_find(d->old, d->changed[i]->ino);
		printf("refs %ld -> %ld: ", a->count, d->changed[i]->count);
		print_buffer(stdout, d->new, d->changed[i]);
	}
	printf("in %s: %zu %s created and not freed (%s), ",
	       human_ms(d->new->taken_ms - d->old->taken_ms, ms, sizeof(ms)),
	       d->num_created, plural(d->num_created, "buffer", "buffers"),
	       human_size(sum_bytes(d->created, d->num_created), size,
			  sizeof(size)));
	printf("%zu freed (%s), %zu with other reference counts\n",
	       d->num_freed,
	       human_size(sum_bytes(d->freed, d->num_freed), size, sizeof(size)),
	       d->num_changed);
	print_notes(stdout, d->new);
}

static void buffers_json(struct json_writer *w, const char *key,
			 const struct state *s, const struct dbuf **bufs,
			 size_t n)
{
	size_t i;

	json_array_begin(w, key);
	for (i = 0; i < n; i++) {
		json_object_begin(w, NULL);
		dbuf_write_json(s, bufs[i], w);
		json_object_end(w);
	}
	json_array_end(w);
}

static void diff_json(const struct diff *d)
{
	struct json_writer w;
	const struct dbuf *a;
	size_t i;

	json_begin(&w, stdout);
	json_object_begin(&w, NULL);
	json_int(&w, "elapsed_ms", d->new->taken_ms - d->old->taken_ms);
	buffers_json(&w, "created", d->new, d->created, d->num_created);
	buffers_json(&w, "freed", d->old, d->freed, d->num_freed);
	json_array_begin(&w, "changed");
	for (i = 0; i < d->num_changed; i++) {
		a = state_find(d->old, d->changed[i]->ino);
		json_object_begin(&w, NULL);
		json_uint(&w, "ino", a->ino);
		json_int(&w, "count_before", a->count);
		json_int(&w, "count_after", d->changed[i]->count);
		json_object_end(&w);
	}
	json_array_end(&w);
	json_object_begin(&w, "totals");
	json_uint(&w, "created", d->num_created);
	json_uint(&w, "created_bytes", sum_bytes(d->created, d->num_created));
	json_uint(&w, "freed", d->num_freed);
	json_uint(&w, "freed_bytes", sum_bytes(d->freed, d->num_freed));
	json_object_end(&w);
	notes_write_json(d->new->notes, d->new->num_notes, &w);
	json_object_end(&w);
	json_end(&w);
}

static const struct option diff_options[] = {
	{ "json", no_argument, NULL, 'j' },
	{ "exporter", required_argument, NULL, 'e' },
	{ "pid", required_argument, NULL, 'p' },
	{ "dark", no_argument, NULL, 'd' },
	{}
};

int cmd_diff(int argc, char **argv, const struct global_opts *g)
{
	struct buffer_filter flt = {};
	struct state old, new;
	struct diff d = {};
	bool json = false;
	int opt, ret;

	while ((opt = getopt_long(argc, argv, "", diff_options, NULL)) != -1) {
		if (filter_option(&flt, opt, optarg))
			continue;
		if (opt != 'j')
			return EXIT_CANNOT_TELL;
		json = true;
	}
	if (optind != argc - 1 && optind != argc - 2) {
		fprintf(stderr, "usage: dmabuf-inspect diff [--json] [--exporter NAME] [--pid PID] [--dark] OLD [NEW]\n");
		return EXIT_CANNOT_TELL;
	}
	load_or_die(argv[optind], &old);
	if (optind == argc - 2)
		load_or_die(argv[optind + 1], &new);
	else
		collect_with(&new, g, NULL);
	if (strcmp(old.boot_id, new.boot_id)) {
		fprintf(stderr, "dmabuf-inspect: %s was taken in another boot: nothing to compare\n",
			argv[optind]);
		state_free(&old);
		state_free(&new);
		return EXIT_CANNOT_TELL;
	}

	d.old = &old;
	d.new = &new;
	d.flt = &flt;
	diff_compute(&d);
	if (json)
		diff_json(&d);
	else
		diff_text(&d);
	ret = d.num_created ? 1 : 0;
	free(d.created);
	free(d.freed);
	free(d.changed);
	state_free(&old);
	state_free(&new);
	return ret;
}
