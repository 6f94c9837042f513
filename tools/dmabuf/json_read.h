/* SPDX-License-Identifier: MIT */
/*
 * A small JSON reader into a tree: enough for dmabuf-inspect's own
 * output (snapshots read back by "diff", and the tests that check what
 * the tool printed). Numbers are kept as integers when they are.
 */
#ifndef DMABUF_JSON_READ_H
#define DMABUF_JSON_READ_H

#include <stdbool.h>
#include <stddef.h>

enum json_type {
	JSON_NULL,
	JSON_BOOL,
	JSON_NUMBER,
	JSON_STRING,
	JSON_ARRAY,
	JSON_OBJECT,
};

/**
 * struct json_value - one value of the tree
 * @type: what it is
 * @boolean: a JSON_BOOL's value
 * @integer: a JSON_NUMBER's value, truncated to an integer
 * @number: a JSON_NUMBER's value
 * @string: a JSON_STRING's value, NUL-terminated (an embedded NUL
 *          ends it early)
 * @items: a JSON_ARRAY's items, a JSON_OBJECT's member values
 * @keys: a JSON_OBJECT's member names
 * @len: entries in @items (and @keys)
 */
struct json_value {
	enum json_type type;
	bool boolean;
	long long integer;
	double number;
	char *string;
	struct json_value *items;
	char **keys;
	size_t len, cap;
};

/*
 * Parses the JSON text @text. Returns the tree, or NULL with a message in
 * @err (of @errlen bytes) saying where it went wrong.
 */
struct json_value *json_parse(const char *text, char *err, size_t errlen);
void json_free(struct json_value *v);

/* Member @key of an object; NULL when absent or @obj is no object. */
const struct json_value *json_get(const struct json_value *obj,
				  const char *key);
/* Item @i of an array; NULL when out of range or @arr is no array. */
const struct json_value *json_at(const struct json_value *arr, size_t i);
/* Number of items of an array (0 for anything else). */
size_t json_len(const struct json_value *arr);

/* Member @key as a given type, or @def when absent or of another type. */
long long json_get_int(const struct json_value *obj, const char *key,
		       long long def);
const char *json_get_str(const struct json_value *obj, const char *key);
bool json_get_bool(const struct json_value *obj, const char *key, bool def);
/* Whether member @key is there and null. */
bool json_is_null(const struct json_value *obj, const char *key);

#endif /* DMABUF_JSON_READ_H */
