// SPDX-License-Identifier: MIT
/*
 * The fdinfo and maps parsers, on captured files and odd names.
 */

#include <stdlib.h>

#include "proc_parse.h"
#include "unit.h"

static void test_fdinfo_dmabuf(void)
{
	char *text = unit_read_data("scene/proc/187/fdinfo/7");
	struct fdinfo fi;

	CHECK(text);
	CHECK(fdinfo_parse(text, &fi));
	free(text);
	CHECK(fi.is_dmabuf && fi.has_ino);
	CHECK_INT(fi.ino, 2);
	CHECK_INT(fi.flags, 02000002);
	CHECK_INT(fi.size, 65536);
	CHECK_INT(fi.count, 1);
	CHECK_STR(fi.exp_name, "udmabuf");
	CHECK_STR(fi.name, "staging");
	CHECK(!fi.drm_driver);
	fdinfo_free(&fi);
}

static void test_fdinfo_drm(void)
{
	char *text = unit_read_data("scene/proc/186/fdinfo/3");
	struct fdinfo fi;

	CHECK(text);
	CHECK(fdinfo_parse(text, &fi));
	free(text);
	CHECK(!fi.is_dmabuf);
	CHECK_STR(fi.drm_driver, "vgem");
	CHECK_INT(fi.drm_client_id, 1);
	fdinfo_free(&fi);
}

static void test_fdinfo_names(void)
{
	struct fdinfo fi;

	/* The name is the rest of the file: tabs and newlines are its. */
	CHECK(fdinfo_parse("pos:\t0\nflags:\t02\nmnt_id:\t12\nino:\t9\n"
			   "size:\t4096\ncount:\t2\nexp_name:\tsystem\n"
			   "name:\ta\tb\nc: d\n", &fi));
	CHECK_STR(fi.name, "a\tb\nc: d");
	CHECK_INT(fi.ino, 9);
	fdinfo_free(&fi);
	/* No name set: no line. */
	CHECK(fdinfo_parse("pos:\t0\nflags:\t02\nmnt_id:\t12\nino:\t9\n"
			   "size:\t4096\ncount:\t2\nexp_name:\tsystem\n", &fi));
	CHECK(fi.is_dmabuf && !fi.name);
	fdinfo_free(&fi);
	/* A file that is no dma-buf; and no fdinfo at all. */
	CHECK(fdinfo_parse("pos:\t0\nflags:\t0100000\nmnt_id:\t26\nino:\t4\n", &fi));
	CHECK(!fi.is_dmabuf && !fi.drm_driver);
	fdinfo_free(&fi);
	CHECK(!fdinfo_parse("", &fi));
	fdinfo_free(&fi);
}

static void test_maps(void)
{
	char *text = unit_read_data("scene/proc/187/maps"), *line, *next;
	struct maps_entry m;
	int dmabufs = 0, lines = 0;

	CHECK(text);
	for (line = text; line && *line; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		CHECK(maps_parse_line(line, &m));
		lines++;
		/* The program's own path has "dmabuf" in it: not a dma-buf. */
		if (maps_is_dmabuf(&m)) {
			dmabufs++;
			CHECK_STR(m.path, "/dmabuf:camera-frame");
			CHECK_INT(m.ino, 1);
			CHECK_INT(m.end - m.start, 1 << 20);
			CHECK_STR(m.perms, "rw-s");
			CHECK_INT(m.dev_major, 0);
			CHECK_INT(m.dev_minor, 0xb);
		}
		maps_entry_free(&m);
	}
	free(text);
	CHECK_INT(dmabufs, 1);
	CHECK(lines > 10);
}

static void test_maps_odd(void)
{
	struct maps_entry m;

	CHECK(maps_parse_line("7f00-7f01 r--s 00001000 00:0b 42                         /dmabuf:a b\tc", &m));
	CHECK(maps_is_dmabuf(&m));
	CHECK_STR(m.path, "/dmabuf:a b\tc");
	CHECK_INT(m.offset, 0x1000);
	maps_entry_free(&m);
	/* An unnamed dma-buf, and anonymous memory. */
	CHECK(maps_parse_line("7f00-7f01 rw-s 00000000 00:0b 43                         /dmabuf:", &m));
	CHECK(maps_is_dmabuf(&m));
	maps_entry_free(&m);
	CHECK(maps_parse_line("7f00-7f01 rw-p 00000000 00:00 0 ", &m));
	CHECK(!maps_is_dmabuf(&m));
	CHECK_STR(m.path, "");
	maps_entry_free(&m);
	CHECK(!maps_parse_line("not a mapping", &m));
}

const struct unit_test proc_tests[] = {
	{ "fdinfo-dmabuf", test_fdinfo_dmabuf },
	{ "fdinfo-drm", test_fdinfo_drm },
	{ "fdinfo-names", test_fdinfo_names },
	{ "maps-scene", test_maps },
	{ "maps-odd", test_maps_odd },
	{}
};
