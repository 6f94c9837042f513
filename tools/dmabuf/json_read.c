// SPDX-License-Identifier: MIT
/*
 * Small recursive-descent JSON reader: see json_read.h.
 */

#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json_read.h"
#include "util.h"

/* Nesting deeper than this is refused rather than recursed into. */
#define JSON_READ_MAX_DEPTH 64

/**
 * struct json_reader - the text and where the reader is in it
 * @start: the whole text
 * @p: the next character
 * @err: the first error, or NULL
 * @depth: nesting
 */
struct json_reader {
	const char *start, *p;
	const char *err;
	int depth;
};

static bool parse_value(struct json_reader *r, struct json_value *v);

static void skip_space(struct json_reader *r)
{
	r->p += strspn(r->p, " \t\r\n");
}

static bool fail(struct json_reader *r, const char *what)
{
	if (!r->err)
		r->err = what;
	return false;
}

static bool expect(struct json_reader *r, char c)
{
	skip_space(r);
	if (*r->p != c)
		return fail(r, "unexpected character");
	r->p++;
	return true;
}

static void put_utf8(char **out, unsigned int cp)
{
	char *o = *out;

	if (cp < 0x80) {
		*o++ = cp;
	} else if (cp < 0x800) {
		*o++ = 0xc0 | cp >> 6;
		*o++ = 0x80 | (cp & 0x3f);
	} else if (cp < 0x10000) {
		*o++ = 0xe0 | cp >> 12;
		*o++ = 0x80 | ((cp >> 6) & 0x3f);
		*o++ = 0x80 | (cp & 0x3f);
	} else {
		*o++ = 0xf0 | cp >> 18;
		*o++ = 0x80 | ((cp >> 12) & 0x3f);
		*o++ = 0x80 | ((cp >> 6) & 0x3f);
		*o++ = 0x80 | (cp & 0x3f);
	}
	*out = o;
}

static bool parse_hex4(struct json_reader *r, unsigned int *cp)
{
	char hex[5];
	char *end;

	if (strnlen(r->p, 4) != 4)
		return fail(r, "short \\u escape");
	memcpy(hex, r->p, 4);
	hex[4] = '\0';
	*cp = strtoul(hex, &end, 16);
	if (*end)
		return fail(r, "bad \\u escape");
	r->p += 4;
	return true;
}

static bool parse_escape(struct json_reader *r, char **out)
{
	static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
	const char *e = strchr(from, *r->p);
	unsigned int cp, lo;

	if (*r->p && e) {
		*(*out)++ = to[e - from];
		r->p++;
		return true;
	}
	if (*r->p++ != 'u' || !parse_hex4(r, &cp))
		return fail(r, "bad escape");
	/* A surrogate pair is one code point. */
	if (cp >= 0xd800 && cp < 0xdc00 && r->p[0] == '\\' && r->p[1] == 'u') {
		r->p += 2;
		if (!parse_hex4(r, &lo))
			return false;
		cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
	}
	put_utf8(out, cp);
	return true;
}

static bool parse_string(struct json_reader *r, char **s)
{
	const char *end;
	char *out;

	if (!expect(r, '"'))
		return false;
	/* Escapes only shrink the text: its length is enough room. */
	end = r->p;
	while (*end && *end != '"')
		end += end[0] == '\\' && end[1] ? 2 : 1;
	*s = out = xmalloc(end - r->p + 1);
	while (*r->p != '"') {
		if (!*r->p) {
			*out = '\0';
			return fail(r, "unterminated string");
		}
		if ((unsigned char)*r->p < 0x20) {
			*out = '\0';
			return fail(r, "control character in a string");
		}
		if (*r->p == '\\') {
			r->p++;
			if (!parse_escape(r, &out)) {
				*out = '\0';
				return false;
			}
			continue;
		}
		*out++ = *r->p++;
	}
	*out = '\0';
	r->p++;
	return true;
}

static bool parse_number(struct json_reader *r, struct json_value *v)
{
	char *end;

	v->type = JSON_NUMBER;
	v->number = strtod(r->p, &end);
	if (end == r->p)
		return fail(r, "bad number");
	v->integer = strtoll(r->p, NULL, 10);
	r->p = end;
	return true;
}

static bool parse_word(struct json_reader *r, struct json_value *v)
{
	if (!strncmp(r->p, "true", 4) || !strncmp(r->p, "false", 5)) {
		v->type = JSON_BOOL;
		v->boolean = *r->p == 't';
		r->p += v->boolean ? 4 : 5;
		return true;
	}
	if (!strncmp(r->p, "null", 4)) {
		v->type = JSON_NULL;
		r->p += 4;
		return true;
	}
	return fail(r, "unexpected word");
}

