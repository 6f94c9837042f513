// SPDX-License-Identifier: MIT
/*
 * Minimal IGT-compatible test core.  Implements the IGT test-binary
 * protocol (--list-subtests, --run-subtest, "Starting subtest:" and
 * "Subtest NAME: RESULT (N.NNNs)" lines, exit codes 0/77/79/98).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fnmatch.h>
#include <getopt.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "igt_core.h"

sigjmp_buf igt_subtest_jmpbuf;
enum igt_log_level igt_log_level = IGT_LOG_INFO;

static const char *command_str;

/* option state */
static bool list_subtests;
static bool describe_subtests;
static char *run_pattern;
static bool run_pattern_found;
static bool stderr_sentinel;

/* execution state */
static const char *in_subtest;
static bool in_fixture;
static struct timespec subtest_start;
static enum { CONT = 0, SKIP = 1, FAIL = 2 } skip_henceforth;
static bool succeeded_one, skipped_one, failed_one;
static int igt_exitcode = IGT_EXIT_SUCCESS;

/* igt_fork state */
static pid_t *children;
static int num_children, children_size;
static bool test_child;

/* igt_describe state */
#define DESC_LEN 512
#define MAX_GROUP_DEPTH 16
static char cur_desc[DESC_LEN];
static char group_desc[MAX_GROUP_DEPTH][DESC_LEN];
static int group_desc_depth;

enum {
	OPT_LIST_SUBTESTS = 500,
	OPT_RUN_SUBTEST,
	OPT_DESCRIBE,
	OPT_DEBUG,
	OPT_HELP = 'h',
};

__attribute__((noreturn, format(printf, 1, 2)))
static void internal_error(const char *fmt, ...)
{
	va_list ap;

	fflush(stdout);
	fprintf(stderr, "(%s:%d) CRITICAL: igt harness misuse: ",
		program_invocation_short_name, getpid());
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	abort();
}

/* ---- logging ---- */

void igt_vlog(enum igt_log_level level, const char *fmt, va_list ap)
{
	static const char *const names[] = {
		[IGT_LOG_DEBUG] = "DEBUG",
		[IGT_LOG_INFO] = "INFO",
		[IGT_LOG_WARN] = "WARNING",
		[IGT_LOG_CRITICAL] = "CRITICAL",
	};
	static bool continuation;	/* last message did not end a line */
	bool cont = continuation;
	char *line;
	FILE *f;
	size_t len;

	if (level >= IGT_LOG_NONE)
		return;
	if (igt_only_list_subtests() && level <= IGT_LOG_WARN)
		return;
	if (vasprintf(&line, fmt, ap) < 0)
		return;

	len = strlen(line);
	continuation = len && line[len - 1] != '\n';

	if (level >= igt_log_level) {
		f = level >= IGT_LOG_WARN ? stderr : stdout;
		if (level == IGT_LOG_INFO || cont)
			fputs(line, f);
		else
			fprintf(f, "(%s:%d) %s: %s", program_invocation_short_name,
				getpid(), names[level], line);
		fflush(f);
	}
	free(line);
}

void igt_log(enum igt_log_level level, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	igt_vlog(level, fmt, ap);
	va_end(ap);
}

/* ---- time ---- */

uint64_t igt_nsec_elapsed(struct timespec *start)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	if (!start->tv_sec && !start->tv_nsec) {
		*start = now;
		return 0;
	}
	return (uint64_t)(now.tv_sec - start->tv_sec) * 1000000000ull +
	       (now.tv_nsec - start->tv_nsec);
}

unsigned int igt_seconds_elapsed(struct timespec *start)
{
	return igt_nsec_elapsed(start) / 1000000000ull;
}

/* ---- options ---- */

static void print_usage(FILE *f)
{
	fprintf(f, "Usage: %s [OPTIONS]\n", command_str);
	fprintf(f, "  --list-subtests\n"
		   "  --run-subtest <pattern>\n"
		   "  --describe[=<pattern>]\n"
		   "  --debug[=log-domain]\n"
		   "  --help|-h\n");
}

static void print_version(void)
{
	struct utsname uts;

	if (uname(&uts))
		memset(&uts, 0, sizeof(uts));
	igt_info("IGT-Version: 1.0-drm_vgem_plus (%s) (%s: %s %s)\n",
		 uts.machine, uts.sysname, uts.release, uts.machine);
}

