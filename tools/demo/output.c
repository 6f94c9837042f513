// SPDX-License-Identifier: MIT
/*
 * The pipe of drm_display the demo drives: the first connected virtual
 * connector, its CRTC and primary plane, the writeback connector on the
 * same CRTC, and the mode.
 */

#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <xf86drm.h>
#include <xf86drmMode.h>

#include "demo.h"

uint32_t prop_id(int fd, uint32_t obj_id, uint32_t obj_type, const char *name)
{
	drmModeObjectPropertiesPtr props;
	uint32_t i, id = 0;

	props = drmModeObjectGetProperties(fd, obj_id, obj_type);
	if (!props)
		die("no properties on KMS object %u\n", obj_id);
	for (i = 0; i < props->count_props && !id; i++) {
		drmModePropertyPtr p = drmModeGetProperty(fd, props->props[i]);

		if (p && !strcmp(p->name, name))
			id = p->prop_id;
		drmModeFreeProperty(p);
	}
	drmModeFreeObjectProperties(props);
	if (!id)
		die("KMS object %u has no property %s\n", obj_id, name);
	return id;
}

static uint64_t plane_type(int fd, uint32_t plane_id)
{
	drmModeObjectPropertiesPtr props;
	uint64_t type = ~0ull;
	uint32_t i;

	props = drmModeObjectGetProperties(fd, plane_id, DRM_MODE_OBJECT_PLANE);
	for (i = 0; props && i < props->count_props; i++) {
		drmModePropertyPtr p = drmModeGetProperty(fd, props->props[i]);

		if (p && !strcmp(p->name, "type"))
			type = props->prop_values[i];
		drmModeFreeProperty(p);
	}
	drmModeFreeObjectProperties(props);
	return type;
}

/* The CRTC the connector's first encoder can drive first. */
static void find_crtc(int fd, drmModeRes *res, drmModeConnector *c,
		      struct output *out)
{
	drmModeEncoderPtr enc;
	int i;

	if (!c->count_encoders)
		die("connector %u has no encoder\n", c->connector_id);
	enc = drmModeGetEncoder(fd, c->encoders[0]);
	if (!enc)
		die_errno("drmModeGetEncoder");
	for (i = 0; i < res->count_crtcs; i++) {
		if (enc->possible_crtcs & (1u << i)) {
			out->crtc_id = res->crtcs[i];
			out->crtc_index = i;
			break;
		}
	}
	drmModeFreeEncoder(enc);
	if (!out->crtc_id)
		die("connector %u can drive no CRTC\n", c->connector_id);
}

static void find_planes(int fd, struct output *out)
{
	drmModePlaneResPtr planes = drmModeGetPlaneResources(fd);
	uint32_t i;

	if (!planes)
		die_errno("drmModeGetPlaneResources");
	for (i = 0; i < planes->count_planes; i++) {
		drmModePlanePtr p = drmModeGetPlane(fd, planes->planes[i]);

		if (!p)
			die_errno("drmModeGetPlane");
		if (p->possible_crtcs & (1u << out->crtc_index)) {
			if (!out->primary_id &&
			    plane_type(fd, p->plane_id) == DRM_PLANE_TYPE_PRIMARY) {
				out->primary_id = p->plane_id;
				out->plane_index = i;
			} else if (out->num_other_planes < 8) {
				out->other_planes[out->num_other_planes++] =
					p->plane_id;
			}
		}
		drmModeFreePlane(p);
	}
	drmModeFreePlaneResources(planes);
	if (!out->primary_id)
		die("no primary plane for crtc-%d\n", out->crtc_index);
}

/* @width x @height at the rate nearest 60 Hz, or the preferred mode. */
static void pick_mode(drmModeConnector *c, unsigned int width,
		      unsigned int height, struct output *out)
{
	int i, best = -1;

	for (i = 0; i < c->count_modes; i++) {
		const drmModeModeInfo *m = &c->modes[i];

		if (!width) {
			if (m->type & DRM_MODE_TYPE_PREFERRED)
				best = i;
			continue;
		}
		if (m->hdisplay != width || m->vdisplay != height)
			continue;
		if (best < 0 || abs((int)m->vrefresh - 60) <
				abs((int)c->modes[best].vrefresh - 60))
			best = i;
	}
	if (best < 0 && !width && c->count_modes)
		best = 0;
	if (best < 0)
		die("connector %s has no mode %ux%u\n", out->connector_name,
		    width, height);
	out->mode = c->modes[best];
}

/* The writeback connector whose encoder can be on our CRTC. */
static void find_writeback(int fd, drmModeRes *res, struct output *out)
{
	int i;

	for (i = 0; i < res->count_connectors && !out->wb_connector_id; i++) {
		drmModeConnectorPtr c = drmModeGetConnector(fd, res->connectors[i]);
		drmModeEncoderPtr enc;

		if (!c)
			continue;
		if (c->connector_type == DRM_MODE_CONNECTOR_WRITEBACK &&
		    c->count_encoders) {
			enc = drmModeGetEncoder(fd, c->encoders[0]);
			if (enc && enc->possible_crtcs & (1u << out->crtc_index))
				out->wb_connector_id = c->connector_id;
			drmModeFreeEncoder(enc);
		}
		drmModeFreeConnector(c);
	}
}

void output_find(int fd, unsigned int width, unsigned int height,
		 struct output *out)
{
	drmModeResPtr res;
	int i;

	memset(out, 0, sizeof(*out));
	if (drmSetClientCap(fd, DRM_CLIENT_CAP_UNIVERSAL_PLANES, 1) ||
	    drmSetClientCap(fd, DRM_CLIENT_CAP_ATOMIC, 1))
		die("drm_display refuses atomic modesetting\n");
	/* Without it the writeback connector is not listed. */
	drmSetClientCap(fd, DRM_CLIENT_CAP_WRITEBACK_CONNECTORS, 1);
	res = drmModeGetResources(fd);
	if (!res)
		die_errno("drmModeGetResources");

	for (i = 0; i < res->count_connectors && !out->connector_id; i++) {
		drmModeConnectorPtr c = drmModeGetConnector(fd, res->connectors[i]);

		if (!c)
			continue;
		if (c->connection == DRM_MODE_CONNECTED &&
		    c->connector_type != DRM_MODE_CONNECTOR_WRITEBACK) {
			out->connector_id = c->connector_id;
			snprintf(out->connector_name, sizeof(out->connector_name),
				 "%s-%u", drmModeGetConnectorTypeName(c->connector_type),
				 c->connector_type_id);
			pick_mode(c, width, height, out);
			find_crtc(fd, res, c, out);
		}
		drmModeFreeConnector(c);
	}
	if (!out->connector_id)
		die("drm_display has no connected connector\n");
	find_planes(fd, out);
	find_writeback(fd, res, out);
	drmModeFreeResources(res);
	if (drmModeCreatePropertyBlob(fd, &out->mode, sizeof(out->mode),
				      &out->mode_blob))
		die_errno("drmModeCreatePropertyBlob");
}
