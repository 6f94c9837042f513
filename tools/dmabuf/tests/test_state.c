// SPDX-License-Identifier: MIT
/*
 * state_collect() on the captured scene through --root: every source
 * joined by inode, and what is noted when sources are missing; the state
 * through JSON and back; fence ages from a snapshot.
 */

#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "state.h"
#include "state_json.h"
#include "unit.h"
#include "util.h"

static void collect_tree(const char *root, struct state *s)
{
	struct collect_opts opts = { .root = root, .timeout_ms = 1000 };

	state_collect(s, &opts);
}

static char *scene_root(void)
{
	return unit_data_path("scene");
}

static bool has_note(const struct state *s, const char *part)
{
	size_t i;

	for (i = 0; i < s->num_notes; i++)
		if (strstr(s->notes[i], part))
			return true;
	return false;
}

static void test_collect_scene(void)
{
	char *root = scene_root();
	const struct dbuf *b;
	struct state s;
	size_t i, dark = 0;

	collect_tree(root, &s);
	free(root);
	CHECK(s.bufinfo.ok);
	CHECK_INT(s.num_bufs, 7);
	CHECK_INT(s.procs_seen, 2);
	CHECK_INT(s.procs_denied, 0);
	CHECK_INT(s.num_notes, 0);
	CHECK_INT(s.num_devs, 2);
	for (i = 0; i < s.num_bufs; i++)
		dark += s.bufs[i].dark;
	CHECK_INT(dark, 1);

	/* leaked-tex: no fd, no mapping, alive through its GEM handle. */
	b = state_find(&s, 5);
	CHECK(b && b->dark);
	CHECK_STR(b->name, "leaked-tex");
	CHECK_INT(b->num_gems, 1);
	CHECK_INT(b->gems[0].num_handles, 1);
	CHECK_INT(b->gems[0].handles[0].handle, 3);
	CHECK_INT(b->gems[0].handles[0].pid, 186);
	/* The DRM fd that holds the handle, from the fdinfo's client id. */
	CHECK_INT(b->gems[0].handles[0].fd, 3);

	/* Fence errors bufinfo does not show. */
	b = state_find(&s, 3);
	CHECK(b && b->num_fences == 1 && b->fences[0].error_known);
	CHECK_INT(b->fences[0].error, -5);
	b = state_find(&s, 4);
	CHECK(b && b->num_fences == 1);
	CHECK_INT(b->fences[0].error, -110);

	/* scanout-B: its fence's age, importer, fb, the waiting commit. */
	b = state_find(&s, 7);
	CHECK(b && b->num_fences == 1 && !b->fences[0].signalled);
	CHECK(b->fences[0].age_source == AGE_VGEM);
	CHECK_INT(b->fences[0].age_ms, 9688);
	CHECK_INT(b->num_importers, 1);
	CHECK_INT(b->num_fds, 1);
	CHECK_INT(b->fds[0].fd, 9);
	CHECK_INT(b->num_fbs, 1);
	CHECK_INT(b->fbs[0].fb, 51);
	CHECK_STR(b->fbs[0].shown_on, "");
	CHECK_STR(b->fbs[0].committed_on, "plane-0");
	CHECK_STR(b->fbs[0].waiting_on, "plane-0");
	CHECK_INT(s.num_waits, 1);
	CHECK(s.waits[0].on_buffer);
	CHECK_INT(s.waits[0].ino, 7);

	b = state_find(&s, 6);
	CHECK(b && b->num_fbs == 1);
	CHECK_STR(b->fbs[0].shown_on, "plane-0");

	/* The client's mapping and fd. */
	b = state_find(&s, 1);
	CHECK(b && b->num_maps == 1 && !b->num_fds);
	CHECK_INT(b->maps[0].pid, 187);
	CHECK_STR(b->maps[0].comm, "client");
	b = state_find(&s, 2);
	CHECK(b && b->num_fds == 1 && b->fds[0].fd == 7);
	state_free(&s);
}

