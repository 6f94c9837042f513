// SPDX-License-Identifier: MIT
/*
 * Host unit tests of dmabuf-inspect: its parsers on text captured from
 * the guest (tests/data/scene, by tests/capture.sh inside dmabuf-scene)
 * and on made-up text, its JSON, and the whole tool on a captured tree
 * through --root.
 *
 * Usage: dmabuf-unit-tests DATA_DIR TOOL
 */

#define _GNU_SOURCE
#include <stdlib.h>
#include <unistd.h>

#include "unit.h"
#include "util.h"

const char *unit_data_dir;
const char *unit_tool;
static bool failed_now;

void unit_fail(const char *file, int line, const char *what)
{
	printf("#   %s:%d: %s\n", file, line, what);
	failed_now = true;
}

char *unit_data_path(const char *rel)
{
	return xasprintf("%s/%s", unit_data_dir, rel);
}

char *unit_read_data(const char *rel)
{
	char *path = unit_data_path(rel), *text;
	int ret = read_file(path, 0, &text, NULL);

	free(path);
	return ret ? NULL : text;
}

char *unit_copy_tree(const char *rel)
{
	char tmpl[] = "/tmp/dmabuf-unit-XXXXXX", *dir, *cmd;

	if (!mkdtemp(tmpl))
		return NULL;
	dir = xstrdup(tmpl);
	cmd = xasprintf("cp -a '%s/%s/.' '%s'", unit_data_dir, rel, dir);
	if (system(cmd)) {
		free(cmd);
		unit_remove_tree(dir);
		return NULL;
	}
	free(cmd);
	return dir;
}

void unit_remove_tree(char *dir)
{
	char *cmd;

	if (!dir)
		return;
	cmd = xasprintf("rm -rf '%s'", dir);
	if (system(cmd))
		printf("# could not remove %s\n", dir);
	free(cmd);
	free(dir);
}

int main(int argc, char **argv)
{
	static const struct unit_test *const suites[] = {
		bufinfo_tests, proc_tests, debugfs_tests, json_tests,
		state_tests, tool_tests,
	};
	const struct unit_test *t;
	int passed = 0, failed = 0;
	size_t i;

	if (argc != 3) {
		fprintf(stderr, "usage: %s DATA_DIR TOOL\n", argv[0]);
		return 2;
	}
	unit_data_dir = argv[1];
	unit_tool = argv[2];
	setvbuf(stdout, NULL, _IOLBF, 0);

	for (i = 0; i < ARRAY_LEN(suites); i++) {
		for (t = suites[i]; t->name; t++) {
			failed_now = false;
			t->fn();
			printf("%s %s\n", failed_now ? "FAIL" : "ok", t->name);
			if (failed_now)
				failed++;
			else
				passed++;
		}
	}
	printf("%d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}
