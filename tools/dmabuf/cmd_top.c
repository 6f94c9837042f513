// SPDX-License-Identifier: MIT
/*
 * "top": dma-buf totals per process and per exporter, largest first,
 * refreshed every interval.
 */

#define _GNU_SOURCE
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cmd.h"
#include "json_write.h"
#include "print.h"
#include "state_json.h"
#include "util.h"

/**
 * struct proc_total - what one process holds
 * @pid: the process
 * @comm: its command name
 * @buffers: distinct buffers it holds by fd or mapping
 * @bytes: their sizes
 * @gem_buffers: distinct buffers it holds only through GEM handles
 * @gem_bytes: their sizes
 */
struct proc_total {
	int pid;
	const char *comm;
	size_t buffers;
	unsigned long long bytes;
	size_t gem_buffers;
	unsigned long long gem_bytes;
};

/**
 * struct exporter_total - what one exporter has out
 * @name: exporter name
 * @buffers: its buffers
 * @bytes: their sizes
 * @dark: how many of them no fd or mapping holds
 */
struct exporter_total {
	const char *name;
	size_t buffers;
	unsigned long long bytes;
	size_t dark;
};

/**
 * struct totals - the two tables
 * @procs: per process
 * @num_procs: entries in @procs
 * @exporters: per exporter
 * @num_exporters: entries in @exporters
 */
struct totals {
	struct proc_total *procs;
	size_t num_procs, cap_procs;
	struct exporter_total *exporters;
	size_t num_exporters, cap_exporters;
};

static struct proc_total *proc_total(struct totals *t, int pid,
				     const char *comm)
{
	struct proc_total *p;
	size_t i;

	for (i = 0; i < t->num_procs; i++)
		if (t->procs[i].pid == pid)
			return &t->procs[i];
	p = ARRAY_PUSH(t->procs, t->num_procs, t->cap_procs);
	p->pid = pid;
	p->comm = comm;
	return p;
}

/* Every process that holds @b, once: by fd or mapping, else by handle. */
static void count_holders(struct totals *t, const struct dbuf *b)
{
	struct proc_ref *const refs[2] = { b->fds, b->maps };
	const size_t n[2] = { b->num_fds, b->num_maps };
	const struct gem_handle_ref *h;
	int seen[64], num_seen = 0, k;
	struct proc_total *p;
	size_t i, j;

	for (k = 0; k < 2; k++) {
		for (i = 0; i < n[k]; i++) {
			for (j = 0; j < (size_t)num_seen; j++)
				if (seen[j] == refs[k][i].pid)
					break;
			if (j < (size_t)num_seen || num_seen == ARRAY_LEN(seen))
				continue;
			seen[num_seen++] = refs[k][i].pid;
			p = proc_total(t, refs[k][i].pid, refs[k][i].comm);
			p->buffers++;
			p->bytes += b->size;
		}
	}
	for (i = 0; i < b->num_gems; i++) {
		for (j = 0; j < b->gems[i].num_handles; j++) {
			h = &b->gems[i].handles[j];
			for (k = 0; k < num_seen; k++)
				if (seen[k] == h->pid)
					break;
			if (k < num_seen || num_seen == ARRAY_LEN(seen))
				continue;
			seen[num_seen++] = h->pid;
			p = proc_total(t, h->pid, h->comm);
			p->gem_buffers++;
			p->gem_bytes += b->size;
		}
	}
}

static void count_exporter(struct totals *t, const struct dbuf *b)
{
	const char *name = b->exporter ? b->exporter : "?";
	struct exporter_total *e = NULL;
	size_t i;

	for (i = 0; i < t->num_exporters && !e; i++)
		if (!strcmp(t->exporters[i].name, name))
			e = &t->exporters[i];
	if (!e) {
		e = ARRAY_PUSH(t->exporters, t->num_exporters, t->cap_exporters);
		e->name = name;
	}
	e->buffers++;
	e->bytes += b->size;
	e->dark += b->dark;
}

static int cmp_procs(const void *a, const void *b)
{
	const struct proc_total *x = a, *y = b;
	unsigned long long bx = x->bytes + x->gem_bytes;
	unsigned long long by = y->bytes + y->gem_bytes;

	if (bx != by)
		return bx < by ? 1 : -1;
	return x->pid - y->pid;
}

static int cmp_exporters(const void *a, const void *b)
{
	const struct exporter_total *x = a, *y = b;

	if (x->bytes != y->bytes)
		return x->bytes < y->bytes ? 1 : -1;
	return strcmp(x->name, y->name);
}

