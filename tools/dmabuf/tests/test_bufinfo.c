// SPDX-License-Identifier: MIT
/*
 * The bufinfo parser: the captured scene, names with spaces, tabs and
 * newlines, 10,000 buffers, and text that is not quite bufinfo.
 */

#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "bufinfo_parse.h"
#include "unit.h"
#include "util.h"

#define HEADER "\nDma-buf Objects:\nsize    \tflags   \tmode    \tcount   \texp_name\tino     \tname\n"

/* One buffer block as dma_buf_debug_show() prints it. */
static void put_buffer(FILE *f, unsigned long long size, long count,
		       const char *exp, unsigned long ino, const char *name,
		       const char *details)
{
	fprintf(f, "%08llu\t%08x\t%08x\t%08ld\t%s\t%08lu\t%s\n%s", size, 2,
		0x80007, count, exp, ino, name, details);
}

static void test_scene(void)
{
	char *text = unit_read_data("scene/sys/kernel/debug/dma_buf/bufinfo");
	const struct bufinfo_buf *b;
	struct bufinfo bi;

	CHECK(text);
	CHECK_INT(bufinfo_parse(text, &bi), 0);
	free(text);
	CHECK_INT(bi.num_warnings, 0);
	CHECK_INT(bi.num_buffers, 7);
	CHECK(bi.has_totals);
	CHECK_INT(bi.total_objects, 7);
	CHECK_INT(bi.total_bytes, 7864320);
	CHECK_INT(bufinfo_sum_bytes(&bi), bi.total_bytes);

	b = bufinfo_lookup(&bi, 7);
	CHECK(b);
	CHECK_STR(b->exp_name, "drm_vgem_plus");
	CHECK_STR(b->name, "scanout-B");
	CHECK_INT(b->size, 3145728);
	CHECK_INT(b->flags, 2);
	CHECK_INT(b->mode, 0x80007);
	CHECK_INT(b->count, 6);
	CHECK_INT(b->num_fences, 1);
	CHECK_STR(b->fences[0].usage, "write");
	CHECK_STR(b->fences[0].driver, "drm_vgem_plus");
	CHECK_STR(b->fences[0].timeline, "client-1");
	CHECK_INT(b->fences[0].seqno, 3);
	CHECK(!b->fences[0].signalled);
	CHECK_INT(b->num_attached, 1);
	CHECK_STR(b->attached[0], "drm_display");
	CHECK_INT(b->attached_total, 1);

	b = bufinfo_lookup(&bi, 3);
	CHECK(b);
	CHECK_STR(b->name, "render-target");
	CHECK_STR(b->fences[0].usage, "read");
	CHECK(b->fences[0].signalled);
	CHECK_STR(bufinfo_lookup(&bi, 1)->exp_name, "system");
	CHECK_STR(bufinfo_lookup(&bi, 2)->exp_name, "udmabuf");
	CHECK(!bufinfo_lookup(&bi, 8));
	bufinfo_free(&bi);
}

static void test_names(void)
{
	static const char *const names[] = {
		"with spaces", "with\ttabs\tand spaces ", "\tleading tab",
		"trailing tab\t", "line one\nline two", "ends in newline\n",
		"", "<none>x",
	};
	const struct bufinfo_buf *b;
	struct bufinfo bi;
	char *text = NULL;
	size_t len, i;
	FILE *f = open_memstream(&text, &len);

	fputs(HEADER, f);
	for (i = 0; i < ARRAY_LEN(names); i++)
		put_buffer(f, 4096, 1, "drm_vgem_plus", 100 + i, names[i],
			   "\twrite fence:drm_vgem_plus client-7 seq 9 unsignalled\n"
			   "\tAttached Devices:\nTotal 0 devices attached\n\n");
	put_buffer(f, 8192, 3, "system", 200, "<none>",
		   "\tAttached Devices:\n\tdrm_display\n\t0000:00:02.0\n"
		   "Total 2 devices attached\n\n");
	fprintf(f, "\nTotal %zu objects, %zu bytes\n", ARRAY_LEN(names) + 1,
		ARRAY_LEN(names) * 4096 + 8192);
	fclose(f);

	CHECK_INT(bufinfo_parse(text, &bi), 0);
	free(text);
	CHECK_INT(bi.num_warnings, 0);
	CHECK_INT(bi.num_buffers, ARRAY_LEN(names) + 1);
	for (i = 0; i < ARRAY_LEN(names); i++) {
		b = bufinfo_lookup(&bi, 100 + i);
		CHECK(b);
		CHECK_STR(b->name, names[i]);
		CHECK_INT(b->num_fences, 1);
		CHECK_INT(b->fences[0].seqno, 9);
	}
	b = bufinfo_lookup(&bi, 200);
	CHECK(b && !b->name);
	CHECK_INT(b->num_attached, 2);
	CHECK_STR(b->attached[1], "0000:00:02.0");
	CHECK_INT(bufinfo_sum_bytes(&bi), bi.total_bytes);
	bufinfo_free(&bi);
}

