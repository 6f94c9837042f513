/* SPDX-License-Identifier: MIT */
/*
 * A streaming JSON writer, indented, for --json and snapshots. Inside an
 * object every value takes a key; inside an array the key is NULL.
 */
#ifndef DMABUF_JSON_WRITE_H
#define DMABUF_JSON_WRITE_H

#include <stdbool.h>
#include <stdio.h>

#define JSON_MAX_DEPTH 16

/**
 * struct json_writer - where the writer is
 * @f: the output
 * @depth: open objects and arrays
 * @count: values written so far at each depth
 */
struct json_writer {
	FILE *f;
	int depth;
	unsigned int count[JSON_MAX_DEPTH];
};

void json_begin(struct json_writer *w, FILE *f);
/* Ends the document with a newline. */
void json_end(struct json_writer *w);

void json_object_begin(struct json_writer *w, const char *key);
void json_object_end(struct json_writer *w);
void json_array_begin(struct json_writer *w, const char *key);
void json_array_end(struct json_writer *w);

/* A NULL @val writes null. Bytes that are not UTF-8 become \u00XX. */
void json_string(struct json_writer *w, const char *key, const char *val);
void json_int(struct json_writer *w, const char *key, long long val);
void json_uint(struct json_writer *w, const char *key, unsigned long long val);
void json_bool(struct json_writer *w, const char *key, bool val);
void json_null(struct json_writer *w, const char *key);

#endif /* DMABUF_JSON_WRITE_H */
