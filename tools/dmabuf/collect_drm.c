// SPDX-License-Identifier: MIT
/*
 * DRM devices and what our drivers' debugfs files add to the buffers:
 * drm_vgem_plus's "objects" (GEM objects behind a dma-buf, the handles on
 * them, each fence's error and age) and drm_display's "fence_waits",
 * "framebuffers" and "planes" (what is on screen, what waits for which
 * fence since when). Device nodes come from libdrm.
 */

#define _GNU_SOURCE
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <xf86drm.h>

#include "collect.h"
#include "display_debugfs_parse.h"
#include "util.h"
#include "vgem_debugfs_parse.h"

#define MAX_DRM_DEVICES 64

/* ---- devices ----------------------------------------------------------- */

/* The name attachments give a device: PCI address or platform name. */
static char *libdrm_device_name(const drmDevice *d)
{
	const drmPciBusInfo *pci;

	switch (d->bustype) {
	case DRM_BUS_PCI:
		pci = d->businfo.pci;
		return xasprintf("%04x:%02x:%02x.%u", pci->domain, pci->bus,
				 pci->dev, pci->func);
	case DRM_BUS_PLATFORM:
		return xstrdup(d->businfo.platform->fullname);
	case DRM_BUS_HOST1X:
		return xstrdup(d->businfo.host1x->fullname);
	default:
		return NULL;
	}
}

static char *libdrm_nodes(const drmDevice *d)
{
	char *nodes = xstrdup(""), *more;
	int i;

	for (i = 0; i < DRM_NODE_MAX; i++) {
		if (!(d->available_nodes & (1 << i)))
			continue;
		more = xasprintf("%s%s%s", nodes, *nodes ? " " : "",
				 d->nodes[i]);
		free(nodes);
		nodes = more;
	}
	return nodes;
}

static struct drm_dev_info *dev_by_name(struct state *s, const char *device)
{
	size_t i;

	for (i = 0; i < s->num_devs; i++)
		if (!strcmp(s->devs[i].device, device))
			return &s->devs[i];
	return NULL;
}

static struct drm_dev_info *dev_add(struct state *s, const char *device)
{
	struct drm_dev_info *d = dev_by_name(s, device);

	if (d)
		return d;
	d = ARRAY_PUSH(s->devs, s->num_devs, s->cap_devs);
	d->device = xstrdup(device);
	d->driver = xstrdup("");
	d->kind = xstrdup("other");
	d->nodes = xstrdup("");
	d->dir = xstrdup("");
	return d;
}

/* Needs no privilege and opens no device: it reads sysfs and /dev. */
static void collect_libdrm(struct state *s)
{
	drmDevicePtr devices[MAX_DRM_DEVICES];
	struct drm_dev_info *d;
	char *name;
	int i, n;

	n = drmGetDevices2(0, devices, MAX_DRM_DEVICES);
	for (i = 0; i < n; i++) {
		name = libdrm_device_name(devices[i]);
		if (name) {
			d = dev_add(s, name);
			free(d->nodes);
			d->nodes = libdrm_nodes(devices[i]);
			free(name);
		}
	}
	if (n > 0)
		drmFreeDevices(devices, n);
}

/* "vgem dev=vgem_plus unique=vgem_plus": the driver, then key=values. */
static bool parse_name_file(const char *text, char **driver, char **device)
{
	const char *dev = strstr(text, " dev=");
	size_t n = strcspn(text, " \n"), at;

	if (!dev || !n)
		return false;
	at = dev - text + 5;
	*driver = xstrndup(text, n);
	*device = xstrndup(text + at, strcspn(text + at, " \n"));
	return true;
}

static char *read_debugfs(const char *dir, const char *file)
{
	char *path = xasprintf("%s/%s", dir, file), *text;
	int ret = read_file(path, 0, &text, NULL);

	free(path);
	return ret ? NULL : text;
}

static bool has_file(const char *dir, const char *file)
{
	char *path = xasprintf("%s/%s", dir, file);
	struct stat st;
	bool ret = !stat(path, &st);

	free(path);
	return ret;
}

/* ---- drm_vgem_plus ----------------------------------------------------- */