/* Like a busy system's: 10,000 buffers, every one found by inode. */
static void test_10000(void)
{
	const unsigned long n = 10000;
	unsigned long long sum = 0;
	const struct bufinfo_buf *b;
	struct timespec t0, t1;
	struct bufinfo bi;
	char *text = NULL, name[32];
	size_t len;
	unsigned long i;
	FILE *f = open_memstream(&text, &len);

	fputs(HEADER, f);
	for (i = n; i > 0; i--) {
		snprintf(name, sizeof(name), "buf %lu\t#%lu", i, i % 7);
		put_buffer(f, 4096 * (i % 5 + 1), i % 3 + 1,
			   i % 2 ? "drm_vgem_plus" : "system", i, name,
			   i % 4 ? "\tAttached Devices:\nTotal 0 devices attached\n\n" :
			   "\tread fence:drm_vgem_plus client-1 seq 1 signalled\n"
			   "\tAttached Devices:\n\tdrm_display\n"
			   "Total 1 devices attached\n\n");
		sum += 4096 * (i % 5 + 1);
	}
	fprintf(f, "\nTotal %lu objects, %llu bytes\n", n, sum);
	fclose(f);

	clock_gettime(CLOCK_MONOTONIC, &t0);
	CHECK_INT(bufinfo_parse(text, &bi), 0);
	for (i = 1; i <= n; i++) {
		b = bufinfo_lookup(&bi, i);
		CHECK(b);
		snprintf(name, sizeof(name), "buf %lu\t#%lu", i, i % 7);
		CHECK_STR(b->name, name);
		CHECK_INT(b->size, 4096 * (i % 5 + 1));
		CHECK_INT(b->num_attached, i % 4 ? 0 : 1);
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	free(text);
	CHECK_INT(bi.num_warnings, 0);
	CHECK_INT(bi.num_buffers, n);
	CHECK_INT(bi.total_objects, n);
	CHECK_INT(bufinfo_sum_bytes(&bi), sum);
	/* Quadratic work would take seconds. */
	CHECK((t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000 < 2000);
	bufinfo_free(&bi);
}

static void test_not_bufinfo(void)
{
	struct bufinfo bi;

	CHECK_INT(bufinfo_parse("", &bi), -EINVAL);
	CHECK_INT(bufinfo_parse("hello\nworld\n", &bi), -EINVAL);
	/* Only the header: no buffer, and no totals line is a warning. */
	CHECK_INT(bufinfo_parse(HEADER, &bi), 0);
	CHECK_INT(bi.num_buffers, 0);
	CHECK(!bi.has_totals);
	CHECK_INT(bi.num_warnings, 1);
	bufinfo_free(&bi);
	CHECK_INT(bufinfo_parse(HEADER "\nTotal 0 objects, 0 bytes\n", &bi), 0);
	CHECK_INT(bi.num_warnings, 0);
	CHECK(bi.has_totals);
	bufinfo_free(&bi);
}

static void test_damaged(void)
{
	struct bufinfo bi;

	/* A bad number, a device count that disagrees, a cut-off block. */
	CHECK_INT(bufinfo_parse(HEADER
		"0000409x\t00000002\t00080007\t00000001\tsystem\t00000001\ta\n"
		"00004096\t00000002\t00080007\t00000001\tsystem\t00000002\tb\n"
		"\tAttached Devices:\n\tdev0\nTotal 2 devices attached\n\n"
		"00004096\t00000002\t00080007\t00000001\tsystem\t00000003\tc\n"
		"\tAttached Devices:\n", &bi), 0);
	CHECK_INT(bi.num_buffers, 2);
	CHECK(bufinfo_lookup(&bi, 2) && bufinfo_lookup(&bi, 3));
	CHECK(!bufinfo_lookup(&bi, 1));
	/* Line 4: the bad one, 8: the count, the cut and no totals. */
	CHECK_INT(bi.num_warnings, 4);
	bufinfo_free(&bi);
}

static void test_fence_line(void)
{
	struct bufinfo_fence f;

	CHECK(bufinfo_parse_fence("write fence:drm_vgem_plus client-1 seq 3 unsignalled", &f));
	CHECK_STR(f.usage, "write");
	CHECK_STR(f.timeline, "client-1");
	bufinfo_fence_free(&f);
	/* Timelines may hold spaces, even " seq ". */
	CHECK(bufinfo_parse_fence("kernel fence:amdgpu gfx 0 seq 1 seq 18446744073709551615 signalled", &f));
	CHECK_STR(f.driver, "amdgpu");
	CHECK_STR(f.timeline, "gfx 0 seq 1");
	CHECK(f.seqno == 18446744073709551615ULL);
	CHECK(f.signalled);
	bufinfo_fence_free(&f);
	CHECK(!bufinfo_parse_fence("write fence:drm_vgem_plus client-1 seq x unsignalled", &f));
	CHECK(!bufinfo_parse_fence("write fence:drm_vgem_plus client-1 seq 3 pending", &f));
	CHECK(!bufinfo_parse_fence("write fence:drm_vgem_plus seq 3 signalled", &f));
	CHECK(!bufinfo_parse_fence("Attached Devices:", &f));
}

const struct unit_test bufinfo_tests[] = {
	{ "bufinfo-scene", test_scene },
	{ "bufinfo-names", test_names },
	{ "bufinfo-10000-buffers", test_10000 },
	{ "bufinfo-not-bufinfo", test_not_bufinfo },
	{ "bufinfo-damaged", test_damaged },
	{ "bufinfo-fence-line", test_fence_line },
	{}
};
