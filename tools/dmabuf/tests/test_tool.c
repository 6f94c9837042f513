// SPDX-License-Identifier: MIT
/*
 * The dmabuf-inspect binary on the captured scene (--root): list, hang
 * and diff, their JSON and exit statuses.
 */

#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "json_read.h"
#include "unit.h"
#include "util.h"

/* Runs the tool with @args (shell words); its stdout and exit status. */
static char *tool(const char *root, const char *args, int *status)
{
	char *cmd = xasprintf("'%s' --root '%s' %s", unit_tool, root, args);
	char *out = NULL, buf[4096];
	size_t len = 0, n;
	FILE *p = popen(cmd, "r"), *mem = open_memstream(&out, &len);

	free(cmd);
	while (p && (n = fread(buf, 1, sizeof(buf), p)) > 0)
		fwrite(buf, 1, n, mem);
	fclose(mem);
	*status = p ? pclose(p) : -1;
	*status = WIFEXITED(*status) ? WEXITSTATUS(*status) : -1;
	return out;
}

static struct json_value *tool_json(const char *root, const char *args,
				    int *status)
{
	char *out = tool(root, args, status), err[128];
	struct json_value *v = json_parse(out, err, sizeof(err));

	if (!v)
		printf("# %s: %s\n", args, err);
	free(out);
	return v;
}

static const struct json_value *buffer_by_ino(const struct json_value *bufs,
					      long long ino)
{
	size_t i;

	for (i = 0; i < json_len(bufs); i++)
		if (json_get_int(json_at(bufs, i), "ino", 0) == ino)
			return json_at(bufs, i);
	return NULL;
}

static void test_list_json(void)
{
	char *root = unit_data_path("scene");
	const struct json_value *bufs, *b, *t;
	struct json_value *v;
	int status;

	v = tool_json(root, "list --json", &status);
	free(root);
	CHECK(v);
	CHECK_INT(status, 0);
	bufs = json_get(v, "buffers");
	CHECK_INT(json_len(bufs), 7);
	t = json_get(v, "totals");
	CHECK_INT(json_get_int(t, "buffers", 0), 7);
	CHECK_INT(json_get_int(t, "bytes", 0), 7864320);
	CHECK_INT(json_get_int(t, "bufinfo_bytes", 0), 7864320);
	CHECK_INT(json_get_int(t, "dark", 0), 1);
	b = buffer_by_ino(bufs, 5);
	CHECK(json_get_bool(b, "dark", false));
	b = buffer_by_ino(bufs, 7);
	CHECK_STR(json_get_str(b, "name"), "scanout-B");
	CHECK_STR(json_at(json_get(b, "importers"), 0)->string, "drm_display");
	CHECK_INT(json_get_int(json_at(json_get(b, "fences"), 0), "age_ms", 0),
		  9688);
	CHECK_STR(json_get_str(json_at(json_get(b, "waits"), 0), "plane"),
		  "plane-0");
	json_free(v);

	/* The filters. */
	root = unit_data_path("scene");
	v = tool_json(root, "list --json --dark", &status);
	CHECK(v);
	CHECK_INT(json_len(json_get(v, "buffers")), 1);
	json_free(v);
	v = tool_json(root, "list --json --pid 187", &status);
	CHECK(v);
	CHECK_INT(json_len(json_get(v, "buffers")), 2);
	json_free(v);
	v = tool_json(root, "list --json --exporter drm_vgem_plus", &status);
	CHECK(v);
	CHECK_INT(json_len(json_get(v, "buffers")), 5);
	json_free(v);
	free(root);
}

static void test_list_text(void)
{
	char *root = unit_data_path("scene"), *out;
	int status;

	out = tool(root, "list", &status);
	free(root);
	CHECK_INT(status, 0);
	CHECK(strstr(out, "dma-buf 5: drm_vgem_plus, 64.0 KiB, \"leaked-tex\", 2 references (0 fds, 0 mappings, 2 other)\n"));
	CHECK(strstr(out, "dma-buf 1: system, 1.0 MiB, \"camera-frame\", 1 reference (0 fds, 1 mapping, 0 other)\n"));
	CHECK(strstr(out, "  dark      no fd and no mapping holds it"));
	CHECK(strstr(out, "  fb        drm_display fb 50 of compositor[186], on screen on plane-0\n"));
	CHECK(strstr(out, "  fence     read drm_vgem_plus client-1 seq 1: signalled with error -5 (EIO)\n"));
	CHECK(strstr(out, "  mapping   client[187] 0x"));
	CHECK(strstr(out, "7 buffers, 7.5 MiB (bufinfo: 7 objects, 7864320 bytes), 1 dark\n"));
	free(out);
}

