// SPDX-License-Identifier: MIT
/*
 * Parser of dma_buf/bufinfo: see bufinfo_parse.h for the format.
 */

#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "bufinfo_parse.h"
#include "util.h"

/* Where the parser is in the block of one buffer. */
enum bufinfo_state {
	BEFORE_HEADER,
	BETWEEN_BUFFERS,
	IN_NAME,	/* after a buffer line: the name may go on */
	IN_FENCES,
	IN_DEVICES,
};

/* Longer names than this are no name: DMA_BUF_NAME_LEN is 32. */
#define NAME_MAX_BYTES 255

static void warn(struct bufinfo *bi, const char *fmt, const char *line,
		 size_t lineno)
{
	char **w = ARRAY_PUSH(bi->warnings, bi->num_warnings, bi->cap_warnings);

	*w = xasprintf("line %zu: %s: %.80s", lineno, fmt, line);
}

static bool is_header(const char *line)
{
	return !strncmp(line, "size", 4) && strstr(line, "\texp_name\t");
}

static bool field_number(const char *s, size_t n, int base,
			 unsigned long long *out)
{
	char buf[32];

	if (n == 0 || n >= sizeof(buf))
		return false;
	memcpy(buf, s, n);
	buf[n] = '\0';
	return parse_ull(buf, base, out);
}

/*
 * "%08zu\t%08x\t%08x\t%08ld\t%s\t%08lu\t%s": six fields without tabs,
 * then the name up to the end of the line.
 */
static bool parse_buffer_line(const char *line, struct bufinfo_buf *b)
{
	static const int base[6] = { 10, 16, 16, 10, 0, 10 };
	unsigned long long v[6] = {};
	const char *f[6], *p = line, *tab;
	size_t n[6];
	int i;

	for (i = 0; i < 6; i++) {
		tab = strchr(p, '\t');
		if (!tab)
			return false;
		f[i] = p;
		n[i] = tab - p;
		if (base[i] && !field_number(f[i], n[i], base[i], &v[i]))
			return false;
		p = tab + 1;
	}
	if (n[4] == 0)
		return false;

	memset(b, 0, sizeof(*b));
	b->size = v[0];
	b->flags = v[1];
	b->mode = v[2];
	b->count = v[3];
	b->exp_name = xstrndup(f[4], n[4]);
	b->ino = v[5];
	b->name = strcmp(p, "<none>") ? xstrdup(p) : NULL;
	b->attached_total = -1;
	return true;
}

bool bufinfo_parse_fence(const char *line, struct bufinfo_fence *f)
{
	const char *colon = strstr(line, " fence:"), *rest, *seq, *state, *sp;
	unsigned long long seqno;
	char num[32];
	size_t n;

	if (!colon || colon == line || memchr(line, ' ', colon - line))
		return false;
	rest = colon + strlen(" fence:");

	state = strrchr(rest, ' ');
	if (!state || (strcmp(state + 1, "signalled") &&
		       strcmp(state + 1, "unsignalled")))
		return false;
	/* The timeline may hold spaces: " seq " is the last one before. */
	seq = NULL;
	for (sp = strstr(rest, " seq "); sp && sp < state;
	     sp = strstr(sp + 1, " seq "))
		seq = sp;
	if (!seq)
		return false;
	n = state - (seq + 5);
	if (n == 0 || n >= sizeof(num))
		return false;
	memcpy(num, seq + 5, n);
	num[n] = '\0';
	if (!parse_ull(num, 10, &seqno))
		return false;
	sp = memchr(rest, ' ', seq - rest);
	if (!sp)
		return false;

	f->usage = xstrndup(line, colon - line);
	f->driver = xstrndup(rest, sp - rest);
	f->timeline = xstrndup(sp + 1, seq - (sp + 1));
	f->seqno = seqno;
	f->signalled = !strcmp(state + 1, "signalled");
	return true;
}

void bufinfo_fence_free(struct bufinfo_fence *f)
{
	free(f->usage);
	free(f->driver);
	free(f->timeline);
}

static bool parse_devices_total(const char *line, long *total)
{
	long n;
	int end = 0;

	if (sscanf(line, "Total %ld devices attached%n", &n, &end) != 1 ||
	    line[end])
		return false;
	*total = n;
	return true;
}

static bool parse_objects_total(const char *line, struct bufinfo *bi)
{
	unsigned long long objects, bytes;
	int end = 0;

	if (sscanf(line, "Total %llu objects, %llu bytes%n", &objects, &bytes,
		   &end) != 2 || line[end])
		return false;
	bi->has_totals = true;
	bi->total_objects = objects;
	bi->total_bytes = bytes;
	return true;
}

static void name_append(struct bufinfo *bi, struct bufinfo_buf *b,
			const char *line, size_t lineno)
{
	size_t old = b->name ? strlen(b->name) : strlen("<none>");
	char *name;

	if (old + 1 + strlen(line) > NAME_MAX_BYTES) {
		warn(bi, "name too long to be one", line, lineno);
		return;
	}
	name = xasprintf("%s\n%s", b->name ? b->name : "<none>", line);
	free(b->name);
	b->name = name;
}

static bool is_detail(const char *line)
{
	struct bufinfo_fence f;

	if (line[0] != '\t')
		return false;
	if (!strcmp(line, "\tAttached Devices:"))
		return true;
	if (!bufinfo_parse_fence(line + 1, &f))
		return false;
	bufinfo_fence_free(&f);
	return true;
}