void igt_subtest_init(int argc, char **argv)
{
	static const struct option long_opts[] = {
		{ "list-subtests", no_argument, NULL, OPT_LIST_SUBTESTS },
		{ "run-subtest", required_argument, NULL, OPT_RUN_SUBTEST },
		{ "describe", optional_argument, NULL, OPT_DESCRIBE },
		{ "debug", optional_argument, NULL, OPT_DEBUG },
		{ "help", no_argument, NULL, OPT_HELP },
		{ NULL, 0, NULL, 0 },
	};
	const char *env;
	int c;

	/* Keep every line even if we get killed by a timeout. */
	setvbuf(stdout, NULL, _IOLBF, 0);
	setvbuf(stderr, NULL, _IONBF, 0);

	command_str = strrchr(argv[0], '/') ? strrchr(argv[0], '/') + 1 : argv[0];

	env = getenv("IGT_LOG_LEVEL");
	if (env) {
		if (!strcmp(env, "debug"))
			igt_log_level = IGT_LOG_DEBUG;
		else if (!strcmp(env, "info"))
			igt_log_level = IGT_LOG_INFO;
		else if (!strcmp(env, "warn"))
			igt_log_level = IGT_LOG_WARN;
		else if (!strcmp(env, "critical"))
			igt_log_level = IGT_LOG_CRITICAL;
		else if (!strcmp(env, "none"))
			igt_log_level = IGT_LOG_NONE;
	}
	stderr_sentinel = getenv("IGT_SENTINEL_ON_STDERR") != NULL;

	while ((c = getopt_long(argc, argv, "h", long_opts, NULL)) != -1) {
		switch (c) {
		case OPT_LIST_SUBTESTS:
			/* like IGT: the first of list/run wins */
			if (!run_pattern)
				list_subtests = true;
			break;
		case OPT_RUN_SUBTEST:
			if (!list_subtests)
				run_pattern = strdup(optarg);
			break;
		case OPT_DESCRIBE:
			if (optarg)
				run_pattern = strdup(optarg);
			list_subtests = true;
			describe_subtests = true;
			break;
		case OPT_DEBUG:
			igt_log_level = IGT_LOG_DEBUG;
			break;
		case OPT_HELP:
			print_usage(stdout);
			exit(IGT_EXIT_SUCCESS);
		default:
			print_usage(stderr);
			exit(IGT_EXIT_INVALID);
		}
	}

	if (!list_subtests)
		print_version();

	errno = 0;
}

bool igt_only_list_subtests(void)
{
	return list_subtests;
}

const char *igt_subtest_name(void)
{
	return in_subtest;
}

const char *igt_test_name(void)
{
	return command_str;
}

/* ---- fixtures, subtests, groups ---- */

bool __igt_fixture(void)
{
	if (in_fixture)
		internal_error("nesting igt_fixture is invalid\n");
	if (in_subtest)
		internal_error("igt_fixture inside igt_subtest is invalid\n");

	if (list_subtests || skip_henceforth)
		return false;

	in_fixture = true;
	return true;
}

void __igt_fixture_complete(void)
{
	in_fixture = false;
}

__attribute__((noreturn))
static void fixture_end(void)
{
	in_fixture = false;
	siglongjmp(igt_subtest_jmpbuf, 1);
}

static bool valid_subtest_name(const char *name)
{
	const char *p;

	if (!*name)
		return false;
	for (p = name; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
		      *p == '-' || *p == '_'))
			return false;
	return true;
}

/*
 * Comma separated list of fnmatch() globs; a leading '!' negates a glob.
 * The last glob that matches decides (uwildmat semantics, as in IGT).
 */
static bool subtest_matches(const char *name, const char *patterns)
{
	char *copy = strdup(patterns), *save = NULL, *tok;
	bool match = false;

	if (!copy)
		internal_error("out of memory\n");
	for (tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		bool negate = tok[0] == '!';

		if (fnmatch(tok + negate, name, 0) == 0)
			match = !negate;
	}
	free(copy);
	return match;
}

static void print_description(const char *name, const char *file, int line)
{
	bool any = false;
	int i;

	printf("SUB %s %s:%d:\n", name, file, line);
	for (i = 0; i < group_desc_depth; i++) {
		printf("  %s\n\n", group_desc[i]);
		any = true;
	}
	if (cur_desc[0]) {
		printf("  %s\n\n", cur_desc);
		any = true;
	}
	if (!any)
		printf("  NO DOCUMENTATION!\n\n");
}

static void result_message(const char *name, const char *result, double secs)
{
	printf("Subtest %s: %s (%.3fs)\n", name, result, secs);
	fflush(stdout);
	if (stderr_sentinel)
		fprintf(stderr, "Subtest %s: %s (%.3fs)\n", name, result, secs);
}