static const struct drm_client_ref *client_by_id(const struct state *s,
						 const char *driver,
						 unsigned long long id)
{
	size_t i;

	for (i = 0; i < s->num_clients; i++)
		if (s->clients[i].client == id &&
		    !strcmp(s->clients[i].driver, driver))
			return &s->clients[i];
	return NULL;
}

/* An exported object's buffer that bufinfo did not give (it timed out). */
static struct dbuf *vgem_buffer(struct state *s, const struct vgem_object *o)
{
	unsigned long ino = o->exported_ino ? o->exported_ino : o->imported_ino;
	struct fence_info *f;
	struct dbuf *b = state_find(s, ino);
	size_t i;

	if (b || !o->exported_ino)
		return b;
	b = state_add(s, ino);
	b->source = "drm_vgem_plus debugfs";
	b->exporter = xstrdup("drm_vgem_plus");
	b->size = o->size;
	b->name = *o->exported_name ? xstrdup(o->exported_name) : NULL;
	for (i = 0; i < o->num_importers; i++)
		*ARRAY_PUSH(b->importers, b->num_importers, b->cap_importers) =
			xstrdup(o->importers[i]);
	for (i = 0; i < o->num_fences; i++) {
		f = ARRAY_PUSH(b->fences, b->num_fences, b->cap_fences);
		f->usage = xstrdup(o->fences[i].usage);
		f->driver = xstrdup(o->fences[i].driver);
		f->timeline = xstrdup(o->fences[i].timeline);
		f->seqno = o->fences[i].seqno;
		f->signalled = o->fences[i].signalled;
		f->age_ms = -1;
	}
	return b;
}

static void add_handle(struct state *s, struct gem_ref *g,
		       const struct vgem_client *c, unsigned int handle)
{
	const struct drm_client_ref *fd = client_by_id(s, "vgem", c->id);
	struct gem_handle_ref *h = ARRAY_PUSH(g->handles, g->num_handles,
					      g->cap_handles);

	h->client = c->id;
	h->handle = handle;
	h->pid = fd ? fd->pid : c->pid;
	h->comm = xstrdup(fd ? fd->comm : c->comm);
	h->fd = fd ? fd->fd : -1;
}

/**
 * struct handle_key - one GEM handle, for finding an object's handles
 * @object: object id
 * @client: index of the client holding it
 * @handle: the handle
 */
struct handle_key {
	unsigned int object;
	size_t client;
	unsigned int handle;
};

static int cmp_handle_key(const void *a, const void *b)
{
	const struct handle_key *x = a, *y = b;

	return x->object < y->object ? -1 : x->object > y->object;
}

static struct handle_key *handle_keys(const struct vgem_objects *vo,
				      size_t *n)
{
	struct handle_key *keys = NULL;
	size_t i, j, cap = 0;

	*n = 0;
	for (i = 0; i < vo->num_clients; i++) {
		for (j = 0; j < vo->clients[i].num_handles; j++) {
			struct handle_key *k = ARRAY_PUSH(keys, *n, cap);

			k->object = vo->clients[i].handles[j].object;
			k->client = i;
			k->handle = vo->clients[i].handles[j].handle;
		}
	}
	if (*n)
		qsort(keys, *n, sizeof(*keys), cmp_handle_key);
	return keys;
}

static void vgem_join_object(struct state *s, const struct vgem_objects *vo,
			     const struct vgem_object *o,
			     const struct handle_key *keys, size_t nkeys)
{
	struct handle_key key = { .object = o->id }, *k;
	struct dbuf *b = vgem_buffer(s, o);
	struct gem_ref *g;

	if (!b)
		return;
	g = ARRAY_PUSH(b->gems, b->num_gems, b->cap_gems);
	g->driver = xstrdup("drm_vgem_plus");
	g->object = o->id;
	g->imported = !o->exported_ino;
	g->creator_pid = o->creator_pid;
	g->creator_comm = xstrdup(o->creator_comm);

	k = nkeys ? bsearch(&key, keys, nkeys, sizeof(*keys),
			    cmp_handle_key) : NULL;
	if (!k)
		return;
	while (k > keys && k[-1].object == o->id)
		k--;
	for (; k < keys + nkeys && k->object == o->id; k++)
		add_handle(s, g, &vo->clients[k->client], k->handle);
}