static void end_buffer(struct bufinfo *bi, struct bufinfo_buf *b,
		       const char *line, size_t lineno)
{
	if (b->attached_total != (long)b->num_attached)
		warn(bi, "device count disagrees with the device lines", line,
		     lineno);
}

/* One line inside a buffer's block: fences, then devices, then the end. */
static enum bufinfo_state parse_detail(struct bufinfo *bi,
				       struct bufinfo_buf *b,
				       enum bufinfo_state state,
				       const char *line, size_t lineno)
{
	struct bufinfo_fence *f;
	char **dev;

	if (parse_devices_total(line, &b->attached_total)) {
		end_buffer(bi, b, line, lineno);
		return BETWEEN_BUFFERS;
	}
	if (line[0] != '\t') {
		warn(bi, "unexpected line in a buffer's block", line, lineno);
		return state;
	}
	if (state != IN_DEVICES && !strcmp(line, "\tAttached Devices:"))
		return IN_DEVICES;
	if (state == IN_DEVICES) {
		dev = ARRAY_PUSH(b->attached, b->num_attached, b->cap_attached);
		*dev = xstrdup(line + 1);
		return state;
	}
	f = ARRAY_PUSH(b->fences, b->num_fences, b->cap_fences);
	if (!bufinfo_parse_fence(line + 1, f)) {
		b->num_fences--;
		warn(bi, "not a fence line", line, lineno);
	}
	return state;
}

static enum bufinfo_state parse_between(struct bufinfo *bi, const char *line,
					size_t lineno)
{
	struct bufinfo_buf *b;

	if (!line[0] || parse_objects_total(line, bi))
		return BETWEEN_BUFFERS;
	b = ARRAY_PUSH(bi->buffers, bi->num_buffers, bi->cap_buffers);
	if (parse_buffer_line(line, b))
		return IN_NAME;
	bi->num_buffers--;
	warn(bi, "not a buffer line", line, lineno);
	return BETWEEN_BUFFERS;
}

static int cmp_ino(const void *a, const void *b)
{
	const struct bufinfo_buf *x = *(struct bufinfo_buf *const *)a;
	const struct bufinfo_buf *y = *(struct bufinfo_buf *const *)b;

	return x->ino < y->ino ? -1 : x->ino > y->ino;
}

static void build_index(struct bufinfo *bi)
{
	size_t i;

	bi->by_ino = xcalloc(bi->num_buffers, sizeof(*bi->by_ino));
	for (i = 0; i < bi->num_buffers; i++)
		bi->by_ino[i] = &bi->buffers[i];
	qsort(bi->by_ino, bi->num_buffers, sizeof(*bi->by_ino), cmp_ino);
}

int bufinfo_parse(const char *text, struct bufinfo *bi)
{
	enum bufinfo_state state = BEFORE_HEADER;
	struct bufinfo_buf *cur = NULL;
	char *copy = xstrdup(text), *line, *next;
	size_t lineno = 0;

	memset(bi, 0, sizeof(*bi));
	for (line = copy; line; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		else if (!*line)
			break;
		lineno++;

		switch (state) {
		case BEFORE_HEADER:
			if (is_header(line))
				state = BETWEEN_BUFFERS;
			break;
		case BETWEEN_BUFFERS:
			state = parse_between(bi, line, lineno);
			if (state == IN_NAME)
				cur = &bi->buffers[bi->num_buffers - 1];
			break;
		case IN_NAME:
			if (!is_detail(line) &&
			    !parse_devices_total(line, &cur->attached_total)) {
				name_append(bi, cur, line, lineno);
				break;
			}
			state = IN_FENCES;
			/* fall through */
		case IN_FENCES:
		case IN_DEVICES:
			state = parse_detail(bi, cur, state, line, lineno);
			break;
		}
	}
	free(copy);

	if (state == BEFORE_HEADER)
		return -EINVAL;
	if (state != BETWEEN_BUFFERS)
		warn(bi, "the last buffer's block is cut short", "", lineno);
	if (!bi->has_totals)
		warn(bi, "no \"Total N objects\" line", "", lineno);
	build_index(bi);
	return 0;
}

void bufinfo_free(struct bufinfo *bi)
{
	struct bufinfo_buf *b;
	size_t i, j;

	for (i = 0; i < bi->num_buffers; i++) {
		b = &bi->buffers[i];
		free(b->exp_name);
		free(b->name);
		for (j = 0; j < b->num_fences; j++)
			bufinfo_fence_free(&b->fences[j]);
		free(b->fences);
		for (j = 0; j < b->num_attached; j++)
			free(b->attached[j]);
		free(b->attached);
	}
	free(bi->buffers);
	for (i = 0; i < bi->num_warnings; i++)
		free(bi->warnings[i]);
	free(bi->warnings);
	free(bi->by_ino);
	memset(bi, 0, sizeof(*bi));
}

const struct bufinfo_buf *bufinfo_lookup(const struct bufinfo *bi,
					  unsigned long ino)
{
	struct bufinfo_buf key = { .ino = ino }, *pkey = &key, **found;

	if (!bi->num_buffers)
		return NULL;
	found = bsearch(&pkey, bi->by_ino, bi->num_buffers,
			sizeof(*bi->by_ino), cmp_ino);
	return found ? *found : NULL;
}

unsigned long long bufinfo_sum_bytes(const struct bufinfo *bi)
{
	unsigned long long sum = 0;
	size_t i;

	for (i = 0; i < bi->num_buffers; i++)
		sum += bi->buffers[i].size;
	return sum;
}