static struct json_value *push_item(struct json_value *v)
{
	return ARRAY_PUSH(v->items, v->len, v->cap);
}

static bool parse_array(struct json_reader *r, struct json_value *v)
{
	v->type = JSON_ARRAY;
	r->p++;
	skip_space(r);
	if (*r->p == ']') {
		r->p++;
		return true;
	}
	for (;;) {
		if (!parse_value(r, push_item(v)))
			return false;
		skip_space(r);
		if (*r->p == ']') {
			r->p++;
			return true;
		}
		if (!expect(r, ','))
			return false;
	}
}

static bool parse_member(struct json_reader *r, struct json_value *v)
{
	char *key = NULL;

	if (!parse_string(r, &key)) {
		free(key);
		return false;
	}
	/* Keys and items grow together: the key array follows the cap. */
	push_item(v);
	v->keys = xrealloc(v->keys, v->cap * sizeof(*v->keys));
	v->keys[v->len - 1] = key;
	return expect(r, ':') && parse_value(r, &v->items[v->len - 1]);
}

static bool parse_object(struct json_reader *r, struct json_value *v)
{
	v->type = JSON_OBJECT;
	r->p++;
	skip_space(r);
	if (*r->p == '}') {
		r->p++;
		return true;
	}
	for (;;) {
		skip_space(r);
		if (!parse_member(r, v))
			return false;
		skip_space(r);
		if (*r->p == '}') {
			r->p++;
			return true;
		}
		if (!expect(r, ','))
			return false;
	}
}

static bool parse_value(struct json_reader *r, struct json_value *v)
{
	bool ok;

	skip_space(r);
	if (++r->depth > JSON_READ_MAX_DEPTH)
		return fail(r, "nested too deep");
	switch (*r->p) {
	case '{':
		ok = parse_object(r, v);
		break;
	case '[':
		ok = parse_array(r, v);
		break;
	case '"':
		v->type = JSON_STRING;
		ok = parse_string(r, &v->string);
		break;
	case '-':
	case '0' ... '9':
		ok = parse_number(r, v);
		break;
	default:
		ok = parse_word(r, v);
	}
	r->depth--;
	return ok;
}

static void free_value(struct json_value *v)
{
	size_t i;

	for (i = 0; i < v->len; i++) {
		free_value(&v->items[i]);
		if (v->keys)
			free(v->keys[i]);
	}
	free(v->items);
	free(v->keys);
	free(v->string);
}

struct json_value *json_parse(const char *text, char *err, size_t errlen)
{
	struct json_reader r = { .start = text, .p = text };
	struct json_value *v = xcalloc(1, sizeof(*v));
	int line = 1;
	const char *c;

	if (parse_value(&r, v)) {
		skip_space(&r);
		if (!*r.p)
			return v;
		fail(&r, "text after the value");
	}
	for (c = text; c < r.p; c++)
		line += *c == '\n';
	snprintf(err, errlen, "line %d: %s", line, r.err);
	json_free(v);
	return NULL;
}

void json_free(struct json_value *v)
{
	if (!v)
		return;
	free_value(v);
	free(v);
}

const struct json_value *json_get(const struct json_value *obj,
				  const char *key)
{
	size_t i;

	if (!obj || obj->type != JSON_OBJECT)
		return NULL;
	for (i = 0; i < obj->len; i++)
		if (!strcmp(obj->keys[i], key))
			return &obj->items[i];
	return NULL;
}

const struct json_value *json_at(const struct json_value *arr, size_t i)
{
	if (!arr || arr->type != JSON_ARRAY || i >= arr->len)
		return NULL;
	return &arr->items[i];
}

size_t json_len(const struct json_value *arr)
{
	return arr && arr->type == JSON_ARRAY ? arr->len : 0;
}

long long json_get_int(const struct json_value *obj, const char *key,
		       long long def)
{
	const struct json_value *v = json_get(obj, key);

	return v && v->type == JSON_NUMBER ? v->integer : def;
}

const char *json_get_str(const struct json_value *obj, const char *key)
{
	const struct json_value *v = json_get(obj, key);

	return v && v->type == JSON_STRING ? v->string : NULL;
}

bool json_get_bool(const struct json_value *obj, const char *key, bool def)
{
	const struct json_value *v = json_get(obj, key);

	return v && v->type == JSON_BOOL ? v->boolean : def;
}

bool json_is_null(const struct json_value *obj, const char *key)
{
	const struct json_value *v = json_get(obj, key);

	return v && v->type == JSON_NULL;
}
