// SPDX-License-Identifier: MIT
/*
 * drm_bench: how long the kernel spends in a function, per call, with
 * ftrace's function_graph tracer limited to that function at depth 1.
 *
 * Composition runs in kernel workers, not in the benchmark's process, so
 * neither getrusage() nor the commit's wall time tells its cost; the
 * duration of each call of the composition worker does. Only the listed
 * functions are patched, so nothing else slows down.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bench.h"

#define TRACEFS "/sys/kernel/tracing"

static bool traced;

/* Writes @s to a tracefs file, replacing what it held. */
static int tw(const char *file, const char *s)
{
	char path[128];
	ssize_t n = 0;
	int fd;

	snprintf(path, sizeof(path), TRACEFS "/%s", file);
	fd = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (*s)
		n = write(fd, s, strlen(s));
	close(fd);
	return n == (ssize_t)strlen(s) ? 0 : -EIO;
}

/* Adds @s to a filter file. */
static int tw_add(const char *file, const char *s)
{
	char path[128];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), TRACEFS "/%s", file);
	fd = open(path, O_WRONLY | O_APPEND | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = write(fd, s, strlen(s));
	close(fd);
	return n == (ssize_t)strlen(s) ? 0 : -EIO;
}

/* Sets a filter file to the names in @list that ftrace knows. */
static int set_filter(const char *file, const char *list)
{
	char copy[2048], *name, *save = NULL;
	int ok = 0;

	snprintf(copy, sizeof(copy), "%s", list);
	tw(file, "");
	for (name = strtok_r(copy, " ", &save); name;
	     name = strtok_r(NULL, " ", &save)) {
		if (tw_add(file, name))
			note("ftrace: cannot trace %s", name);
		else
			ok++;
	}
	return ok ? 0 : -ENOENT;
}

/* Empties a trace file by opening it with O_TRUNC, as "echo > trace". */
static void trace_clear(void)
{
	int fd = open(TRACEFS "/trace", O_WRONLY | O_TRUNC | O_CLOEXEC);

	if (fd >= 0)
		close(fd);
}

/*
 * function_graph from the functions in @list (space separated) down to
 * @depth levels, through the functions that @filter lets ftrace patch
 * (@list itself when NULL). Patching every function of the kernel under
 * TCG once ended in an "Oops: int3" in a CPU that ran a site being
 * patched: patch few, and only while nothing runs them.
 */
bool trace_setup_graph(const char *list, const char *filter, int depth,
		       int buffer_kb)
{
	char num[16];

	tw("tracing_on", "0");
	tw("current_tracer", "nop");
	if (set_filter("set_ftrace_filter", filter ? filter : list) ||
	    set_filter("set_graph_function", list)) {
		note("ftrace cannot trace %s", list);
		return false;
	}
	snprintf(num, sizeof(num), "%d", depth);
	tw("max_graph_depth", num);
	tw("options/funcgraph-irqs", "0");
	tw("options/funcgraph-proc", "0");
	tw("options/funcgraph-overhead", "0");
	snprintf(num, sizeof(num), "%d", buffer_kb);
	tw("buffer_size_kb", num);
	if (tw("current_tracer", "function_graph")) {
		note("no function_graph tracer");
		return false;
	}
	traced = true;
	return true;
}

bool trace_setup(const char *const *fns, int n)
{
	char list[256] = "";
	int i;

	for (i = 0; i < n; i++) {
		strncat(list, fns[i], sizeof(list) - strlen(list) - 2);
		strcat(list, " ");
	}
	return trace_setup_graph(list, NULL, 1, 1024);
}

/* Stops tracing and copies the trace to @path. */
int trace_save(const char *path)
{
	char buf[65536];
	ssize_t n;
	int in, out;

	if (!traced)
		return -EINVAL;
	tw("tracing_on", "0");
	in = open(TRACEFS "/trace", O_RDONLY | O_CLOEXEC);
	out = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (in < 0 || out < 0)
		die("trace_save %s: %s", path, strerror(errno));
	while ((n = read(in, buf, sizeof(buf))) > 0)
		if (write(out, buf, n) != n)
			die("write %s: %s", path, strerror(errno));
	close(in);
	close(out);
	return 0;
}

void trace_start(void)
{
	if (!traced)
		return;
	trace_clear();
	tw("tracing_on", "1");
}

/*
 * Lines look like " 1) # 12345.678 us |  vkms_composer_worker [vkms]();"
 * (" 1) $ 1429060 us  |  ..." from a second on)
 * (with depth 1 every call is a leaf), or a closing brace and the name
 * in a C comment when other events came between its entry and its exit. Returns the
 * number of calls of @fn found, their durations in @dur.
 */
static int trace_read(const char *fn, double *dur, int max, bool stop)
{
	static char buf[1 << 20];
	char *line, *save = NULL;
	int n = 0;

	if (!traced)
		return 0;
	if (stop)
		tw("tracing_on", "0");
	if (read_file(TRACEFS "/trace", buf, sizeof(buf)) < 0)
		return 0;
	for (line = strtok_r(buf, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		char *us = strstr(line, " us "), *p, *name;
		size_t fl = strlen(fn);

		if (!us || line[0] == '#')
			continue;
		/* Durations of 7 digits and more have more room before "|". */
		name = us + 4;
		while (*name == ' ')
			name++;
		if (*name != '|')
			continue;
		name++;
		while (*name == ' ')
			name++;
		/* A call whose entry is not next to its exit in the buffer. */
		if (!strncmp(name, "} /* ", 5))
			name += 5;
		if (strncmp(name, fn, fl) ||
		    (name[fl] != ' ' && name[fl] != '('))
			continue;
		p = us;
		while (p > line && p[-1] != ' ' && p[-1] != '!' &&
		       p[-1] != '#' && p[-1] != '+' && p[-1] != '*' &&
		       p[-1] != '@' && p[-1] != '$' && p[-1] != '&')
			p--;
		if (n < max)
			dur[n++] = strtod(p, NULL) * 1e-6;
	}
	return n;
}

int trace_stop(const char *fn, double *dur, int max)
{
	return trace_read(fn, dur, max, true);
}

/* The same while tracing goes on. */
int trace_peek(const char *fn, double *dur, int max)
{
	return trace_read(fn, dur, max, false);
}

void trace_teardown(void)
{
	if (!traced)
		return;
	tw("tracing_on", "0");
	tw("current_tracer", "nop");
	tw("set_graph_function", "");
	tw("set_ftrace_filter", "");
	trace_clear();
	traced = false;
}
