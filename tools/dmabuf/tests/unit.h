/* SPDX-License-Identifier: MIT */
/*
 * A tiny harness for dmabuf-inspect's host unit tests: each test is a
 * function; a failed CHECK prints where and returns from it. main()
 * prints "ok NAME" or "FAIL NAME" per test and "N passed, N failed".
 */
#ifndef DMABUF_UNIT_H
#define DMABUF_UNIT_H

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

/* Set by main: the captured data and the tool binary. */
extern const char *unit_data_dir;
extern const char *unit_tool;

void unit_fail(const char *file, int line, const char *what);

#define CHECK(cond) do { \
	if (!(cond)) { \
		unit_fail(__FILE__, __LINE__, #cond); \
		return; \
	} \
} while (0)

#define CHECK_STR(a, b) do { \
	const char *check_a__ = (a), *check_b__ = (b); \
	if (!check_a__ || !check_b__ || strcmp(check_a__, check_b__)) { \
		char check_msg__[512]; \
		snprintf(check_msg__, sizeof(check_msg__), "%.100s == %.100s: \"%.120s\" != \"%.120s\"", \
			 #a, #b, check_a__ ? check_a__ : "(null)", \
			 check_b__ ? check_b__ : "(null)"); \
		unit_fail(__FILE__, __LINE__, check_msg__); \
		return; \
	} \
} while (0)

#define CHECK_INT(a, b) do { \
	long long check_a__ = (a), check_b__ = (b); \
	if (check_a__ != check_b__) { \
		char check_msg__[256]; \
		snprintf(check_msg__, sizeof(check_msg__), "%.100s == %.100s: %lld != %lld", \
			 #a, #b, check_a__, check_b__); \
		unit_fail(__FILE__, __LINE__, check_msg__); \
		return; \
	} \
} while (0)

/**
 * struct unit_test - one test
 * @name: its name
 * @fn: the test
 */
struct unit_test {
	const char *name;
	void (*fn)(void);
};

/* The tests of each file, NULL-terminated lists. */
extern const struct unit_test bufinfo_tests[];
extern const struct unit_test proc_tests[];
extern const struct unit_test debugfs_tests[];
extern const struct unit_test json_tests[];
extern const struct unit_test state_tests[];
extern const struct unit_test tool_tests[];

/* The captured file @rel under the data directory, malloc'ed; NULL if none. */
char *unit_read_data(const char *rel);
/* The path of @rel under the data directory, malloc'ed. */
char *unit_data_path(const char *rel);
/* A fresh copy of the data tree @rel in a temporary directory, malloc'ed. */
char *unit_copy_tree(const char *rel);
/* Removes a tree made by unit_copy_tree() and frees its name. */
void unit_remove_tree(char *dir);

#endif /* DMABUF_UNIT_H */
