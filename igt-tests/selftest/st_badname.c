// SPDX-License-Identifier: MIT
/* Harness self test: an invalid subtest name aborts. */
#include "igt_core.h"

igt_main
{
	igt_subtest("good-name") {
	}

	igt_subtest("Bad Name") {
	}
}
