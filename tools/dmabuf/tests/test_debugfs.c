// SPDX-License-Identifier: MIT
/*
 * The parsers of drm_vgem_plus's and drm_display's debugfs files, on the
 * captured scene.
 */

#include <stdlib.h>

#include "display_debugfs_parse.h"
#include "unit.h"
#include "vgem_debugfs_parse.h"

#define VGEM "scene/sys/kernel/debug/dri/vgem_plus/"
#define DISPLAY "scene/sys/kernel/debug/dri/drm_display/"

static void test_vgem_objects(void)
{
	char *text = unit_read_data(VGEM "objects");
	const struct vgem_object *o;
	struct vgem_objects vo;

	CHECK(text);
	CHECK(vgem_objects_parse(text, &vo));
	free(text);
	CHECK_INT(vo.num_objects, 5);
	CHECK_INT(vo.num_clients, 1);

	o = vgem_object_by_ino(&vo, 3);
	CHECK(o);
	CHECK_INT(o->id, 1);
	CHECK_INT(o->size, 262144);
	CHECK_INT(o->creator_pid, 186);
	CHECK_STR(o->creator_comm, "compositor");
	CHECK_STR(o->exported_name, "render-target");
	CHECK_INT(o->num_fences, 1);
	CHECK_STR(o->fences[0].usage, "read");
	CHECK(o->fences[0].signalled);
	CHECK_INT(o->fences[0].error, -5);

	o = vgem_object_by_ino(&vo, 4);
	CHECK(o && o->num_fences == 1);
	CHECK_INT(o->fences[0].error, -110);

	o = vgem_object_by_ino(&vo, 7);
	CHECK(o);
	CHECK_INT(o->num_importers, 1);
	CHECK_STR(o->importers[0], "drm_display");
	CHECK(!o->fences[0].signalled);
	CHECK_INT(o->fences[0].error, 0);
	CHECK_INT(o->fences[0].seqno, 3);
	CHECK_STR(o->fences[0].timeline, "client-1");
	CHECK(o->fences[0].age_ms > 0);

	CHECK_INT(vo.clients[0].id, 1);
	CHECK_INT(vo.clients[0].pid, 186);
	CHECK_INT(vo.clients[0].num_handles, 5);
	CHECK_INT(vo.clients[0].handles[4].handle, 5);
	CHECK_INT(vo.clients[0].handles[4].object, 5);
	vgem_objects_free(&vo);
}

static void test_vgem_escapes(void)
{
	struct vgem_objects vo;

	CHECK(vgem_objects_parse(
		"object 9 size 4096 resident 0 creator 7 \"my\\040app\" age-ms 5\n"
		"\texported ino 12 exporter drm_vgem_plus name \"a\\011b\\042c\"\n"
		"\treservation locked\n"
		"\tfence kernel other ring 0 seq 4 unsignalled\n"
		"total objects 1 bytes 4096 clients 0\n", &vo));
	CHECK_INT(vo.num_objects, 1);
	CHECK_STR(vo.objects[0].creator_comm, "my app");
	CHECK_STR(vo.objects[0].exported_name, "a\tb\"c");
	CHECK(vo.objects[0].resv_locked);
	/* A foreign fence: no age. */
	CHECK_STR(vo.objects[0].fences[0].timeline, "ring 0");
	CHECK_INT(vo.objects[0].fences[0].age_ms, -1);
	vgem_objects_free(&vo);
}

static void test_display_waits(void)
{
	char *text = unit_read_data(DISPLAY "fence_waits");
	struct display_fence_waits fw;
	const struct display_wait *w;

	CHECK(text);
	CHECK(display_fence_waits_parse(text, &fw));
	free(text);
	CHECK_STR(fw.policy, "skip");
	CHECK_INT(fw.timeout_ms, 60000);
	CHECK_INT(fw.num_waits, 1);
	CHECK_INT(fw.total_waits, 1);
	w = &fw.waits[0];
	CHECK_STR(w->plane, "plane-0");
	CHECK_STR(w->crtc, "crtc-0");
	CHECK(w->since_ms > 0);
	CHECK_STR(w->driver, "drm_vgem_plus");
	CHECK_STR(w->timeline, "client-1");
	CHECK_INT(w->seqno, 3);
	CHECK_INT(w->ino, 7);
	CHECK_INT(w->committer_pid, 186);
	CHECK_STR(w->committer_comm, "compositor");
	CHECK_STR(w->name, "scanout-B");
	display_fence_waits_free(&fw);
}

static void test_display_scanout(void)
{
	char *fbs = unit_read_data(DISPLAY "framebuffers");
	char *planes = unit_read_data(DISPLAY "planes");
	struct display_scanout so = {};

	CHECK(fbs && planes);
	display_framebuffers_parse(fbs, &so);
	display_planes_parse(planes, &so);
	free(fbs);
	free(planes);
	CHECK_INT(so.num_fbs, 2);
	CHECK_INT(so.fbs[0].id, 51);
	CHECK_INT(so.fbs[0].width, 1024);
	CHECK_INT(so.fbs[0].owner_pid, 186);
	CHECK_STR(so.fbs[0].owner_comm, "compositor");
	CHECK_INT(so.fbs[0].num_layers, 1);
	CHECK_INT(so.fbs[0].layers[0].ino, 7);
	CHECK_STR(so.fbs[0].layers[0].exporter, "drm_vgem_plus");
	CHECK_STR(so.fbs[0].layers[0].name, "scanout-B");
	CHECK_INT(so.num_planes, 3);
	CHECK_STR(so.planes[0].name, "plane-0");
	CHECK_STR(so.planes[0].crtc, "crtc-0");
	CHECK_INT(so.planes[0].fb, 51);
	CHECK_INT(so.planes[0].shown_fb, 50);
	CHECK(so.planes[0].fence_wait);
	CHECK_STR(so.planes[1].crtc, "-");
	display_scanout_free(&so);
}

const struct unit_test debugfs_tests[] = {
	{ "vgem-objects-scene", test_vgem_objects },
	{ "vgem-objects-escapes", test_vgem_escapes },
	{ "display-fence-waits-scene", test_display_waits },
	{ "display-scanout-scene", test_display_scanout },
	{}
};
