// SPDX-License-Identifier: MIT
/*
 * PNG files read with libpng's simplified API, loaded with dlopen: see
 * igt_demo_png.h.
 */

#define _GNU_SOURCE
#include <dlfcn.h>
#include <png.h>
#include <stdlib.h>
#include <string.h>

#include "igt_core.h"
#include "igt_demo_png.h"

static struct {
	int (*begin)(png_imagep image, const char *file);
	int (*finish)(png_imagep image, png_const_colorp background,
		      void *buffer, png_int_32 row_stride, void *colormap);
	void (*free)(png_imagep image);
} libpng;

static void libpng_load(void)
{
	void *lib;

	if (libpng.begin)
		return;
	lib = dlopen("libpng16.so.16", RTLD_NOW);
	igt_assert_f(lib, "libpng: %s\n", dlerror());
	libpng.begin = dlsym(lib, "png_image_begin_read_from_file");
	libpng.finish = dlsym(lib, "png_image_finish_read");
	libpng.free = dlsym(lib, "png_image_free");
	igt_assert(libpng.begin && libpng.finish && libpng.free);
}

uint8_t *igt_png_load_rgb(const char *path, uint32_t w, uint32_t h)
{
	png_image img;
	uint8_t *rgb;

	libpng_load();
	memset(&img, 0, sizeof(img));
	img.version = PNG_IMAGE_VERSION;
	igt_assert_f(libpng.begin(&img, path), "%s: %s\n", path, img.message);
	igt_assert_f(img.width == w && img.height == h,
		     "%s is %ux%u, not %ux%u\n", path, img.width, img.height, w, h);
	img.format = PNG_FORMAT_RGB;
	rgb = malloc(PNG_IMAGE_SIZE(img));
	igt_assert(rgb);
	igt_assert_f(libpng.finish(&img, NULL, rgb, 0, NULL), "%s: %s\n", path,
		     img.message);
	libpng.free(&img);
	return rgb;
}
