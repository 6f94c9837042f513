// SPDX-License-Identifier: MIT
/*
 * Words of a debugfs line: see tokens.h.
 */

#include <stdlib.h>
#include <string.h>

#include "tokens.h"
#include "util.h"

/* Length of the word at @p: to the closing quote, or to a space. */
static size_t word_len(const char *p)
{
	const char *q;

	if (*p == '"') {
		q = strchr(p + 1, '"');
		if (q)
			return q + 1 - p;
	}
	return strcspn(p, " ");
}

void tokens_split(const char *line, struct tokens *t)
{
	size_t cap = 0, n;
	char **w;

	memset(t, 0, sizeof(*t));
	for (;;) {
		line += strspn(line, " \t");
		if (!*line)
			break;
		n = word_len(line);
		w = ARRAY_PUSH(t->word, t->n, cap);
		*w = xstrndup(line, n);
		unquote(*w);
		unescape_octal(*w);
		line += n;
	}
}

void tokens_free(struct tokens *t)
{
	size_t i;

	for (i = 0; i < t->n; i++)
		free(t->word[i]);
	free(t->word);
	memset(t, 0, sizeof(*t));
}

int tokens_find(const struct tokens *t, const char *key, size_t from)
{
	size_t i;

	for (i = from; i < t->n; i++)
		if (!strcmp(t->word[i], key))
			return i;
	return -1;
}

const char *tokens_value(const struct tokens *t, const char *key)
{
	int i = tokens_find(t, key, 0);

	return i >= 0 && (size_t)i + 1 < t->n ? t->word[i + 1] : NULL;
}

bool tokens_ull(const struct tokens *t, const char *key, unsigned long long *v)
{
	const char *s = tokens_value(t, key);

	return s && parse_ull(s, 0, v);
}

bool tokens_ll(const struct tokens *t, const char *key, long long *v)
{
	const char *s = tokens_value(t, key);

	return s && parse_ll(s, v);
}

char *tokens_dup(const struct tokens *t, const char *key)
{
	const char *s = tokens_value(t, key);

	return xstrdup(s ? s : "");
}

char *tokens_join(const struct tokens *t, size_t from, size_t to)
{
	size_t i, len = 1;
	char *s;

	for (i = from; i < to && i < t->n; i++)
		len += strlen(t->word[i]) + 1;
	s = xcalloc(1, len);
	for (i = from; i < to && i < t->n; i++) {
		if (i > from)
			strcat(s, " ");
		strcat(s, t->word[i]);
	}
	return s;
}
