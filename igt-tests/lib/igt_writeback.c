// SPDX-License-Identifier: MIT
/*
 * Writeback connectors: see igt_writeback.h.
 */

#include <poll.h>
#include <string.h>
#include <sys/ioctl.h>

#include <linux/sync_file.h>

#include "igt_atomic.h"
#include "igt_core.h"
#include "igt_display.h"
#include "igt_writeback.h"
#include "ioctl_wrappers.h"

void kms_writeback_find(int fd, struct kms_writeback *wb)
{
	drmModeResPtr res;
	int i, j;

	igt_require(drmSetClientCap(fd, DRM_CLIENT_CAP_WRITEBACK_CONNECTORS, 1) == 0);
	res = drmModeGetResources(fd);
	igt_assert(res);
	memset(wb, 0, sizeof(*wb));

	for (i = 0; i < res->count_connectors && !wb->connector_id; i++) {
		drmModeConnectorPtr c = drmModeGetConnector(fd, res->connectors[i]);
		drmModeEncoderPtr e;

		igt_assert(c);
		if (c->connector_type == DRM_MODE_CONNECTOR_WRITEBACK &&
		    c->count_encoders) {
			e = drmModeGetEncoder(fd, c->encoders[0]);
			igt_assert(e);
			for (j = 0; j < res->count_crtcs; j++) {
				if (e->possible_crtcs & (1u << j)) {
					wb->crtc_id = res->crtcs[j];
					wb->crtc_index = j;
					break;
				}
			}
			wb->encoder_id = e->encoder_id;
			wb->connector_id = c->connector_id;
			drmModeFreeEncoder(e);
		}
		drmModeFreeConnector(c);
	}
	drmModeFreeResources(res);

	igt_require_f(wb->connector_id, "no writeback connector\n");
	igt_assert(wb->crtc_id);
	wb->primary_id = kms_find_plane(fd, wb->crtc_index,
					DRM_PLANE_TYPE_PRIMARY, 0);
	igt_assert(wb->primary_id);
}

void kms_connector_mode(int fd, uint32_t connector_id, uint16_t w, uint16_t h,
			drmModeModeInfo *mode)
{
	drmModeConnectorPtr c = drmModeGetConnector(fd, connector_id);
	bool found = false;
	int i;

	igt_assert(c);
	for (i = 0; i < c->count_modes && !found; i++) {
		if (c->modes[i].hdisplay == w && c->modes[i].vdisplay == h &&
		    c->modes[i].vrefresh == 60) {
			*mode = c->modes[i];
			found = true;
		}
	}
	drmModeFreeConnector(c);
	igt_assert_f(found, "connector %u has no mode %ux%u@60\n",
		     connector_id, w, h);
}

int kms_writeback_formats(int fd, const struct kms_writeback *wb,
			  uint32_t *formats, int max)
{
	drmModePropertyBlobPtr blob;
	uint64_t blob_id;
	int n;

	igt_assert(kms_prop_get(fd, wb->connector_id, DRM_MODE_OBJECT_CONNECTOR,
				"WRITEBACK_PIXEL_FORMATS", &blob_id));
	blob = drmModeGetPropertyBlob(fd, blob_id);
	igt_assert(blob);
	igt_assert_eq(blob->length % sizeof(uint32_t), 0);
	n = blob->length / sizeof(uint32_t);
	igt_assert(n <= max);
	memcpy(formats, blob->data, blob->length);
	drmModeFreePropertyBlob(blob);
	return n;
}

bool kms_sync_file_wait(int sync_fd, int timeout_ms)
{
	struct pollfd pfd = { .fd = sync_fd, .events = POLLIN };

	return poll(&pfd, 1, timeout_ms) == 1;
}

int kms_sync_file_status(int sync_fd)
{
	struct sync_file_info info;

	memset(&info, 0, sizeof(info));
	do_ioctl(sync_fd, SYNC_IOC_FILE_INFO, &info);
	return info.status;
}
