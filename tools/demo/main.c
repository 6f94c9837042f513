// SPDX-License-Identifier: MIT
/*
 * zero_copy: the zero-copy demo of drm_vgem_plus and drm_display (see
 * demo.h and --help). Exit status 0 when every frame was shown as it
 * should (and, with --hang, exactly the hung one skipped and reported),
 * 1 otherwise, 2 for a bad command line.
 */

#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>

#include <xf86drm.h>

#include "demo.h"

static void teardown(struct demo *d)
{
	struct drm_gem_close close_job = { .handle = d->job };

	captures_destroy(d);
	ring_destroy(d);
	if (d->job)
		drmIoctl(d->dev.vgem, DRM_IOCTL_GEM_CLOSE, &close_job);
	drmModeDestroyPropertyBlob(d->dev.display, d->out.mode_blob);
	devices_close(&d->dev);
	free(d->frames);
	free(d->bufinfo_idle);
	free(d->bufinfo_busy);
}

int main(int argc, char **argv)
{
	struct demo d = { .kmsg_fd = -1 };
	bool ok;

	options_parse(argc, argv, &d.o);
	setvbuf(stdout, NULL, _IOLBF, 0);
	devices_open(&d.dev);
	output_find(d.dev.display, d.o.width, d.o.height, &d.out);
	frames_run(&d);
	captures_check(&d);
	png_write_captures(&d);
	report_print(&d);
	if (d.o.report)
		report_write(&d, d.o.report);
	ok = report_ok(&d);
	teardown(&d);
	return ok ? 0 : 1;
}