static void totals_compute(struct totals *t, const struct state *s)
{
	size_t i;

	memset(t, 0, sizeof(*t));
	for (i = 0; i < s->num_bufs; i++) {
		count_holders(t, &s->bufs[i]);
		count_exporter(t, &s->bufs[i]);
	}
	if (t->num_procs)
		qsort(t->procs, t->num_procs, sizeof(*t->procs), cmp_procs);
	if (t->num_exporters)
		qsort(t->exporters, t->num_exporters, sizeof(*t->exporters),
		      cmp_exporters);
}

static void top_text(const struct state *s, const struct totals *t)
{
	char a[32], b[32];
	size_t i;

	printf("%-16s %7s %8s %11s %8s %11s\n", "PROCESS", "PID", "BUFFERS",
	       "BYTES", "GEM-ONLY", "GEM-BYTES");
	for (i = 0; i < t->num_procs; i++)
		printf("%-16s %7d %8zu %11s %8zu %11s\n", t->procs[i].comm,
		       t->procs[i].pid, t->procs[i].buffers,
		       human_size(t->procs[i].bytes, a, sizeof(a)),
		       t->procs[i].gem_buffers,
		       human_size(t->procs[i].gem_bytes, b, sizeof(b)));
	printf("\n%-16s %7s %8s %11s %8s\n", "EXPORTER", "", "BUFFERS", "BYTES",
	       "DARK");
	for (i = 0; i < t->num_exporters; i++) {
		snprintf(b, sizeof(b), "%zu", t->exporters[i].dark);
		printf("%-16s %7s %8zu %11s %8s\n", t->exporters[i].name, "",
		       t->exporters[i].buffers,
		       human_size(t->exporters[i].bytes, a, sizeof(a)),
		       s->dark_known ? b : "?");
	}
	putchar('\n');
	print_totals(stdout, s);
	print_notes(stdout, s);
}

static void top_json(const struct state *s, const struct totals *t)
{
	struct json_writer w;
	size_t i;

	json_begin(&w, stdout);
	json_object_begin(&w, NULL);
	json_int(&w, "taken_ms", s->taken_ms);
	json_array_begin(&w, "processes");
	for (i = 0; i < t->num_procs; i++) {
		json_object_begin(&w, NULL);
		json_int(&w, "pid", t->procs[i].pid);
		json_string(&w, "comm", t->procs[i].comm);
		json_uint(&w, "buffers", t->procs[i].buffers);
		json_uint(&w, "bytes", t->procs[i].bytes);
		json_uint(&w, "gem_only_buffers", t->procs[i].gem_buffers);
		json_uint(&w, "gem_only_bytes", t->procs[i].gem_bytes);
		json_object_end(&w);
	}
	json_array_end(&w);
	json_array_begin(&w, "exporters");
	for (i = 0; i < t->num_exporters; i++) {
		json_object_begin(&w, NULL);
		json_string(&w, "exporter", t->exporters[i].name);
		json_uint(&w, "buffers", t->exporters[i].buffers);
		json_uint(&w, "bytes", t->exporters[i].bytes);
		if (s->dark_known)
			json_uint(&w, "dark", t->exporters[i].dark);
		else
			json_null(&w, "dark");
		json_object_end(&w);
	}
	json_array_end(&w);
	notes_write_json(s->notes, s->num_notes, &w);
	json_object_end(&w);
	json_end(&w);
}

static const struct option top_options[] = {
	{ "json", no_argument, NULL, 'j' },
	{ "interval", required_argument, NULL, 'n' },
	{ "count", required_argument, NULL, 'c' },
	{}
};

static void sleep_ms(long long ms)
{
	struct timespec ts = { ms / 1000, ms % 1000 * 1000000 };

	nanosleep(&ts, NULL);
}

int cmd_top(int argc, char **argv, const struct global_opts *g)
{
	unsigned long long count = 0, n;
	double interval = 2.0;
	bool json = false, clear;
	struct totals t;
	struct state s;
	int opt;

	while ((opt = getopt_long(argc, argv, "", top_options, NULL)) != -1) {
		switch (opt) {
		case 'j':
			json = true;
			break;
		case 'n':
			interval = atof(optarg);
			if (interval <= 0)
				return EXIT_CANNOT_TELL;
			break;
		case 'c':
			if (!parse_ull(optarg, 10, &count) || !count)
				return EXIT_CANNOT_TELL;
			break;
		default:
			return EXIT_CANNOT_TELL;
		}
	}

	/* One JSON document per refresh; a terminal is cleared first. */
	clear = count != 1 && isatty(STDOUT_FILENO);
	for (n = 0; !count || n < count; n++) {
		if (n)
			sleep_ms(interval * 1000);
		collect_with(&s, g, NULL);
		totals_compute(&t, &s);
		if (json) {
			top_json(&s, &t);
		} else {
			if (clear)
				fputs("\033[H\033[2J", stdout);
			top_text(&s, &t);
		}
		fflush(stdout);
		free(t.procs);
		free(t.exporters);
		state_free(&s);
	}
	return 0;
}