/* Every fence of drm_vgem_plus, wherever it sits, gets error and age. */
static void vgem_join_fence(struct state *s, const struct vgem_fence *vf)
{
	struct fence_info key = {
		.driver = vf->driver,
		.timeline = vf->timeline,
		.seqno = vf->seqno,
	}, *f;
	size_t i, j;

	for (i = 0; i < s->num_bufs; i++) {
		for (j = 0; j < s->bufs[i].num_fences; j++) {
			f = &s->bufs[i].fences[j];
			if (!fence_same(f, &key))
				continue;
			f->error_known = true;
			f->error = vf->error;
			if (vf->age_ms >= 0) {
				f->age_ms = vf->age_ms;
				f->age_source = AGE_VGEM;
			}
		}
	}
}

static void collect_vgem(struct state *s, const char *dir)
{
	struct vgem_objects vo;
	struct handle_key *keys;
	char *text = read_debugfs(dir, "objects");
	size_t i, j, nkeys;

	if (!text) {
		state_note(s, "%s/objects: cannot be read", dir);
		return;
	}
	vgem_objects_parse(text, &vo);
	free(text);
	keys = handle_keys(&vo, &nkeys);
	for (i = 0; i < vo.num_objects; i++) {
		vgem_join_object(s, &vo, &vo.objects[i], keys, nkeys);
		if (vo.objects[i].resv_locked)
			state_note(s, "drm_vgem_plus object %u: its reservation lock is held",
				   vo.objects[i].id);
		for (j = 0; j < vo.objects[i].num_fences; j++)
			vgem_join_fence(s, &vo.objects[i].fences[j]);
	}
	free(keys);
	vgem_objects_free(&vo);
}

/* ---- drm_display ------------------------------------------------------- */

/* "plane-0,plane-2": the planes whose @field is @fb. */
static char *planes_with(const struct display_scanout *so, unsigned int fb,
			 int field)
{
	const struct display_plane *p;
	char *list = xstrdup(""), *more;
	bool match;
	size_t i;

	for (i = 0; i < so->num_planes; i++) {
		p = &so->planes[i];
		match = field == 0 ? p->shown_fb == fb :
			field == 1 ? p->fb == fb : p->fb == fb && p->fence_wait;
		if (!match)
			continue;
		more = xasprintf("%s%s%s", list, *list ? "," : "", p->name);
		free(list);
		list = more;
	}
	return list;
}

static bool has_fb(const struct dbuf *b, const char *device, unsigned int fb)
{
	size_t i;

	for (i = 0; i < b->num_fbs; i++)
		if (b->fbs[i].fb == fb && !strcmp(b->fbs[i].device, device))
			return true;
	return false;
}

static void display_join_fb(struct state *s, const char *device,
			    const struct display_scanout *so,
			    const struct display_fb *fb)
{
	struct fb_ref *r;
	struct dbuf *b;
	size_t i;

	for (i = 0; i < fb->num_layers; i++) {
		b = fb->layers[i].ino ? state_find(s, fb->layers[i].ino) : NULL;
		if (!b || has_fb(b, device, fb->id))
			continue;
		r = ARRAY_PUSH(b->fbs, b->num_fbs, b->cap_fbs);
		r->device = xstrdup(device);
		r->fb = fb->id;
		r->owner_pid = fb->owner_pid;
		r->owner_comm = xstrdup(fb->owner_comm);
		r->shown_on = planes_with(so, fb->id, 0);
		r->committed_on = planes_with(so, fb->id, 1);
		r->waiting_on = planes_with(so, fb->id, 2);
	}
}

/* A commit waits that long at least: the fence is at least that old. */
static bool display_age_fences(struct state *s, const struct wait_ref *w)
{
	struct fence_info *f;
	bool found = false;
	size_t i, j;

	for (i = 0; i < s->num_bufs; i++) {
		for (j = 0; j < s->bufs[i].num_fences; j++) {
			f = &s->bufs[i].fences[j];
			if (!wait_is_for(w, f))
				continue;
			found = true;
			if (f->age_source != AGE_VGEM && f->age_ms < w->since_ms) {
				f->age_ms = w->since_ms;
				f->age_source = AGE_WAIT;
			}
		}
	}
	return found;
}