bool __igt_run_subtest(const char *name, const char *file, int line)
{
	if (in_subtest || in_fixture)
		internal_error("igt_subtest(\"%s\") may only be nested in igt_main or igt_subtest_group\n",
			       name);

	if (!valid_subtest_name(name))
		internal_error("Invalid subtest name \"%s\" (allowed: [a-z0-9_-])\n", name);

	if (run_pattern) {
		if (!subtest_matches(name, run_pattern)) {
			cur_desc[0] = '\0';
			return false;
		}
		run_pattern_found = true;
	}

	if (describe_subtests) {
		print_description(name, file, line);
		cur_desc[0] = '\0';
		return false;
	}
	if (list_subtests) {
		printf("%s\n", name);
		return false;
	}

	if (skip_henceforth) {
		result_message(name, skip_henceforth == SKIP ? "SKIP" : "FAIL", 0.0);
		return false;
	}

	printf("Starting subtest: %s\n", name);
	fflush(stdout);
	if (stderr_sentinel)
		fprintf(stderr, "Starting subtest: %s\n", name);

	subtest_start.tv_sec = 0;
	subtest_start.tv_nsec = 0;
	igt_nsec_elapsed(&subtest_start);
	in_subtest = name;
	errno = 0;
	return true;
}

static void kill_children(void)
{
	int c;

	for (c = 0; c < num_children; c++) {
		if (children[c] > 0) {
			kill(children[c], SIGKILL);
			waitpid(children[c], NULL, 0);
		}
	}
	num_children = 0;
}

__attribute__((noreturn))
static void exit_subtest(const char *result)
{
	double secs = igt_nsec_elapsed(&subtest_start) / 1e9;

	result_message(in_subtest, result, secs);
	kill_children();	/* children left behind by a failed subtest */
	in_subtest = NULL;
	siglongjmp(igt_subtest_jmpbuf, 1);
}

int __igt_subtest_group_save(void)
{
	int pushed = 0;

	if (cur_desc[0]) {
		if (group_desc_depth < MAX_GROUP_DEPTH) {
			memcpy(group_desc[group_desc_depth++], cur_desc, DESC_LEN);
			pushed = 1;
		}
		cur_desc[0] = '\0';
	}
	return (int)skip_henceforth | pushed << 4;
}

void __igt_subtest_group_restore(int state)
{
	if (state >> 4)
		group_desc_depth--;
	skip_henceforth = state & 0xf;
}

void igt_describe_f(const char *fmt, ...)
{
	va_list ap;

	if (!describe_subtests)
		return;
	va_start(ap, fmt);
	vsnprintf(cur_desc, sizeof(cur_desc), fmt, ap);
	va_end(ap);
}

/* ---- results ---- */

void igt_success(void)
{
	if (test_child)
		exit(IGT_EXIT_SUCCESS);
	if (!in_subtest)
		internal_error("igt_success outside of a subtest\n");
	succeeded_one = true;
	exit_subtest("SUCCESS");
}

void igt_fail(int exitcode)
{
	if (exitcode == IGT_EXIT_SUCCESS || exitcode == IGT_EXIT_SKIP)
		internal_error("igt_fail(%d): invalid failure code\n", exitcode);

	if (test_child)
		exit(exitcode);

	if (!failed_one)
		igt_exitcode = exitcode;
	failed_one = true;

	if (in_subtest)
		exit_subtest("FAIL");
	if (in_fixture) {
		skip_henceforth = FAIL;
		fixture_end();
	}
	internal_error("failing is only allowed in fixtures and subtests\n");
}

void igt_skip(const char *fmt, ...)
{
	va_list ap;

	if (test_child)
		internal_error("skips are not allowed in forked children\n");

	skipped_one = true;

	if (!list_subtests) {
		va_start(ap, fmt);
		vprintf(fmt, ap);
		va_end(ap);
		fflush(stdout);
	}

	if (in_subtest)
		exit_subtest("SKIP");
	if (in_fixture) {
		skip_henceforth = SKIP;
		fixture_end();
	}
	internal_error("skipping is only allowed in fixtures and subtests\n");
}

void __igt_fail_assert(const char *file, int line, const char *func,
		       const char *assertion, const char *fmt, ...)
{
	int err = errno;
	va_list ap;

	igt_critical("Test assertion failure function %s, file %s:%i:\n",
		     func, file, line);
	igt_critical("Failed assertion: %s\n", assertion);
	if (err)
		igt_critical("Last errno: %i, %s\n", err, strerror(err));
	if (fmt) {
		va_start(ap, fmt);
		igt_vlog(IGT_LOG_CRITICAL, fmt, ap);
		va_end(ap);
	}
	igt_fail(IGT_EXIT_FAILURE);
}

