// SPDX-License-Identifier: MIT
/* Harness self test: fixtures that skip/fail, subtest groups. */
#include "igt_core.h"

igt_main
{
	igt_fixture {
		igt_info("FIXTURE-TOP ran\n");
	}

	igt_subtest("top-pass") {
	}

	igt_describe("Group with a skipping fixture");
	igt_subtest_group {
		igt_fixture {
			igt_require_f(0, "group needs feature X\n");
		}

		igt_subtest("grp-skip-a") {
			igt_info("NOT REACHED\n");
		}

		igt_subtest("grp-skip-b") {
		}

		igt_subtest_group {
			igt_fixture {
				igt_info("NOT REACHED nested fixture\n");
			}
			igt_subtest("grp-nested-skip") {
			}
		}
	}

	igt_subtest("after-skip-group") {
	}

	igt_subtest_group {
		igt_fixture {
			igt_assert_eq(1, 2);
			igt_info("NOT REACHED\n");
		}

		igt_subtest("grp-fail-a") {
			igt_info("NOT REACHED\n");
		}

		igt_fixture {
			igt_info("NOT REACHED later fixture\n");
		}
	}

	igt_subtest("after-fail-group") {
	}

	igt_fixture {
		igt_skip("top-level skip\n");
	}

	igt_subtest("after-top-skip") {
	}
}