static void test_hang(void)
{
	char *root = unit_data_path("scene");
	const struct json_value *h, *hung;
	struct json_value *v;
	int status;

	v = tool_json(root, "hang --json --threshold 1000", &status);
	CHECK(v);
	CHECK_INT(status, 1);
	hung = json_get(v, "hung");
	CHECK_INT(json_len(hung), 1);
	h = json_at(hung, 0);
	CHECK_INT(json_get_int(json_get(h, "fence"), "seqno", 0), 3);
	CHECK_INT(json_get_int(json_at(json_get(h, "buffers"), 0), "ino", 0), 7);
	CHECK_STR(json_get_str(json_at(json_get(h, "waits"), 0), "committer_comm"),
		  "compositor");
	/* Every age was known: no second look. */
	CHECK_INT(json_get_int(v, "waited_ms", -1), 0);
	json_free(v);

	/* Younger than the threshold: none, exit status 0. */
	v = tool_json(root, "hang --json --threshold 60000", &status);
	CHECK(v);
	CHECK_INT(status, 0);
	CHECK_INT(json_len(json_get(v, "hung")), 0);
	json_free(v);
	free(root);
}

/* Without bufinfo and drm_vgem_plus's debugfs no fence can be seen. */
static void test_hang_blind(void)
{
	char *root = unit_copy_tree("scene"), *cmd, *out;
	int status;

	CHECK(root);
	cmd = xasprintf("rm -rf '%s/sys/kernel/debug'", root);
	CHECK(!system(cmd));
	free(cmd);
	out = tool(root, "hang --threshold 10", &status);
	CHECK_INT(status, 2);
	CHECK(strstr(out, "0 hung fences older than 10 ms\n"));
	free(out);
	unit_remove_tree(root);
}

static void test_diff(void)
{
	char *root = unit_data_path("scene"), *old = unit_copy_tree("scene");
	char *args, *oldsnap = NULL, *newsnap = NULL;
	const struct json_value *t;
	struct json_value *v;
	int status;

	CHECK(old);
	/* Before: the compositor's own fds only. */
	args = xasprintf("rm -rf '%s/sys/kernel/debug' '%s/proc/187'", old, old);
	CHECK(!system(args));
	free(args);
	oldsnap = xasprintf("%s/old.json", old);
	newsnap = xasprintf("%s/new.json", old);
	args = xasprintf("snapshot '%s'", oldsnap);
	free(tool(old, args, &status));
	free(args);
	CHECK_INT(status, 0);
	args = xasprintf("snapshot '%s'", newsnap);
	free(tool(root, args, &status));
	free(args);
	CHECK_INT(status, 0);

	args = xasprintf("diff --json '%s' '%s'", oldsnap, newsnap);
	v = tool_json(root, args, &status);
	free(args);
	CHECK(v);
	CHECK_INT(status, 1);
	t = json_get(v, "totals");
	/* camera-frame, staging, leaked-tex. */
	CHECK_INT(json_get_int(t, "created", 0), 3);
	CHECK_INT(json_get_int(t, "created_bytes", 0), 1048576 + 65536 + 65536);
	CHECK_INT(json_get_int(t, "freed", -1), 0);
	json_free(v);

	args = xasprintf("diff --json --exporter udmabuf '%s' '%s'", oldsnap,
			 newsnap);
	v = tool_json(root, args, &status);
	free(args);
	CHECK(v);
	CHECK_INT(status, 1);
	CHECK_INT(json_get_int(json_at(json_get(v, "created"), 0), "ino", 0), 2);
	json_free(v);

	/* Only what nothing holds by fd or mapping: leaked-tex. */
	args = xasprintf("diff --json --dark '%s' '%s'", oldsnap, newsnap);
	v = tool_json(root, args, &status);
	free(args);
	CHECK(v);
	CHECK_INT(status, 1);
	CHECK_INT(json_len(json_get(v, "created")), 1);
	CHECK_INT(json_get_int(json_at(json_get(v, "created"), 0), "ino", 0), 5);
	json_free(v);

	/* The other way round: freed, nothing created, exit status 0. */
	args = xasprintf("diff --json '%s' '%s'", newsnap, oldsnap);
	v = tool_json(root, args, &status);
	free(args);
	CHECK(v);
	CHECK_INT(status, 0);
	CHECK_INT(json_get_int(json_get(v, "totals"), "freed", 0), 3);
	json_free(v);
	free(root);
	free(oldsnap);
	free(newsnap);
	unit_remove_tree(old);
}

static void test_usage(void)
{
	char *root = unit_data_path("scene");
	int status;

	free(tool(root, "frobnicate 2>/dev/null", &status));
	CHECK_INT(status, 2);
	free(tool(root, "diff 2>/dev/null", &status));
	CHECK_INT(status, 2);
	free(tool(root, "diff /nonexistent.json 2>/dev/null", &status));
	CHECK_INT(status, 2);
	free(tool(root, "list --pid x 2>/dev/null", &status));
	CHECK_INT(status, 2);
	free(root);
}

const struct unit_test tool_tests[] = {
	{ "tool-list-json", test_list_json },
	{ "tool-list-text", test_list_text },
	{ "tool-hang", test_hang },
	{ "tool-hang-blind", test_hang_blind },
	{ "tool-diff", test_diff },
	{ "tool-usage", test_usage },
	{}
};
