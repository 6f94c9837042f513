/* SPDX-License-Identifier: MIT */
/*
 * The "key value key value" lines of our drivers' debugfs files: words
 * split at spaces, where a word in double quotes may hold spaces (a %p4cc
 * format) and a name is seq_escape()d ("\040" for a space).
 */
#ifndef DMABUF_TOKENS_H
#define DMABUF_TOKENS_H

#include <stdbool.h>
#include <stddef.h>

/**
 * struct tokens - the words of one line, unquoted and unescaped
 * @word: the words
 * @n: how many
 */
struct tokens {
	char **word;
	size_t n;
};

void tokens_split(const char *line, struct tokens *t);
void tokens_free(struct tokens *t);

/* Index of the first word @key at or after @from, -1 when none. */
int tokens_find(const struct tokens *t, const char *key, size_t from);
/* The word after the first @key, NULL when none. */
const char *tokens_value(const struct tokens *t, const char *key);
/* That word as a number; false when absent or not a number. */
bool tokens_ull(const struct tokens *t, const char *key, unsigned long long *v);
bool tokens_ll(const struct tokens *t, const char *key, long long *v);
/* A malloc'ed copy of the value, "" when absent. */
char *tokens_dup(const struct tokens *t, const char *key);
/* Words [@from, @to) joined by single spaces, malloc'ed. */
char *tokens_join(const struct tokens *t, size_t from, size_t to);

#endif /* DMABUF_TOKENS_H */
