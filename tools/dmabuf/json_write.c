// SPDX-License-Identifier: MIT
/*
 * Streaming JSON writer: see json_write.h.
 */

#include <string.h>

#include "json_write.h"

void json_begin(struct json_writer *w, FILE *f)
{
	memset(w, 0, sizeof(*w));
	w->f = f;
}

void json_end(struct json_writer *w)
{
	fputc('\n', w->f);
}

/* Length of the UTF-8 sequence at @s, 0 when it is not a valid one. */
static int utf8_len(const unsigned char *s)
{
	int n, i;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		n = 2;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		n = 3;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		n = 4;
	else
		return 0;
	for (i = 1; i < n; i++)
		if ((s[i] & 0xc0) != 0x80)
			return 0;
	return n;
}

static void put_string(FILE *f, const char *str)
{
	const unsigned char *s = (const unsigned char *)str;
	int n;

	fputc('"', f);
	while (*s) {
		n = utf8_len(s);
		if (*s == '"' || *s == '\\') {
			fprintf(f, "\\%c", *s++);
		} else if (*s == '\n') {
			fputs("\\n", f);
			s++;
		} else if (*s == '\t') {
			fputs("\\t", f);
			s++;
		} else if (*s < 0x20 || *s == 0x7f) {
			fprintf(f, "\\u%04x", *s++);
		} else if (n > 0) {
			fwrite(s, 1, n, f);
			s += n;
		} else {
			fprintf(f, "\\u%04x", *s++);
		}
	}
	fputc('"', f);
}

/* The separator, indentation and key before a value. */
static void prefix(struct json_writer *w, const char *key)
{
	int i;

	if (w->depth > 0) {
		fputs(w->count[w->depth]++ ? ",\n" : "\n", w->f);
		for (i = 0; i < w->depth; i++)
			fputs("  ", w->f);
	}
	if (key) {
		put_string(w->f, key);
		fputs(": ", w->f);
	}
}

static void open_(struct json_writer *w, const char *key, char c)
{
	prefix(w, key);
	fputc(c, w->f);
	if (w->depth < JSON_MAX_DEPTH - 1)
		w->depth++;
	w->count[w->depth] = 0;
}

static void close_(struct json_writer *w, char c)
{
	int i;

	if (w->count[w->depth]) {
		fputc('\n', w->f);
		for (i = 1; i < w->depth; i++)
			fputs("  ", w->f);
	}
	fputc(c, w->f);
	if (w->depth > 0)
		w->depth--;
}

void json_object_begin(struct json_writer *w, const char *key)
{
	open_(w, key, '{');
}

void json_object_end(struct json_writer *w)
{
	close_(w, '}');
}

void json_array_begin(struct json_writer *w, const char *key)
{
	open_(w, key, '[');
}

void json_array_end(struct json_writer *w)
{
	close_(w, ']');
}

void json_string(struct json_writer *w, const char *key, const char *val)
{
	prefix(w, key);
	if (val)
		put_string(w->f, val);
	else
		fputs("null", w->f);
}

void json_int(struct json_writer *w, const char *key, long long val)
{
	prefix(w, key);
	fprintf(w->f, "%lld", val);
}

void json_uint(struct json_writer *w, const char *key, unsigned long long val)
{
	prefix(w, key);
	fprintf(w->f, "%llu", val);
}

void json_bool(struct json_writer *w, const char *key, bool val)
{
	prefix(w, key);
	fputs(val ? "true" : "false", w->f);
}

void json_null(struct json_writer *w, const char *key)
{
	prefix(w, key);
	fputs("null", w->f);
}