void __igt_skip_check(const char *file, int line, const char *func,
		      const char *check, const char *fmt, ...)
{
	static char *msg;	/* igt_skip() does not return: free it next time */
	int err = errno;
	char errstr[128] = "";
	va_list ap;

	if (err)
		snprintf(errstr, sizeof(errstr), "Last errno: %i, %s\n", err, strerror(err));

	free(msg);
	msg = NULL;
	if (fmt) {
		va_start(ap, fmt);
		if (vasprintf(&msg, fmt, ap) < 0)
			msg = NULL;
		va_end(ap);
	}

	igt_skip("Test requirement not met in function %s, file %s:%i:\n"
		 "Test requirement: %s\n%s%s",
		 func, file, line, check, msg ? msg : "", errstr);
}

void igt_exit(void)
{
	if (run_pattern && !run_pattern_found) {
		igt_critical("Unknown subtest: %s\n", run_pattern);
		exit(IGT_EXIT_INVALID);
	}

	if (list_subtests)
		exit(IGT_EXIT_SUCCESS);

	kill_children();

	if (!failed_one)
		igt_exitcode = succeeded_one ? IGT_EXIT_SUCCESS : IGT_EXIT_SKIP;

	igt_debug("Exiting with status code %d\n", igt_exitcode);
	fflush(NULL);
	exit(igt_exitcode);
}

/* ---- forked children ---- */

bool __igt_fork(void)
{
	pid_t pid;

	if (!in_subtest || in_fixture)
		internal_error("igt_fork is only allowed inside a subtest\n");
	if (test_child)
		internal_error("igt_fork is not allowed in forked children\n");

	if (num_children >= children_size) {
		children_size = children_size ? 2 * children_size : 4;
		children = realloc(children, children_size * sizeof(*children));
		if (!children)
			internal_error("out of memory\n");
	}

	fflush(NULL);
	pid = fork();
	igt_assert_f(pid >= 0, "fork failed\n");
	if (pid == 0) {
		test_child = true;
		num_children = 0;
		return true;
	}
	children[num_children++] = pid;
	return false;
}

void igt_waitchildren(void)
{
	int err = 0, count = 0;

	if (test_child)
		internal_error("igt_waitchildren in a forked child\n");

	while (count < num_children) {
		int status = -1, c;
		pid_t pid = wait(&status);

		if (pid < 0) {
			if (errno == EINTR)
				continue;
			printf("wait(num_children:%d) failed with %m\n", num_children - count);
			if (!err)
				err = IGT_EXIT_FAILURE;
			break;
		}

		for (c = 0; c < num_children; c++)
			if (children[c] == pid)
				break;
		if (c == num_children)
			continue;	/* not one of ours */
		children[c] = -1;

		if (!err && status) {
			if (WIFEXITED(status)) {
				printf("child %i failed with exit status %i\n",
				       c, WEXITSTATUS(status));
				err = WEXITSTATUS(status);
			} else if (WIFSIGNALED(status)) {
				printf("child %i died with signal %i, %s\n",
				       c, WTERMSIG(status), strsignal(WTERMSIG(status)));
				err = 128 + WTERMSIG(status);
			} else {
				printf("Unhandled failure [%d] in child %i\n", status, c);
				err = IGT_EXIT_FAILURE;
			}
			for (int k = 0; k < num_children; k++)
				if (children[k] > 0)
					kill(children[k], SIGKILL);
		}
		count++;
	}
	num_children = 0;
	fflush(stdout);

	if (err == IGT_EXIT_SKIP)	/* a child cannot skip the subtest */
		err = IGT_EXIT_FAILURE;
	if (err)
		igt_fail(err);
}

static void (*exit_handler_fn)(void);

static void exit_signal_handler(int sig)
{
	exit_handler_fn();
	raise(sig);	/* SA_RESETHAND: now the default action */
}

void igt_install_exit_handler(void (*fn)(void))
{
	static const int sigs[] = { SIGTERM, SIGINT, SIGHUP, SIGQUIT, SIGABRT,
				    SIGSEGV, SIGBUS };
	struct sigaction sa = {
		.sa_handler = exit_signal_handler,
		.sa_flags = SA_RESETHAND,
	};
	unsigned int i;

	igt_assert(!exit_handler_fn);
	exit_handler_fn = fn;
	for (i = 0; i < ARRAY_SIZE(sigs); i++)
		igt_assert_eq(sigaction(sigs[i], &sa, NULL), 0);
	igt_assert_eq(atexit(fn), 0);
}
