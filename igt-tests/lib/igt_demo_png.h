/* SPDX-License-Identifier: MIT */
/*
 * Reading the PNG files the demo programs (tools/demo/) write, for the
 * demo_* tests. libpng is loaded at run time: the tests link libdrm
 * only, and only these need it.
 */
#ifndef IGT_DEMO_PNG_H
#define IGT_DEMO_PNG_H

#include <stdint.h>

/*
 * The PNG at @path as 8-bit RGB, rows of 3 * @w bytes, malloc'ed; asserts
 * that it reads and is @w x @h.
 */
uint8_t *igt_png_load_rgb(const char *path, uint32_t w, uint32_t h);

#endif /* IGT_DEMO_PNG_H */