static void display_add_wait(struct state *s, const char *device,
			     const struct display_wait *dw)
{
	struct wait_ref *w = ARRAY_PUSH(s->waits, s->num_waits, s->cap_waits);

	w->device = xstrdup(device);
	w->plane = xstrdup(dw->plane);
	w->crtc = xstrdup(dw->crtc);
	w->since_ms = dw->since_ms;
	w->driver = xstrdup(dw->driver);
	w->timeline = xstrdup(dw->timeline);
	w->seqno = dw->seqno;
	w->ino = dw->ino;
	w->committer_pid = dw->committer_pid;
	w->committer_comm = xstrdup(dw->committer_comm);
	w->on_buffer = display_age_fences(s, w);
}

static void collect_display(struct state *s, const char *dir,
			    const char *device)
{
	struct display_fence_waits fw;
	struct display_scanout so = {};
	char *fbs = read_debugfs(dir, "framebuffers");
	char *planes = read_debugfs(dir, "planes");
	char *waits = read_debugfs(dir, "fence_waits");
	size_t i;

	if (!fbs || !planes || !waits)
		state_note(s, "%s: cannot read framebuffers, planes or fence_waits",
			   dir);
	display_framebuffers_parse(fbs ? fbs : "", &so);
	display_planes_parse(planes ? planes : "", &so);
	for (i = 0; i < so.num_fbs; i++)
		display_join_fb(s, device, &so, &so.fbs[i]);
	display_scanout_free(&so);

	display_fence_waits_parse(waits ? waits : "", &fw);
	for (i = 0; i < fw.num_waits; i++)
		display_add_wait(s, device, &fw.waits[i]);
	display_fence_waits_free(&fw);
	free(fbs);
	free(planes);
	free(waits);
}

/* ---- debugfs directories ----------------------------------------------- */

/* The minors' directories link to the device's: each device once. */
static void collect_dir(struct state *s, const char *dir)
{
	char *name = read_debugfs(dir, "name"), *driver, *device;
	struct drm_dev_info *d;

	if (!name || !parse_name_file(name, &driver, &device)) {
		free(name);
		return;
	}
	free(name);
	d = dev_by_name(s, device);
	if (d && *d->dir) {
		free(driver);
		free(device);
		return;
	}
	d = dev_add(s, device);
	free(d->dir);
	d->dir = xstrdup(dir);
	free(d->driver);
	d->driver = driver;
	free(d->kind);
	if (!strcmp(driver, "vgem") && has_file(dir, "objects")) {
		d->kind = xstrdup("drm_vgem_plus");
		collect_vgem(s, dir);
	} else if (has_file(dir, "fence_waits")) {
		d->kind = xstrdup("drm_display");
		collect_display(s, dir, device);
	} else {
		d->kind = xstrdup("other");
	}
	free(device);
}

/* Named directories first: they are the devices', the minors' link there. */
static int cmp_names_first(const struct dirent **a, const struct dirent **b)
{
	bool da = isdigit((unsigned char)(*a)->d_name[0]);
	bool db = isdigit((unsigned char)(*b)->d_name[0]);

	if (da != db)
		return da - db;
	return strcmp((*a)->d_name, (*b)->d_name);
}

void collect_drm(struct state *s, const struct collect_opts *opts)
{
	struct dirent **names;
	char *dir;
	int i, n;

	if (!*opts->root)
		collect_libdrm(s);
	s->debugfs_dri.path = root_path(opts, DEBUGFS_DRI_PATH);
	n = scandir(s->debugfs_dri.path, &names, NULL, cmp_names_first);
	if (n < 0) {
		s->debugfs_dri.err = errno;
		return;
	}
	s->debugfs_dri.ok = true;
	for (i = 0; i < n; i++) {
		if (names[i]->d_name[0] != '.') {
			dir = xasprintf("%s/%s", s->debugfs_dri.path,
					names[i]->d_name);
			collect_dir(s, dir);
			free(dir);
		}
		free(names[i]);
	}
	free(names);
}
