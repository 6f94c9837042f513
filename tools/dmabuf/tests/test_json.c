// SPDX-License-Identifier: MIT
/*
 * The JSON writer and reader: what one writes the other reads back,
 * escapes and all, and broken text is refused with a line number.
 */

#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>

#include "json_read.h"
#include "json_write.h"
#include "unit.h"
#include "util.h"

static const char *const strings[] = {
	"plain", "tab\there", "new\nline", "quote \" and \\ backslash",
	"\x01\x1f\x7f controls", "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80", "",
};

static void test_roundtrip(void)
{
	const struct json_value *o, *a;
	struct json_value *root;
	struct json_writer w;
	char *text = NULL, err[128];
	size_t len, i;
	FILE *f = open_memstream(&text, &len);

	json_begin(&w, f);
	json_object_begin(&w, NULL);
	json_int(&w, "negative", -42);
	json_uint(&w, "big", 18446744073709551615ULL);
	json_bool(&w, "yes", true);
	json_null(&w, "nothing");
	json_string(&w, "null string", NULL);
	json_array_begin(&w, "strings");
	for (i = 0; i < ARRAY_LEN(strings); i++)
		json_string(&w, NULL, strings[i]);
	json_array_end(&w);
	json_array_begin(&w, "empty");
	json_array_end(&w);
	json_object_begin(&w, "nested");
	json_object_begin(&w, "deeper");
	json_int(&w, "x", 1);
	json_object_end(&w);
	json_object_end(&w);
	json_object_end(&w);
	json_end(&w);
	fclose(f);

	root = json_parse(text, err, sizeof(err));
	CHECK(root);
	free(text);
	CHECK_INT(json_get_int(root, "negative", 0), -42);
	CHECK(json_get(root, "big")->number > 1.8e19);
	CHECK(json_get_bool(root, "yes", false));
	CHECK(json_is_null(root, "nothing"));
	CHECK(json_is_null(root, "null string"));
	CHECK(!json_is_null(root, "absent"));
	a = json_get(root, "strings");
	CHECK_INT(json_len(a), ARRAY_LEN(strings));
	for (i = 0; i < ARRAY_LEN(strings); i++)
		CHECK_STR(json_at(a, i)->string, strings[i]);
	CHECK_INT(json_len(json_get(root, "empty")), 0);
	CHECK(json_get(root, "empty")->type == JSON_ARRAY);
	o = json_get(json_get(root, "nested"), "deeper");
	CHECK_INT(json_get_int(o, "x", 0), 1);
	json_free(root);
}

/* Bytes that are not UTF-8 come out as \u00XX: still valid JSON. */
static void test_invalid_utf8(void)
{
	struct json_value *root;
	struct json_writer w;
	char *text = NULL, err[128];
	size_t len;
	FILE *f = open_memstream(&text, &len);

	json_begin(&w, f);
	json_string(&w, NULL, "a\xff\xc3z");
	json_end(&w);
	fclose(f);
	CHECK_STR(text, "\"a\\u00ff\\u00c3z\"\n");
	root = json_parse(text, err, sizeof(err));
	free(text);
	CHECK(root);
	CHECK_STR(root->string, "a\xc3\xbf\xc3\x83z");
	json_free(root);
}

static void test_reader(void)
{
	struct json_value *v;
	char err[128];

	v = json_parse(" [1, -2.5e3, \"\\u00e9\\ud83d\\ude00\", {\"a\": []}] ", err,
		       sizeof(err));
	CHECK(v);
	CHECK_INT(json_len(v), 4);
	CHECK_INT(json_at(v, 0)->integer, 1);
	CHECK(json_at(v, 1)->number == -2500.0);
	CHECK_STR(json_at(v, 2)->string, "\xc3\xa9\xf0\x9f\x98\x80");
	CHECK(json_get(json_at(v, 3), "a"));
	json_free(v);
}

static void test_broken(void)
{
	static const char *const bad[] = {
		"", "{", "[1,]", "{\"a\" 1}", "\"unterminated", "\"bad \\q\"",
		"tru", "[1] 2", "\"short \\u12\"", "{\"a\":1,}",
	};
	char err[128];
	size_t i;

	for (i = 0; i < ARRAY_LEN(bad); i++)
		CHECK(!json_parse(bad[i], err, sizeof(err)));
	CHECK(!json_parse("{\n\"a\": 1,\n\"b\": x\n}", err, sizeof(err)));
	CHECK_STR(err, "line 3: unexpected word");
}

const struct unit_test json_tests[] = {
	{ "json-roundtrip", test_roundtrip },
	{ "json-invalid-utf8", test_invalid_utf8 },
	{ "json-reader", test_reader },
	{ "json-broken", test_broken },
	{}
};