static void test_json_roundtrip(void)
{
	char *root = scene_root(), *text = NULL, err[128];
	const struct dbuf *a, *b;
	struct json_value *v;
	struct state s, back;
	size_t len, i, j;
	FILE *f = open_memstream(&text, &len);

	collect_tree(root, &s);
	free(root);
	state_write_json(&s, f);
	fclose(f);
	v = json_parse(text, err, sizeof(err));
	free(text);
	CHECK(v);
	CHECK_INT(state_read_json(v, &back, err, sizeof(err)), 0);
	json_free(v);

	CHECK_STR(back.boot_id, s.boot_id);
	CHECK_INT(back.taken_ms, s.taken_ms);
	CHECK_INT(back.num_bufs, s.num_bufs);
	for (i = 0; i < s.num_bufs; i++) {
		a = &s.bufs[i];
		b = &back.bufs[i];
		CHECK_INT(b->ino, a->ino);
		CHECK_STR(b->exporter, a->exporter);
		CHECK_INT(b->size, a->size);
		CHECK(!a->name == !b->name && (!a->name || !strcmp(a->name, b->name)));
		CHECK_INT(b->count, a->count);
		CHECK_INT(b->dark, a->dark);
		CHECK_INT(b->num_fences, a->num_fences);
		for (j = 0; j < a->num_fences; j++) {
			CHECK(fence_same(&a->fences[j], &b->fences[j]));
			CHECK_INT(b->fences[j].signalled, a->fences[j].signalled);
			CHECK_INT(b->fences[j].error, a->fences[j].error);
			CHECK_INT(b->fences[j].age_ms, a->fences[j].age_ms);
			CHECK_INT(b->fences[j].age_source, a->fences[j].age_source);
		}
		CHECK_INT(b->num_fds, a->num_fds);
		CHECK_INT(b->num_maps, a->num_maps);
		for (j = 0; j < a->num_maps; j++) {
			CHECK_INT(b->maps[j].start, a->maps[j].start);
			CHECK_STR(b->maps[j].perms, a->maps[j].perms);
		}
	}
	state_free(&back);
	state_free(&s);
}

/* Unsignalled in a snapshot 5 s older: at least 5 s more. */
static void test_age_from_snapshot(void)
{
	char *root = scene_root();
	struct state s, old;
	struct fence_info *f;

	collect_tree(root, &old);
	collect_tree(root, &s);
	free(root);
	old.taken_ms = s.taken_ms - 5000;
	f = &state_find(&s, 7)->fences[0];
	f->age_ms = -1;
	f->age_source = AGE_NONE;
	state_age_from(&s, &old, AGE_SNAPSHOT);
	CHECK(f->age_source == AGE_SNAPSHOT);
	CHECK_INT(f->age_ms, 5000 + 9688);
	/* Signalled fences are left alone. */
	CHECK_INT(state_find(&s, 3)->fences[0].age_source, AGE_VGEM);
	CHECK_INT(state_find(&s, 3)->fences[0].age_ms, 10092);

	/* Another boot: nothing to compare. */
	f->age_ms = -1;
	f->age_source = AGE_NONE;
	old.boot_id[0] ^= 1;
	state_age_from(&s, &old, AGE_SNAPSHOT);
	CHECK_INT(f->age_ms, -1);
	state_free(&old);
	state_free(&s);
}

static void remove_path(const char *root, const char *rel)
{
	char *cmd = xasprintf("rm -rf '%s/%s'", root, rel);

	if (system(cmd))
		printf("# rm failed\n");
	free(cmd);
}

static void write_path(const char *root, const char *rel, const char *text)
{
	char *path = xasprintf("%s/%s", root, rel), *cmd;
	FILE *f;

	cmd = xasprintf("mkdir -p \"$(dirname '%s')\"", path);
	if (system(cmd))
		printf("# mkdir failed\n");
	free(cmd);
	f = fopen(path, "w");
	if (f) {
		fputs(text, f);
		fclose(f);
	}
	free(path);
}

