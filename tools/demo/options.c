// SPDX-License-Identifier: MIT
/*
 * The demo's command line.
 */

#define _GNU_SOURCE
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "demo.h"

static const char usage[] =
"usage: zero_copy [OPTION]...\n"
"Renders frames by CPU into a ring of drm_vgem_plus buffers that drm_display\n"
"scans out through dma-buf, zero-copy, each flip held back by a fence until\n"
"its frame is drawn; prints what happened and checks what the display showed\n"
"through its writeback connector.\n"
"\n"
"  --frames N        frames to show (default 60)\n"
"  --mode WxH        mode of the display (default: its preferred mode)\n"
"  --format NAME     buffers in xrgb8888 (default), rgb565 or xrgb2101010\n"
"  --sync MODE       implicit: a write fence on the buffer (default);\n"
"                    explicit: the fence as the plane's IN_FENCE_FD, as a\n"
"                    sync_file, and none on the buffer;\n"
"                    none: no fence, the flip may show a frame half drawn\n"
"  --late MS         signal each fence MS ms after the frame is drawn\n"
"  --hang[=F]        never signal frame F's fence (default: the middle\n"
"                    frame): drm_display times out, reports it and skips it\n"
"  --captures N      frames to capture through writeback (default 4)\n"
"  --png DIR         write the captures and an overview there as PNG\n"
"  --report FILE     write every frame's numbers there, for tests\n"
"  --brief           leave out the devices, buffers and bufinfo at the start\n";

static unsigned int number(const char *arg, const char *what)
{
	char *end;
	unsigned long v = strtoul(arg, &end, 10);

	if (!*arg || *end || v > 1000000)
		die("bad %s \"%s\"\n%s", what, arg, usage);
	return v;
}

static enum sync_mode sync_mode(const char *arg)
{
	if (!strcmp(arg, "implicit"))
		return SYNC_IMPLICIT;
	if (!strcmp(arg, "explicit"))
		return SYNC_EXPLICIT;
	if (!strcmp(arg, "none"))
		return SYNC_NONE;
	die("bad --sync \"%s\"\n%s", arg, usage);
}

static void check(const struct options *o)
{
	if (!o->frames)
		die("--frames must be at least 1\n");
	if (o->hang_frame >= (int)o->frames)
		die("--hang=%d: there are only %u frames\n", o->hang_frame,
		    o->frames);
	if (o->hang_frame >= 0 && o->sync == SYNC_NONE)
		die("--hang needs a fence: not with --sync=none\n");
	if (o->captures > MAX_CAPTURES)
		die("at most %d captures\n", MAX_CAPTURES);
	if (o->width && (o->width < 64 || o->height < 64))
		die("--mode: at least 64x64\n");
}

void options_parse(int argc, char **argv, struct options *o)
{
	static const struct option longopts[] = {
		{ "frames", required_argument, NULL, 'n' },
		{ "mode", required_argument, NULL, 'm' },
		{ "format", required_argument, NULL, 'f' },
		{ "sync", required_argument, NULL, 's' },
		{ "late", required_argument, NULL, 'l' },
		{ "hang", optional_argument, NULL, 'H' },
		{ "captures", required_argument, NULL, 'c' },
		{ "png", required_argument, NULL, 'p' },
		{ "report", required_argument, NULL, 'r' },
		{ "brief", no_argument, NULL, 'b' },
		{ "help", no_argument, NULL, 'h' },
		{}
	};
	bool hang = false;
	int c, hang_at = -1;

	*o = (struct options){ .frames = 60, .format = DRM_FORMAT_XRGB8888,
			       .sync = SYNC_IMPLICIT, .hang_frame = -1,
			       .captures = 4 };
	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (c) {
		case 'n':
			o->frames = number(optarg, "--frames");
			break;
		case 'm':
			if (sscanf(optarg, "%ux%u", &o->width, &o->height) != 2)
				die("bad --mode \"%s\"\n%s", optarg, usage);
			break;
		case 'f':
			o->format = format_from_name(optarg);
			if (!o->format)
				die("bad --format \"%s\"\n%s", optarg, usage);
			break;
		case 's':
			o->sync = sync_mode(optarg);
			break;
		case 'l':
			o->late_ms = number(optarg, "--late");
			break;
		case 'H':
			hang = true;
			if (optarg)
				hang_at = number(optarg, "--hang");
			break;
		case 'c':
			o->captures = number(optarg, "--captures");
			break;
		case 'p':
			o->png_dir = optarg;
			break;
		case 'r':
			o->report = optarg;
			break;
		case 'b':
			o->brief = true;
			break;
		case 'h':
			fputs(usage, stdout);
			exit(0);
		default:
			fputs(usage, stderr);
			exit(2);
		}
	}
	if (optind < argc)
		die("unexpected argument \"%s\"\n%s", argv[optind], usage);
	if (hang)
		o->hang_frame = hang_at >= 0 ? hang_at : (int)o->frames / 2;
	check(o);
}