/* No bufinfo: buffers from fdinfo, maps and drm_vgem_plus's debugfs. */
static void test_no_bufinfo(void)
{
	char *root = unit_copy_tree("scene");
	const struct dbuf *b;
	struct state s;

	CHECK(root);
	remove_path(root, "sys/kernel/debug/dma_buf");
	collect_tree(root, &s);
	CHECK(!s.bufinfo.ok);
	CHECK_INT(s.num_bufs, 7);
	CHECK_STR(state_find(&s, 1)->source, "maps");
	CHECK_STR(state_find(&s, 2)->source, "fdinfo");
	CHECK_STR(state_find(&s, 2)->exporter, "udmabuf");
	b = state_find(&s, 5);
	CHECK_STR(b->source, "drm_vgem_plus debugfs");
	CHECK(b->dark);
	CHECK_STR(b->name, "leaked-tex");
	CHECK(has_note(&s, "bufinfo: No such file or directory: the kernel does not list"));
	CHECK(has_note(&s, "CONFIG_DMABUF_SYSFS_STATS"));
	state_free(&s);
	unit_remove_tree(root);
}

/* No debugfs at all, but sysfs stats: every buffer, few details. */
static void test_sysfs_only(void)
{
	char *root = unit_copy_tree("scene");
	const struct dbuf *b;
	struct state s;

	CHECK(root);
	remove_path(root, "sys/kernel/debug");
	write_path(root, "sys/kernel/dmabuf/buffers/5/exporter_name",
		   "drm_vgem_plus\n");
	write_path(root, "sys/kernel/dmabuf/buffers/5/size", "65536\n");
	write_path(root, "sys/kernel/dmabuf/buffers/1/exporter_name", "system\n");
	write_path(root, "sys/kernel/dmabuf/buffers/1/size", "1048576\n");
	collect_tree(root, &s);
	CHECK(!s.bufinfo.ok && s.sysfs.ok && !s.debugfs_dri.ok);
	/* 1 and 5 from sysfs, 2, 3, 4, 6, 7 from fdinfo. */
	CHECK_INT(s.num_bufs, 7);
	b = state_find(&s, 5);
	CHECK_STR(b->source, "sysfs");
	CHECK_STR(b->exporter, "drm_vgem_plus");
	CHECK_INT(b->size, 65536);
	CHECK(b->dark && !b->name);
	b = state_find(&s, 1);
	CHECK_STR(b->source, "sysfs");
	CHECK_INT(b->num_maps, 1);
	CHECK(!b->dark);
	CHECK(has_note(&s, "debugfs is not mounted"));
	CHECK(has_note(&s, "exporter and size only"));
	CHECK(has_note(&s, "GEM handles, framebuffers, fence errors and ages are unknown"));
	state_free(&s);
	unit_remove_tree(root);
}

/* A process whose files cannot be read is counted and noted. */
static void test_unreadable_process(void)
{
	char *root = unit_copy_tree("scene");
	struct state s;

	CHECK(root);
	remove_path(root, "proc/187/fdinfo");
	remove_path(root, "proc/187/maps");
	collect_tree(root, &s);
	CHECK_INT(s.procs_denied, 1);
	CHECK(has_note(&s, "1 of 2 processes could not be read"));
	/* It may hold what looks dark: nothing is called dark then. */
	CHECK(!s.dark_known);
	CHECK(!state_find(&s, 1)->dark && !state_find(&s, 5)->dark);
	state_free(&s);
	unit_remove_tree(root);
}

const struct unit_test state_tests[] = {
	{ "collect-scene", test_collect_scene },
	{ "state-json-roundtrip", test_json_roundtrip },
	{ "age-from-snapshot", test_age_from_snapshot },
	{ "collect-no-bufinfo", test_no_bufinfo },
	{ "collect-sysfs-only", test_sysfs_only },
	{ "collect-unreadable-process", test_unreadable_process },
	{}
};
